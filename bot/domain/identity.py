"""One person, one place in the list, whatever surface they use.

Every sighting of someone (a Slack user id, a Zoom participant, a web-console choice, an email address)
is a *handle*. Handles known to belong together are merged (union-find); each group has one canonical
person key, chosen in this order of preference:

1. the schedule's person id, when a handle matches that person (Slack id, email case-insensitively, or
   ``web:<person id>``);
2. ``email:<lowercased address>`` when an email is known;
3. ``<source>:<platform user id>`` otherwise.

Learning an email later links the identities: the same key comes out for every handle of the person,
and a key handed out earlier is mapped to the current one by `IdentityResolver.canonical` (so a request
already in the list under ``zoom:123`` is found again as ``email:ana@example.org``).

`PeopleIndex` matches a sighting against the schedule; `IdentityResolver` adds the in-memory cache of links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.schedule import ListedPerson

EMAIL_PREFIX = "email:"


def normalize_email(email: str | None) -> str | None:
    """Emails compare case-insensitively (in practice, providers treat the local part so too)."""
    if email is None:
        return None
    cleaned = email.strip().lower()
    return cleaned if "@" in cleaned else None


@dataclass(frozen=True)
class PeopleIndex:
    """The schedule's people, indexed by every platform id that identifies them."""

    by_slack: Mapping[str, str]
    by_email: Mapping[str, str]
    ids: frozenset[str]

    @classmethod
    def from_people(cls, people: Mapping[str, ListedPerson]) -> PeopleIndex:
        by_slack = {p.slack: pid for pid, p in people.items() if p.slack}
        by_email: dict[str, str] = {}
        for pid, person in people.items():
            email = normalize_email(person.email)
            if email:
                by_email.setdefault(email, pid)
        return cls(by_slack=by_slack, by_email=by_email, ids=frozenset(people))

    def match(self, source: str, user_id: str | None, email: str | None) -> str | None:
        """The schedule person id this sighting designates, if any."""
        if user_id:
            if source == "slack" and user_id in self.by_slack:
                return self.by_slack[user_id]
            if source == "web":
                # The console identifies people as `web:<person id>` (or just the person id).
                candidate = user_id.removeprefix("web:")
                if candidate in self.ids:
                    return candidate
        normalized = normalize_email(email)
        if normalized and normalized in self.by_email:
            return self.by_email[normalized]
        return None


def _rank(handle: str) -> int:
    # Lower is preferred: person id, then email, then a platform handle.
    if handle.startswith("person:"):
        return 0
    if handle.startswith(EMAIL_PREFIX):
        return 1
    return 2


class IdentityResolver:
    """Maps (source, platform user id, email, display name) to a canonical person key, remembering links."""

    def __init__(self, people: Mapping[str, ListedPerson] | None = None) -> None:
        self._index = PeopleIndex.from_people(people or {})
        self._parent: dict[str, str] = {}
        self._order: dict[str, int] = {}  # first-seen order breaks ties between equally ranked handles
        self._names: dict[str, str] = {}

    def resolve(
        self, source: str, user_id: str | None, email: str | None = None, display_name: str = ""
    ) -> str:
        """The person key for this sighting; links its handles so all of them give the same key."""
        handles: list[str] = []
        if user_id:
            handles.append(f"{source}:{user_id}")
        normalized = normalize_email(email)
        if normalized:
            handles.append(EMAIL_PREFIX + normalized)
        person = self._index.match(source, user_id, email)
        if person:
            handles.append(f"person:{person}")
        if not handles:
            raise ValueError("a sighting needs a platform user id or an email")
        for handle in handles:
            self._add(handle)
        for handle in handles[1:]:
            self._union(handles[0], handle)
        key = self._key_of(self._find(handles[0]))
        if display_name:
            self._names[key] = display_name
        return key

    def canonical(self, key: str) -> str:
        """The current key for a key handed out earlier (unchanged when nothing was learned since)."""
        handle = self._handle_of(key)
        if handle not in self._parent:
            return key
        return self._key_of(self._find(handle))

    def display_name(self, key: str) -> str | None:
        """The last display name seen for this person (for lists; never used to authorise anything)."""
        current = self.canonical(key)
        return self._names.get(current) or self._names.get(key)

    def _handle_of(self, key: str) -> str:
        if ":" in key:
            return key
        return f"person:{key}"

    def _add(self, handle: str) -> None:
        if handle not in self._parent:
            self._parent[handle] = handle
            self._order[handle] = len(self._order)

    def _find(self, handle: str) -> str:
        root = handle
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[handle] != root:  # path compression
            self._parent[handle], handle = root, self._parent[handle]
        return root

    def _union(self, a: str, b: str) -> None:
        root_a, root_b = self._find(a), self._find(b)
        if root_a == root_b:
            return
        # The root is always the group's best handle, so the key is read off the root directly.
        best, other = sorted((root_a, root_b), key=lambda h: (_rank(h), self._order[h]))
        self._parent[other] = best

    def _key_of(self, root: str) -> str:
        if root.startswith("person:"):
            return root.removeprefix("person:")
        return root
