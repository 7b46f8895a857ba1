"""Collect texts bound for the same target language for a short window, then send them together.

Chat comes in bursts (everyone says "thanks" when a panellist finishes); one request per message per
language would multiply requests and hit rate limits exactly then. A quiet message waits `window`
(~100 ms). In a burst, a target's batches leave at most every `burst_interval` (3 s): a burst of
several messages a second is posted at about one per second per channel anyway (Slack's pacing), so
readers see little of the wait, and requests fall several-fold (bench/translation.py measures 1, 2
and 3 s). DeepL's `context` is per request, so each source language's group carries the context of
its earliest message: the conversation just before the batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

from bot.app.clock import LoopWaits
from bot.app.ports.translation import Lang, SourceText, Translation, Translator
from bot.app.ports.waits import Waits
from bot.app.translation.chunking import MAX_TEXTS

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    sources: list[SourceText] = field(default_factory=list)
    futures: list[asyncio.Future[Translation]] = field(default_factory=list)
    flusher: asyncio.Task[None] | None = None


class MicroBatcher:
    def __init__(
        self,
        translator: Translator,
        *,
        window: float = 0.1,
        burst_interval: float = 3.0,
        max_texts: int = MAX_TEXTS,
        waits: Waits | None = None,
    ) -> None:
        self._translator = translator
        self._window = window
        self._burst_interval = burst_interval
        self._last_sent: dict[Lang, float] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self._max_texts = max_texts
        self._waits = waits or LoopWaits()
        self._pending: dict[Lang, _Pending] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def translate(self, source: SourceText, target: Lang) -> Translation:
        future: asyncio.Future[Translation] = asyncio.get_running_loop().create_future()
        pending = self._pending.setdefault(target, _Pending())
        pending.sources.append(source)
        pending.futures.append(future)
        if len(pending.sources) >= self._max_texts:
            self._flush_now(target)
        elif pending.flusher is None:
            last = self._last_sent.get(target)
            wait = self._window
            if last is not None:
                wait = max(wait, last + self._burst_interval - self._waits.now())
            pending.flusher = self._spawn(self._flush_after(target, wait))
        return await future

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _flush_after(self, target: Lang, wait: float) -> None:
        await self._waits.sleep(wait)
        pending = self._pending.get(target)
        if pending is not None and pending.flusher is asyncio.current_task():
            pending.flusher = None
            self._flush_now(target)

    def _flush_now(self, target: Lang) -> None:
        pending = self._pending.pop(target, None)
        if pending is None or not pending.sources:
            return
        if pending.flusher is not None and pending.flusher is not asyncio.current_task():
            pending.flusher.cancel()
        self._last_sent[target] = self._waits.now()
        sending = self._spawn(self._send(pending, target))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)

    async def _send(self, pending: _Pending, target: Lang) -> None:
        first_context: dict[Lang | None, str | None] = {}
        sources = []
        for source in pending.sources:
            context = first_context.setdefault(source.lang, source.context)
            sources.append(replace(source, context=context))
        try:
            results = await self._translator.translate(sources, target)
        except Exception as error:  # a backend bug must not strand the waiting messages
            log.exception("translation batch failed")
            for future in pending.futures:
                if not future.done():
                    future.set_exception(error)
            return
        for future, result in zip(pending.futures, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def drain(self) -> None:
        """Wait for the batches already sent (not those still collecting)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def aclose(self) -> None:
        for target in list(self._pending):
            self._flush_now(target)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
