"""The live event: inbound events dispatched once, floor effects, cue effects, timers, the console model."""
