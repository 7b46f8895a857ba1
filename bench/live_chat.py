"""Live chat on the real bot: `floorbot serve` as a process, Slack and DeepL as loopback fakes.

    python bench/live_chat.py                # the three scenarios, both arms (4–8 minutes)
    python bench/live_chat.py --quick        # a third of the traffic (about 2 minutes)
    python bench/live_chat.py --only quiet   # one scenario; --json for the raw figures

Each scenario runs twice against fresh fakes with the same traffic, in the same invocation:
- floorbot: `floorbot serve SCHEDULE --start-now` in a child process (SQLite store, mirror mode over three
  language channels, DeepL configured), reached by signed Events API requests over HTTP;
- naive: a small bot in this script doing what most Slack translation bots do: for every message, one
  DeepL request and one `chat.postMessage` per other language (no batching, no retries, no pacing); a
  request for the floor gets one `chat.postEphemeral`.
Slack is tests/fakes/slack_api.py enforcing Slack's limits (about 1 chat.postMessage per second per channel,
burst 3; chat.update 50/min and chat.postEphemeral 100/min workspace-wide), answering 429 + Retry-After
beyond them. DeepL is tests/fakes/deepl_server.py answering every request in 150 ms. Wall-clock time
throughout; "send → copy" runs from the moment the request leaves this script to the moment the fake
Slack accepts a post carrying that message in another language's channel. After the last send the bench
waits until every copy and private reply has arrived, or the bot's outbox has been empty with no Slack call
for 5 s (nothing more is coming), or the scenario's limit; what has not arrived then is counted lost.

Scenarios: quiet (30 English messages 0.3 s apart), burst-100 (100 messages in 5 s over the three
channels), burst-300 (300 attendees within 10 s, two thirds chat and one third requests for the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import deepl  # noqa: E402
from slack_sdk.errors import SlackApiError  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from tests.adapters.slack.conftest import SCHEDULE, SECRET, TOKEN, event_body, signed  # noqa: E402
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl  # noqa: E402
from tests.fakes.slack_api import FakeSlack, FakeSlackServer  # noqa: E402

CHANNELS = {"en": "CEN", "fr": "CFR", "es": "CES"}
LANG_OF = {channel: lang for lang, channel in CHANNELS.items()}
DEEPL_TARGET = {"en": "EN-GB", "fr": "FR", "es": "ES"}
SLACK_POST_RATE = (1.0, 3)  # chat.postMessage per channel: per second, burst
SLACK_TIERS = {"chat.update": (50 / 60, 5), "chat.postEphemeral": (100 / 60, 10)}
DEEPL_LATENCY = 0.15
IDLE_SECONDS = 5.0  # the bot's outbox empty and no Slack call for this long: nothing more is coming
REQUESTS = {"en": "hand", "fr": "main", "es": "mano"}
TEXTS = {
    "en": "point m{n:04d}: how should companies protect human rights when they design AI systems",
    "fr": "point m{n:04d} : comment les entreprises doivent-elles protéger les droits humains",
    "es": "punto m{n:04d}: cómo deben las empresas proteger los derechos humanos",
}
TOKEN_RE = re.compile(r"\bm(\d{4})\b")


@dataclass(frozen=True)
class Send:
    at: float  # seconds after the scenario starts
    n: int
    lang: str
    request: bool  # a request for the floor, not chat


@dataclass(frozen=True)
class Scenario:
    name: str
    sends: tuple[Send, ...]
    drain: float  # at most this many seconds after the last send for what is still expected


def scenarios(quick: bool) -> list[Scenario]:
    scale = 3 if quick else 1
    quiet = tuple(Send(0.3 * i, i, "en", False) for i in range(30 // scale))
    count = 100 // scale
    langs = list(CHANNELS)
    burst = tuple(Send(5.0 / scale * i / count, i, langs[i % 3], False) for i in range(count))
    count = 300 // scale
    # one request for the floor in every three sends, from each channel in turn
    crowd = tuple(Send(10.0 / scale * i / count, i, langs[i % 3], (i // 3 + i) % 3 == 1) for i in range(count))
    return [Scenario("quiet", quiet, 60.0), Scenario("burst-100", burst, 120.0 / scale),
            Scenario("burst-300", crowd, 200.0 / scale)]


@dataclass
class Result:
    arm: str
    scenario: str
    messages: int = 0  # chat messages sent
    requests: int = 0  # requests for the floor sent
    copies_expected: int = 0
    copies: int = 0
    lost: int = 0
    doubled: int = 0
    copy_p50: float = float("nan")
    copy_p99: float = float("nan")
    replies_expected: int = 0
    replies: int = 0
    reply_p50: float = float("nan")
    reply_p99: float = float("nan")
    posts_carrying_copies: int = 0
    bundled_posts: int = 0
    deepl_requests: int = 0
    billed_characters: int = 0
    slack_calls: int = 0
    slack_calls_per_message: float = 0.0
    http_429: int = 0
    overtaken: int = 0  # copies that arrived after a copy of a later message from the same channel
    untranslated: int = 0  # copies posted with the original text (a translation failed or came too late)
    queued_at_end: int = 0  # what the bot's outbox still held when the bench stopped waiting
    waited: float = 0.0  # seconds from the last send until the bench stopped waiting
    healthz_p99: float = float("nan")  # /healthz answer time while the scenario runs (s); the bot only
    healthz_max: float = float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def message_event(send: Send) -> tuple[str, str]:
    text = REQUESTS[send.lang] if send.request else TEXTS[send.lang].format(n=send.n)
    event = {"type": "message", "user": f"U{send.n:04d}", "channel": CHANNELS[send.lang], "text": text,
             "ts": f"1646643600.{send.n:06d}", "channel_type": "channel"}
    return event_body(event, f"Ev{send.n:05d}"), text


def new_fake_slack(attendees: int) -> FakeSlack:
    fake = FakeSlack(clock=time.monotonic, post_rate=SLACK_POST_RATE, method_rates=dict(SLACK_TIERS))
    for n in range(attendees):
        fake.add_user(f"U{n:04d}", f"Attendee {n}", email=f"a{n}@example.org")
    fake.add_user("ULENE", "Lene Wendland", email="lene@ohchr.example", locale="en-GB")
    return fake


async def drive(url: str, scenario: Scenario) -> dict[int, float]:
    """Send the scenario's events on time (each in a task of its own: a slow ack delays no other send)."""
    sent: dict[int, float] = {}
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as http:

        async def one(send: Send) -> None:
            body, _ = message_event(send)
            sent[send.n] = time.monotonic()
            response = await http.post(f"{url}/slack/events", content=body, headers=signed(body))
            if response.status_code != 200:
                print(f"event {send.n}: HTTP {response.status_code}", file=sys.stderr)

        start = time.monotonic()
        tasks = []
        for send in scenario.sends:
            await asyncio.sleep(max(0.0, start + send.at - time.monotonic()))
            tasks.append(asyncio.create_task(one(send)))
        await asyncio.gather(*tasks)
    return sent


