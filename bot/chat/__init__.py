"""Chat surfaces behind one small port: Slack, the local web console, and a recording fake."""
