"""Pure domain core: no I/O, no platform imports, time always passed in."""
