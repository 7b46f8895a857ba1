"""HTTP side of Floorbot: the web console (console.py) and, composed by the runtime, the webhooks."""