def expected(scenario: Scenario) -> tuple[set[tuple[int, str]], set[str]]:
    copies = {(s.n, channel) for s in scenario.sends if not s.request
              for lang, channel in CHANNELS.items() if lang != s.lang}
    replies = {f"U{s.n:04d}" for s in scenario.sends if s.request}
    return copies, replies


Delivered = tuple[dict[tuple[int, str], list[float]], list[list[int]], dict[str, float]]


def delivered(fake: FakeSlack, since: int) -> Delivered:
    """Copies (message, channel) → when each post carrying it was accepted; the posts' message numbers per
    post; the first private reply to each user."""
    copies: dict[tuple[int, str], list[float]] = {}
    posts: list[list[int]] = []
    replies: dict[str, float] = {}
    for call in fake.calls[since:]:
        if call.status != 200:
            continue
        if call.method == "chat.postMessage" and call.args.get("channel") in LANG_OF:
            numbers = [int(n) for n in TOKEN_RE.findall(str(call.args.get("text", "")))]
            if numbers:
                posts.append(numbers)
            for n in numbers:
                copies.setdefault((n, str(call.args["channel"])), []).append(call.at)
        elif call.method == "chat.postEphemeral":
            replies.setdefault(str(call.args.get("user")), call.at)
    return copies, posts, replies


