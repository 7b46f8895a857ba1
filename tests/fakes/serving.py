"""Run a blocking `socketserver` fake on a background thread for the duration of a block."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def serving(server: socketserver.BaseServer, name: str, poll: float = 0.02,
            before_shutdown: Callable[[], None] | None = None) -> Iterator[None]:
    """`before_shutdown` releases anything a handler may be blocked on (an injected hang), so shutdown ends."""
    thread = threading.Thread(target=server.serve_forever, args=(poll,), name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        if before_shutdown is not None:
            before_shutdown()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
