"""Stand-ins the benchmarks (bench/) run the bot with: no database, no real time. Only what bench/ or the
rehearsal needs lives here; a double only the tests use lives under tests/ (tests/doubles, tests/fakes).
Nothing of the product imports this package (pyproject's import contract)."""