async def settle_until(done: Any, limit: float, idle: Any = None) -> None:
    """Until `done()`, or `idle()` has held for IDLE_SECONDS (nothing more will come), or `limit` seconds."""
    deadline = time.monotonic() + limit
    idle_since: float | None = None
    while time.monotonic() < deadline and not done():
        if idle is not None and await idle():
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= IDLE_SECONDS:
                return
        else:
            idle_since = None
        await asyncio.sleep(0.2)  # noqa: ASYNC110 - a bench watching the wall clock


def tally(arm: str, scenario: Scenario, fake: FakeSlack, since: int, sent: dict[int, float],
          deepl_fake: FakeDeepL, deepl_since: tuple[int, int]) -> Result:
    want_copies, want_replies = expected(scenario)
    copies, posts, replies = delivered(fake, since)
    result = Result(arm, scenario.name)
    result.messages = sum(not s.request for s in scenario.sends)
    result.requests = sum(s.request for s in scenario.sends)
    result.copies_expected = len(want_copies)
    result.copies = len(want_copies & copies.keys())
    result.lost = len(want_copies - copies.keys())
    result.doubled = sum(len(times) - 1 for key, times in copies.items() if key in want_copies)
    delays = [min(copies[key]) - sent[key[0]] for key in want_copies & copies.keys()]
    result.copy_p50, result.copy_p99 = percentile(delays, 0.5), percentile(delays, 0.99)
    result.replies_expected = len(want_replies)
    result.replies = len(want_replies & replies.keys())
    by_user = {f"U{s.n:04d}": sent[s.n] for s in scenario.sends if s.request}
    reply_delays = [replies[user] - by_user[user] for user in want_replies & replies.keys()]
    result.reply_p50, result.reply_p99 = percentile(reply_delays, 0.5), percentile(reply_delays, 0.99)
    result.posts_carrying_copies = len(posts)
    result.bundled_posts = sum(len(p) > 1 for p in posts)
    calls = fake.calls[since:]
    result.slack_calls = len(calls)
    result.slack_calls_per_message = len(calls) / max(1, len(scenario.sends))
    result.http_429 = sum(c.status == 429 for c in calls)
    result.deepl_requests = deepl_fake.translate_calls - deepl_since[0]
    result.billed_characters = deepl_fake.character_count - deepl_since[1]
    for call in fake.calls[since:]:
        channel = str(call.args.get("channel"))
        if call.method == "chat.postMessage" and call.status == 200 and channel in LANG_OF:
            label = f"[{DEEPL_TARGET[LANG_OF[channel]]}]"  # what the fake DeepL puts before a translation
            result.untranslated += sum(1 for line in str(call.args.get("text", "")).splitlines()
                                       if TOKEN_RE.search(line) and label not in line)
    for channel in CHANNELS.values():  # a channel's copies of one source channel come in the order sent
        for lang in CHANNELS:
            arrivals = [(min(t), n) for (n, c), t in copies.items() if c == channel and scenario.sends[n].lang == lang]
            result.overtaken += sum(any(sent[m] > sent[n] and at_m < at_n for at_m, m in arrivals)
                                    for at_n, n in arrivals)
    return result


# -- the real bot ------------------------------------------------------------------------------------------

PROBE = """
import sys, time, httpx
url, times = sys.argv[1], []
try:
    with httpx.Client(timeout=10) as http:
        while True:
            started = time.monotonic()
            try:
                http.get(url + "/healthz")
                times.append(time.monotonic() - started)
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
except KeyboardInterrupt:
    print(" ".join(f"{t:.6f}" for t in times))
"""


