"""Send the texts bound for one target language together, as soon as that target's previous request returns.

Chat comes in bursts (everyone says "thanks" when a panellist finishes); one request per message per
language would multiply requests and hit rate limits exactly then. So each target has at most one request
out at a time: a quiet message waits `window` (~100 ms) for company and leaves; texts that arrive while a
request is out gather and leave together the moment it returns. Batches therefore widen only when the
backend is slow, and a text never waits longer than one request behind the previous one. No fixed spacing
between batches: DeepL bills characters, not requests, so holding copies back to save requests would buy
nothing readers value. A batch that reaches DeepL's request limits (50 texts, 128 KiB) leaves at once, even
while another is out: waiting could not make it wider. DeepL's `context` is per request, so each source
language's group carries the context of its earliest message: the conversation just before the batch.
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
from bot.app.translation.chunking import MAX_BATCH_BYTES, MAX_TEXTS, encoded_size

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    sources: list[SourceText] = field(default_factory=list)
    futures: list[asyncio.Future[Translation]] = field(default_factory=list)
    size: int = 0  # encoded bytes of the texts


@dataclass
class _Target:
    pending: _Pending = field(default_factory=_Pending)
    flusher: asyncio.Task[None] | None = None  # the quiet message's window
    out: int = 0  # requests sent and not yet returned


class MicroBatcher:
    def __init__(
        self,
        translator: Translator,
        *,
        window: float = 0.1,
        max_texts: int = MAX_TEXTS,
        max_bytes: int = MAX_BATCH_BYTES,
        waits: Waits | None = None,
    ) -> None:
        self._translator = translator
        self._window = window
        self._max_texts = max_texts
        self._max_bytes = max_bytes
        self._waits = waits or LoopWaits()
        self._targets: dict[Lang, _Target] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def translate(self, source: SourceText, target: Lang) -> Translation:
        future: asyncio.Future[Translation] = asyncio.get_running_loop().create_future()
        state = self._targets.setdefault(target, _Target())
        size = encoded_size(source.text)
        if state.pending.sources and state.pending.size + size > self._max_bytes:
            self._flush_now(target)
        pending = state.pending
        pending.sources.append(source)
        pending.futures.append(future)
        pending.size += size
        if len(pending.sources) >= self._max_texts:
            self._flush_now(target)
        elif state.out == 0 and state.flusher is None:
            state.flusher = self._spawn(self._flush_after(target, self._window))
        return await future

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _flush_after(self, target: Lang, wait: float) -> None:
        await self._waits.sleep(wait)
        state = self._targets[target]
        if state.flusher is asyncio.current_task():
            state.flusher = None
            self._flush_now(target)

    def _flush_now(self, target: Lang) -> None:
        state = self._targets[target]
        pending, state.pending = state.pending, _Pending()
        if state.flusher is not None and state.flusher is not asyncio.current_task():
            state.flusher.cancel()
        state.flusher = None
        if not pending.sources:
            return
        state.out += 1
        sending = self._spawn(self._send(pending, target))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)

    async def _send(self, pending: _Pending, target: Lang) -> None:
        try:
            await self._deliver(pending, target)
        finally:
            state = self._targets[target]
            state.out -= 1
            if state.out == 0 and state.pending.sources:  # what gathered meanwhile leaves now
                self._flush_now(target)

    async def _deliver(self, pending: _Pending, target: Lang) -> None:
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
        """Wait for the batches already sent, and those they release (not those still in their window)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def aclose(self) -> None:
        for target in list(self._targets):
            self._flush_now(target)
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
