"""bench/live_chat.py is not run by the suite (it takes minutes of wall time); this checks that it loads, reads
its options, sends the issue's traffic, and counts copies the way its report says."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT
from tests.fakes.slack_api import Call, FakeSlack


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_live_chat", ROOT / "bench" / "live_chat.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_options_and_scenarios() -> None:
    bench = _bench()
    args = bench.parse_args(["--quick", "--only", "quiet", "--json"])
    assert args.quick and args.only == ["quiet"] and args.json
    quiet, burst, crowd = bench.scenarios(quick=False)
    assert len(quiet.sends) == 30 and quiet.sends[-1].at == 0.3 * 29 and {s.lang for s in quiet.sends} == {"en"}
    assert len(burst.sends) == 100 and burst.sends[-1].at < 5 and {s.lang for s in burst.sends} == {"en", "fr", "es"}
    assert len(crowd.sends) == 300 and crowd.sends[-1].at < 10
    assert sum(s.request for s in crowd.sends) == 100 and len({s.n for s in crowd.sends}) == 300
    assert all(len(q.sends) < len(f.sends) for q, f in zip(bench.scenarios(quick=True), (quiet, burst, crowd),
                                                           strict=True))


def test_copies_bundles_doubles_and_losses_are_counted_from_what_slack_accepted() -> None:
    bench = _bench()
    scenario = bench.Scenario("quiet", tuple(bench.Send(0.0, n, "en", False) for n in range(3)), 1.0)
    fake = FakeSlack()

    def post(channel: str, text: str, at: float, status: int = 200) -> None:
        fake.calls.append(Call("chat.postMessage", {"channel": channel, "text": text}, None, status, at))

    post("CFR", "[FR] point m0000", 1.0)
    post("CFR", "*Attendee 1*: point m0001\n*Attendee 2*: point m0002", 3.0)  # a bundle
    post("CES", "[ES] punto m0000", 2.0)
    post("CES", "[ES] punto m0000", 2.5)  # the same copy again
    post("CES", "[ES] punto m0001", 2.0, status=429)  # refused: not delivered
    sent = {0: 0.0, 1: 0.5, 2: 1.0}
    result = bench.tally("floorbot", scenario, fake, 0, sent, _NoDeepL(), (0, 0))
    assert (result.copies_expected, result.copies, result.lost, result.doubled) == (6, 4, 2, 1)
    assert (result.posts_carrying_copies, result.bundled_posts, result.http_429) == (4, 1, 1)
    assert result.untranslated == 2  # the bundle's lines carry no "[FR]"
    assert result.copy_p50 == 2.0 and result.copy_p99 == 2.5  # delays 1.0, 2.0, 2.5, 2.0
    assert result.overtaken == 0
    post("CES", "[ES] punto m0002", 2.2)  # message 2's copy before message 1's: 1 is overtaken
    post("CES", "[ES] punto m0001", 4.0)
    assert bench.tally("floorbot", scenario, fake, 0, sent, _NoDeepL(), (0, 0)).overtaken == 1


class _NoDeepL:
    translate_calls = 0
    character_count = 0