async def probe_health(url: str, times: list[float]) -> None:
    """Ask /healthz every 100 ms while the traffic runs, from a process of its own (this one is busy with the
    traffic and the fakes): how long it takes to answer says whether anything holds the bot's event loop
    (issue 12: within 50 ms throughout)."""
    probe = await asyncio.create_subprocess_exec(sys.executable, "-c", PROBE, url, stdout=asyncio.subprocess.PIPE)
    try:
        await asyncio.Event().wait()  # until cancelled
    finally:
        probe.send_signal(signal.SIGINT)
        out, _ = await probe.communicate()
        times.extend(float(t) for t in out.decode().split())


def write_schedule(directory: Path) -> Path:
    data = json.loads(json.dumps(SCHEDULE))
    path = directory / "live-chat.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML
    return path


def floorbot_command() -> list[str]:
    found = shutil.which("floorbot", path=str(Path(sys.executable).parent)) or shutil.which("floorbot")
    return [found] if found else [sys.executable, "-m", "bot.cli.main"]


@contextlib.asynccontextmanager
async def floorbot_serve(directory: Path, slack_url: str, deepl_url: str, deepl_key: str) -> AsyncIterator[str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DEEPL_", "FLOORBOT_",
                                                                                 "ZOOM_", "LIBRETRANSLATE_"))}
    env.update({
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
        "DEEPL_AUTH_KEY": deepl_key, "DEEPL_SERVER_URL": deepl_url,
        "FLOORBOT_DATABASE_URL": f"sqlite:///{directory / 'live-chat.sqlite'}",
        "FLOORBOT_HOST": "127.0.0.1", "FLOORBOT_PORT": str(port),
    })
    log = (directory / "serve.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        *floorbot_command(), "serve", str(write_schedule(directory)), "--start-now",
        cwd=directory, env=env, stdout=log, stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(url, process, directory)
        yield url
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        log.close()


async def wait_ready(url: str, process: asyncio.subprocess.Process, directory: Path) -> None:
    """Until the bot runs, has reached Slack and DeepL, and has posted its opening cues (quiet outbox)."""
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(timeout=5) as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"floorbot serve exited: see {directory / 'serve.log'}")
            with contextlib.suppress(httpx.HTTPError):
                health = (await http.get(f"{url}/healthz")).json()
                steps = health.get("startup", {})
                slack = health.get("slack") or {}
                if (health.get("status") == "ok" and all(s.get("state") == "ok" for s in steps.values())
                        and slack.get("queued") == 0 and not slack.get("waiting_for_slack")):
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"floorbot serve not ready within 60 s: see {directory / 'serve.log'}")


async def run_floorbot(scenario: Scenario, attendees: int) -> Result:
    fake = new_fake_slack(attendees)
    async with FakeSlackServer(fake):
        with running_fake_deepl(FakeDeepL(latency=DEEPL_LATENCY)) as deepl_fake, \
                tempfile.TemporaryDirectory(prefix="live-chat-") as tmp:
            async with floorbot_serve(Path(tmp), fake.base_url, deepl_fake.url, deepl_fake.auth_key) as url:
                since, deepl_since = len(fake.calls), (deepl_fake.translate_calls, deepl_fake.character_count)
                probe_times: list[float] = []
                probing = asyncio.create_task(probe_health(url, probe_times))  # is the loop free throughout?
                sent = await drive(url, scenario)
                want_copies, want_replies = expected(scenario)

                def complete() -> bool:
                    copies, _, replies = delivered(fake, since)
                    return want_copies <= copies.keys() and want_replies <= replies.keys()

                calls = [len(fake.calls)]
                health: dict[str, Any] = {}

                async def idle() -> bool:  # the outbox is empty and Slack has heard nothing new
                    with contextlib.suppress(httpx.HTTPError, ValueError):
                        async with httpx.AsyncClient(timeout=5) as http:
                            health.update((await http.get(f"{url}/healthz")).json().get("slack") or {})
                    quiet = health.get("queued") == 0 and len(fake.calls) == calls[0]
                    calls[0] = len(fake.calls)
                    return quiet

                last = time.monotonic()
                await settle_until(complete, scenario.drain, idle)
                waited = time.monotonic() - last
                await asyncio.sleep(1.0)  # anything doubled would be on its way
                await idle()
                probing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await probing
                result = tally("floorbot", scenario, fake, since, sent, deepl_fake, deepl_since)
                result.queued_at_end, result.waited = int(health.get("queued") or 0), waited
                if probe_times:
                    result.healthz_p99, result.healthz_max = percentile(probe_times, 0.99), max(probe_times)
                return result


