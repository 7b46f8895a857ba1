"""The economy benchmark's promises, on a shorter chat so it runs with the suite."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_translation", ROOT / "bench" / "translation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_cheaper_than_naive_on_every_message() -> None:
    bench = _bench()
    messages = bench.generate(400, seed=7)
    ours = await bench.run_ours(messages)
    naive = bench.run_naive(messages)
    assert len(messages) == 400
    assert all(o <= n for o, n in zip(ours.per_message_billed, naive.per_message_billed, strict=True))
    assert ours.billed_repeats_and_commands == 0
    # Requests are not billed; with no fixed interval between batches (DeepL at 150 ms) they still fall well below
    assert ours.requests * 2 <= naive.requests
    assert ours.statuses.get("unavailable", 0) == 0
