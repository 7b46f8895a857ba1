"""Floorbot: the live side of virtual multi-stakeholder consultations."""

__version__ = "0.1.0"
