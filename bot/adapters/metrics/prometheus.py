"""Every metric of one bot, on a registry of its own (several bots in one process, as the tests build, must
not share counters). docs/operations.md lists them and what to alert on.

Counters the app reports go through the `Meter` port; what only the adapters see is timed by the decorators
in `metered.py`; the rest (cues by ledger state, the outbox, leadership, console connections) is read at
scrape time by the sampler the composition root passes to `metrics_route`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Posting to Slack takes tens of milliseconds; queueing behind a rate limit or a retry, seconds to a minute.
DELIVERY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
TRANSLATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8)
OUTBOX_COUNTERS = {"rate_limited": "calls answered 429 (rate limited)", "retried": "calls retried after an error",
                   "failed": "deliveries given up", "delivered": "calls delivered"}


class _Outbox(Collector):
    """The Slack outbox's own figures, read when scraped (the outbox keeps them; nothing is copied)."""

    def __init__(self, read: Callable[[], Mapping[str, object] | None]) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        facts = self.read()
        if not facts:
            return
        queued = GaugeMetricFamily("floorbot_outbox_queued", "posts waiting in the Slack outbox")
        queued.add_metric([], float(_number(facts.get("queued"))))
        yield queued
        for name, text in OUTBOX_COUNTERS.items():
            family = CounterMetricFamily(f"floorbot_outbox_{name}", f"Slack outbox: {text}")
            family.add_metric([], float(_number(facts.get(name))))
            yield family


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


class PrometheusMetrics:
    """The `Meter` port on Prometheus, plus the instruments the decorators and the sampler fill."""

    def __init__(self, version: str) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)  # process_start_time_seconds, memory, CPU, open files
        Gauge("floorbot_info", "the running version", ["version"], registry=r).labels(version).set(1)
        self.cues = Gauge("floorbot_cues", "cues of the run of show by ledger state (pending: not yet due)",
                          ["state"], registry=r)
        self.leader = Gauge("floorbot_leader", "1 while this instance holds the event's lease", registry=r)
        self.ready = Gauge("floorbot_ready", "1 while /readyz answers 200", registry=r)
        self.console = Gauge("floorbot_console_connections", "live web-console streams", ["role"], registry=r)
        self.delivery_seconds = Histogram("floorbot_delivery_seconds", "chat deliveries, queueing and retries "
                                          "included", ["method"], buckets=DELIVERY_BUCKETS, registry=r)
        self.delivery_failures = Counter("floorbot_delivery_failures", "chat deliveries that failed", ["method"],
                                         registry=r)
        self.translation_requests = Counter("floorbot_translation_requests", "texts sent to the translator",
                                            ["backend", "target"], registry=r)
        self.translation_characters = Counter("floorbot_translation_characters", "characters sent to the "
                                              "translator", ["backend", "target"], registry=r)
        self.translation_seconds = Histogram("floorbot_translation_seconds", "translator calls", ["backend"],
                                             buckets=TRANSLATION_BUCKETS, registry=r)
        self.translation_failures = Counter("floorbot_translation_failures", "texts left untranslated by an error, "
                                            "a deadline or the quota", ["backend", "reason"], registry=r)
        self.floor_operations = Counter("floorbot_floor_operations", "operations on lists of speakers",
                                        ["verb", "result"], registry=r)
        self.floor_waiting = Gauge("floorbot_floor_waiting", "requests waiting on each list of speakers",
                                   ["discussion"], registry=r)
        self.inbound = Counter("floorbot_inbound_events", "events from the surfaces", ["source"], registry=r)

    # -- the Meter port -----------------------------------------------------------------------------------

    def floor_operation(self, verb: str, result: str, discussion: str, waiting: int) -> None:
        self.floor_operations.labels(verb, result).inc()
        self.floor_waiting.labels(discussion).set(waiting)

    def inbound_event(self, source: str) -> None:
        self.inbound.labels(source).inc()

    # -- scrape time --------------------------------------------------------------------------------------

    def watch_outbox(self, read: Callable[[], Mapping[str, object] | None]) -> None:
        self.registry.register(_Outbox(read))

    def set_cues(self, counts: Mapping[str, int]) -> None:
        for state, count in counts.items():
            self.cues.labels(state).set(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def metrics_route(metrics: PrometheusMetrics, sample: Callable[[], Awaitable[None]], path: str = "/metrics") -> Route:
    """`GET /metrics` in Prometheus' text format; `sample` refreshes what is read at scrape time."""

    async def endpoint(_: Request) -> Response:
        await sample()
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return Route(path, endpoint, methods=["GET"])


__all__ = ["PrometheusMetrics", "metrics_route"]
