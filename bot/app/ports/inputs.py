"""Written inputs as the application keeps them: metadata in the store, files in a folder, one port."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class InputRecord:
    """A written input received. `sha256`/`size`/`format` describe the file, when one was sent."""

    reference: str
    received_at: datetime
    submitter: str  # the person's key, or "guest:<name>" for a guest
    title: str
    organization: str
    group: str
    language: str
    text: str
    filename: str | None = None
    format: str | None = None
    size: int = 0
    sha256: str | None = None


class InputStore(Protocol):
    async def add(self, record: InputRecord, content: bytes | None) -> None:
        """Keep the file (durably, before anything else) and the record; once this returns, both survive
        a crash."""
        ...

    async def attach(self, record: InputRecord, content: bytes) -> None:
        """Keep a file sent later for an input already received (`record` says it), durably, as `add`."""
        ...

    async def get(self, reference: str) -> InputRecord | None: ...

    async def all(self) -> list[InputRecord]:
        """Every input received, oldest first."""
        ...

    async def content(self, record: InputRecord) -> bytes:
        """The file as received (checked against its checksum)."""
        ...
