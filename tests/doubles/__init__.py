"""In-process test doubles of our own ports (the HTTP fakes of third-party services are in tests/fakes)."""
