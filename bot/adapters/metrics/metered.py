"""Decorators over the chat and translation ports that time and count every call, and remember since when
deliveries fail (what /readyz reads). They change nothing of what passes through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.adapters.metrics.prometheus import PrometheusMetrics
from bot.app.ports.board import BoardView
from bot.app.ports.chat import AudienceKind, Button, ChatPort, MessageRef, Post
from bot.app.ports.translation import Lang, SourceText, Status, Translation, Translator
from bot.app.translation.forwarding import ForwardingTranslator

T = TypeVar("T")
FAILED = (Status.UNAVAILABLE, Status.QUOTA_EXHAUSTED, Status.ENTITY_MISMATCH)


@dataclass
class MeteredChat:
    """A ChatPort that times each delivery (queueing and retries included) and counts the failures."""

    inner: ChatPort
    metrics: PrometheusMetrics
    now: Callable[[], float]  # monotonic seconds (the Waits port's)
    failing_since: float | None = None  # the first failure since the last success
    surface: str = field(init=False)

    def __post_init__(self) -> None:
        self.surface = self.inner.surface

    def failing_for(self) -> float:
        """Seconds deliveries have been failing without one success in between; 0 when they succeed."""
        return 0.0 if self.failing_since is None else self.now() - self.failing_since

    async def _timed(self, method: str, call: Awaitable[T], started: float | None = None) -> T:
        started = self.now() if started is None else started
        try:
            result = await call
        except Exception:
            self.metrics.delivery_failures.labels(method).inc()
            if self.failing_since is None:
                self.failing_since = started
            raise
        self.metrics.delivery_seconds.labels(method).observe(max(0.0, self.now() - started))
        self.failing_since = None
        return result

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        return await self._timed("announce", self.inner.announce(texts, audience=audience, key=key, actions=actions))

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        return await self._timed("post", self.inner.post(lang, post, audience=audience))

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        # Timed from the queueing to the delivery: the relay awaits every copy it queues.
        started = self.now()
        delivery = await self.inner.queue(lang, post)
        return self._timed("post", delivery, started)

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        await self._timed("reply_private", self.inner.reply_private(user_id, text, context=context,
                                                                      actions=actions))

    async def show_board(self, board: BoardView) -> None:
        await self._timed("show_board", self.inner.show_board(board))

    async def edit(self, ref: MessageRef, post: Post) -> None:
        await self._timed("edit", self.inner.edit(ref, post))

    async def delete(self, ref: MessageRef) -> None:
        await self._timed("delete", self.inner.delete(ref))

    async def react(self, ref: MessageRef, emoji: str) -> None:
        await self._timed("react", self.inner.react(ref, emoji))


@dataclass
class MeteredTranslator(ForwardingTranslator):
    """A Translator that counts texts, characters and failures, and times each call to the backend."""

    inner: Translator
    metrics: PrometheusMetrics
    now: Callable[[], float]
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.inner.name

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        backend, m = self.inner.name, self.metrics
        m.translation_requests.labels(backend, target).inc(len(texts))
        m.translation_characters.labels(backend, target).inc(sum(len(t.text) for t in texts))
        started = self.now()
        try:
            results = await self.inner.translate(texts, target)
        except Exception as error:
            m.translation_failures.labels(backend, type(error).__name__).inc(len(texts))
            raise
        finally:
            m.translation_seconds.labels(backend).observe(max(0.0, self.now() - started))
        for result in results:
            if result.status in FAILED:
                m.translation_failures.labels(backend, result.status.value).inc()
        return results


__all__ = ["MeteredChat", "MeteredTranslator"]
