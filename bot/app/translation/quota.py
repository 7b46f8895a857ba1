"""After the backend refuses a request for quota (DeepL's 456), translate what still fits, and carry on
by itself once the quota is topped up: no restart.

A refusal is for the whole request, yet shorter texts may still fit what is left. So a refused batch is
retried text by text, shortest first; the usage endpoint is read at once to learn what is left, and a
text refused alone bounds what is worth trying: every longer text is answered "quota exhausted" here,
without a request. While limited, the usage is read again at most every `poll_interval`; when it shows
more room than we knew of (a top-up, a new billing period), the limit goes and batches flow as before.
A text's size is its characters, which is what DeepL bills (our markup excepted, so it errs on the safe
side).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.app.ports.translation import Lang, SourceText, Status, Translation, Translator, TranslatorError
from bot.app.ports.waits import Waits
from bot.app.translation.forwarding import ForwardingTranslator

log = logging.getLogger(__name__)

POLL_INTERVAL = 60.0  # seconds between usage reads while the quota is spent


def _size(source: SourceText) -> int:
    return len(source.text)


class QuotaGuard(ForwardingTranslator):
    """A Translator around the backend that keeps translating within what is left of its quota."""

    def __init__(self, inner: Translator, *, waits: Waits, poll_interval: float = POLL_INTERVAL) -> None:
        self.inner = inner
        self.name = inner.name
        self._waits = waits
        self._poll_interval = poll_interval
        self._room: int | None = None  # characters that may still fit; None: no refusal since the last top-up
        self._polled_at = 0.0

    @property
    def limited(self) -> bool:
        """True from a quota refusal until the quota is seen topped up."""
        return self._room is not None


    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        if self._room is not None and self._waits.now() - self._polled_at >= self._poll_interval:
            await self._poll(topped_up_if_more=True)
        if self._room is None or sum(map(_size, texts)) <= self._room:
            results = await self.inner.translate(texts, target)
            self._spent(results)
            refused = [i for i, r in enumerate(results) if r.status is Status.QUOTA_EXHAUSTED]
            if not refused:
                return results
            was_limited = self._room is not None
            self._bound(sum(_size(texts[i]) for i in refused) - 1)
            if not was_limited:
                log.warning("translation quota refused %d text(s); reading what is left", len(refused))
                await self._poll(topped_up_if_more=False)
            if len(texts) == 1:
                return results
        else:
            results = [Translation(t.text, Status.QUOTA_EXHAUSTED, target, t.lang) for t in texts]
            refused = list(range(len(texts)))
        for index in sorted(refused, key=lambda i: _size(texts[i])):
            if self._room is not None and _size(texts[index]) > self._room:
                break  # this one and every longer one cannot fit
            [one] = await self.inner.translate([texts[index]], target)
            if one.status is Status.QUOTA_EXHAUSTED:
                self._bound(_size(texts[index]) - 1)
                break
            self._spent([one])
            results[index] = one
        return results

    def _spent(self, results: Sequence[Translation]) -> None:
        if self._room is not None:
            self._room = max(0, self._room - sum(r.billed_characters for r in results))

    def _bound(self, most: int) -> None:
        self._room = max(0, most if self._room is None else min(self._room, most))

    async def _poll(self, *, topped_up_if_more: bool) -> None:
        self._polled_at = self._waits.now()
        try:
            usage = await self.inner.usage()
        except TranslatorError as error:
            log.warning("could not read the translation quota: %s", error)
            return
        if usage is None:  # the backend does not say: after a while, simply try again
            if topped_up_if_more:
                self._room = None
            return
        remaining = usage.remaining
        if remaining is None or (topped_up_if_more and self._room is not None and remaining > self._room):
            log.info("translation quota available again (%s characters left)", remaining)
            self._room = None
        else:
            self._bound(remaining)
