"""Rehearsals: the whole event on a simulated clock, with simulated attendees."""