# -- the naive baseline --------------------------------------------------------------------------------------

class NaiveBot:
    """One DeepL request and one post per copy, straight from the event handler; nothing retried."""

    def __init__(self, slack_url: str, deepl_fake: FakeDeepL) -> None:
        self.client = AsyncWebClient(token=TOKEN, base_url=slack_url)
        deepl.http_client.max_network_retries = 0
        self.translator = deepl.DeepLClient(deepl_fake.auth_key, server_url=deepl_fake.url)
        self.verifier = SignatureVerifier(SECRET)
        self.tasks: set[asyncio.Task[None]] = set()
        self.queue = 0

    async def events(self, request: Request) -> Response:
        body = (await request.body()).decode()
        if not self.verifier.is_valid_request(body, dict(request.headers)):
            return Response(status_code=401)
        event = json.loads(body)["event"]
        task = asyncio.create_task(self.handle(event))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return Response(status_code=200)

    async def handle(self, event: dict[str, Any]) -> None:
        source = LANG_OF[event["channel"]]
        text = str(event["text"])
        if text == REQUESTS[source]:
            self.queue += 1
            with contextlib.suppress(SlackApiError):
                await self.client.chat_postEphemeral(channel=event["channel"], user=event["user"],
                                                     text=f"You are number {self.queue}.")
            return
        await asyncio.gather(*(self.copy(text, source, target) for target in CHANNELS if target != source),
                             return_exceptions=True)

    async def copy(self, text: str, source: str, target: str) -> None:
        answer = await asyncio.to_thread(self.translator.translate_text, text, source_lang=source.upper(),
                                         target_lang=DEEPL_TARGET[target])
        with contextlib.suppress(SlackApiError):
            await self.client.chat_postMessage(channel=CHANNELS[target], text=str(answer),  # type: ignore[arg-type]
                                               username="Attendee")


@contextlib.asynccontextmanager
async def naive_serve(bot: NaiveBot) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/slack/events", bot.events, methods=["POST"])]),
                                           log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def run_naive(scenario: Scenario, attendees: int) -> Result:
    fake = new_fake_slack(attendees)
    async with FakeSlackServer(fake):
        with running_fake_deepl(FakeDeepL(latency=DEEPL_LATENCY)) as deepl_fake:
            bot = NaiveBot(fake.base_url, deepl_fake)
            async with naive_serve(bot) as url:
                since, deepl_since = len(fake.calls), (deepl_fake.translate_calls, deepl_fake.character_count)
                sent = await drive(url, scenario)
                last = time.monotonic()
                while bot.tasks:
                    await asyncio.gather(*bot.tasks, return_exceptions=True)
                result = tally("naive", scenario, fake, since, sent, deepl_fake, deepl_since)
                result.waited = time.monotonic() - last
                return result


# -- report ----------------------------------------------------------------------------------------------------

def seconds(value: float) -> str:
    return "—" if value != value else f"{value:.2f}"


