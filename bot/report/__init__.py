"""The intervention report: who spoke, for how long, from which stakeholder group, and how the run went."""