ROWS: list[tuple[str, Any]] = [
    ("chat messages / requests for the floor sent", lambda r: f"{r.messages} / {r.requests}"),
    ("send → copy p50 / p99 (s)", lambda r: f"{seconds(r.copy_p50)} / {seconds(r.copy_p99)}"),
    ("copies delivered / expected", lambda r: f"{r.copies} / {r.copies_expected}"),
    ("copies lost (not delivered when the bench stopped waiting)", lambda r: f"**{r.lost}**"),
    ("seconds waited after the last send / still queued then", lambda r: f"{r.waited:.0f} / {r.queued_at_end}"),
    ("copies doubled", lambda r: str(r.doubled)),
    ("copies posted untranslated", lambda r: str(r.untranslated)),
    ("posts carrying copies / of them bundles", lambda r: f"{r.posts_carrying_copies} / {r.bundled_posts}"),
    ("private replies delivered / expected", lambda r: f"{r.replies} / {r.replies_expected}"),
    ("private reply p50 / p99 (s)", lambda r: f"{seconds(r.reply_p50)} / {seconds(r.reply_p99)}"),
    ("DeepL requests", lambda r: str(r.deepl_requests)),
    ("DeepL billed characters", lambda r: str(r.billed_characters)),
    ("Slack calls per inbound message", lambda r: f"{r.slack_calls_per_message:.2f}"),
    ("HTTP 429 from Slack", lambda r: str(r.http_429)),
    ("copies overtaken by a later message's copy", lambda r: f"**{r.overtaken}**" if r.overtaken else "0"),
    ("/healthz answer while it runs p99 / max (ms)",
     lambda r: "—" if r.healthz_max != r.healthz_max else f"{r.healthz_p99 * 1000:.0f} / {r.healthz_max * 1000:.0f}"),
]


def table(pairs: list[tuple[Result, Result]]) -> str:
    out = []
    for ours, naive in pairs:
        out += [f"### {ours.scenario}", "", "| | floorbot serve | naive bot |", "|---|---:|---:|"]
        out += [f"| {label} | {cell(ours)} | {cell(naive)} |" for label, cell in ROWS]
        out.append("")
    return "\n".join(out)


def goals(pairs: list[tuple[Result, Result]]) -> Iterator[str]:
    limits = {"quiet": (1.0, 2.0), "burst-100": (None, 10.0), "burst-300": (None, 15.0)}
    for ours, naive in pairs:
        p50, p99 = limits[ours.scenario]
        checks = [("p99", ours.copy_p99, p99), ("p50", ours.copy_p50, p50)]
        met = [f"{name} {value:.2f} s ≤ {limit} s: {'met' if value <= limit else 'MISSED'}"
               for name, value, limit in checks if limit is not None]
        met.append(f"lost {ours.lost}, doubled {ours.doubled}: {'met' if ours.lost == ours.doubled == 0 else 'MISSED'}")
        met.append(f"overtaken {ours.overtaken}")
        within = "met" if ours.healthz_p99 <= 0.05 else "MISSED"
        met.append(f"/healthz p99 {ours.healthz_p99 * 1000:.0f} ms ≤ 50 ms: {within}")
        met.append(f"billed {ours.billed_characters} ≤ naive {naive.billed_characters}: "
                   f"{'met' if ours.billed_characters <= naive.billed_characters else 'MISSED'}")
        yield f"- {ours.scenario}: " + "; ".join(met)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a third of each scenario's traffic")
    parser.add_argument("--only", choices=["quiet", "burst-100", "burst-300"], action="append",
                        help="run only this scenario (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    return parser.parse_args(argv)


async def run_all(args: argparse.Namespace) -> list[tuple[Result, Result]]:
    pairs = []
    for scenario in scenarios(args.quick):
        if args.only and scenario.name not in args.only:
            continue
        attendees = max(s.n for s in scenario.sends) + 1
        print(f"{scenario.name}: floorbot serve…", file=sys.stderr)
        ours = await run_floorbot(scenario, attendees)
        print(f"{scenario.name}: naive…", file=sys.stderr)
        naive = await run_naive(scenario, attendees)
        pairs.append((ours, naive))
    return pairs


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    pairs = asyncio.run(run_all(args))
    if args.json:
        print(json.dumps([[asdict(o), asdict(n)] for o, n in pairs], indent=1))
        return
    print(table(pairs))
    print("Goals (issue 12):")
    print("\n".join(goals(pairs)))


if __name__ == "__main__":
    main()
