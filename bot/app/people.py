"""Who is who during the run: the participant behind each sighting, where to reach them, their language.

Identities are merged by bot.domain.identity (one person, one place in the list whatever the surface); this adds
what the floor needs (name, stakeholder group, floor language) and where a private reply goes (the last
surface user id the person used). Everything learnt at run time (declared group and language, the reply
address, the language last seen and the one asked for) is kept in the store, read back by `restore` on every
start, so after a restart a web guest is still reachable and answered in the language they chose.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.app.ports.chat import InboundEvent
from bot.app.ports.store import KeyValues
from bot.config.model import NOT_STATED, Schedule
from bot.domain.floor.state import Participant
from bot.domain.identity import IdentityResolver

NAMESPACE = "participants"
REPLYABLE_SOURCES = frozenset({"slack", "web", "simulated"})


@dataclass
class People:
    schedule: Schedule
    kv: KeyValues
    identity: IdentityResolver = field(init=False)
    _participants: dict[str, Participant] = field(default_factory=dict)
    _reach: dict[str, str] = field(default_factory=dict)  # person key -> the user id to reply to
    _languages: dict[str, str] = field(default_factory=dict)  # person key -> language last seen
    _chosen: dict[str, str] = field(default_factory=dict)  # person key -> language asked for (/floor lang)

    def __post_init__(self) -> None:
        self.identity = IdentityResolver(self.schedule.people)

    def key_for(self, source: str, user_id: str, email: str | None = None, display_name: str = "") -> str:
        """The canonical person key of a platform user (surfaces may prefix their ids with their name)."""
        platform_id = user_id.removeprefix(f"{source}:") if user_id else None
        return self.identity.resolve(source, platform_id or None, email, display_name)

    async def restore(self) -> None:
        """What the store knows of everyone seen before this start."""
        for key, stored in (await self.kv.items(NAMESPACE)).items():
            if not isinstance(stored, dict):
                continue
            if reach := stored.get("reach"):
                self._reach[key] = str(reach)
            if seen := stored.get("seen_language"):
                self._languages[key] = str(seen)
            if chosen := stored.get("chosen_language"):
                self._chosen[key] = str(chosen)

    def _default_language(self) -> str:
        return self.schedule.event.languages[0]

    async def sighting(self, event: InboundEvent, now: datetime) -> Participant:
        """The participant behind an inbound event; learns their reply address and declared details."""
        key = self.key_for(event.source, event.user_id, event.email, event.display_name)
        if event.source in REPLYABLE_SOURCES:
            # Zoom's meeting chat cannot be written to: such people are reached where else they are known.
            self._reach[key] = event.user_id
        person = self.schedule.people.get(key)
        stored = await self.kv.get(NAMESPACE, key, {}) or {}
        if (chosen := stored.get("chosen_language")) and key not in self._chosen:
            # Asked for elsewhere since this process started (`floorbot registrants` while serving).
            self._chosen[key] = str(chosen)
        declared_group = event.extra.get("group")
        language = event.language or event.channel_language or stored.get("language")
        # Never a silent default: whoever has not said their group (nor been listed with one) is "not stated",
        # and only a group somebody gave is stored (so "never said" stays told apart from "prefers not to say").
        given = (person.group if person is not None else
                 declared_group if self._known_group(declared_group) else stored.get("group"))
        if person is not None:
            participant = Participant(key, person.name, person.group, person.language)
        else:
            name = event.display_name or stored.get("name") or key
            participant = Participant(key, name, str(given or NOT_STATED), language or self._default_language())
        if language in self.schedule.event.languages and event.source in REPLYABLE_SOURCES:
            self._languages[key] = language
        changed = {"name": participant.name, "language": participant.language,
                   "reach": self._reach.get(key), "seen_language": self._languages.get(key)}
        if given:
            changed["group"] = participant.group
        if {k: stored.get(k) for k in changed} != changed:
            await self.kv.set(NAMESPACE, key, {**stored, **changed}, now)
        self._participants[key] = participant
        return participant

    def _known_group(self, group: str | None) -> bool:
        return group == NOT_STATED or (bool(group) and group in self.schedule.group_names())

    def participant(self, key: str) -> Participant | None:
        key = self.identity.canonical(key)
        if key in self._participants:
            return self._participants[key]
        person = self.schedule.people.get(key)
        if person is not None:
            return Participant(key, person.name, person.group, person.language)
        return None

    def reach(self, key: str) -> str | None:
        """The user id a private message to this person goes to."""
        key = self.identity.canonical(key)
        if key in self._reach:
            return self._reach[key]
        person = self.schedule.people.get(key)
        if person is not None and person.slack:
            return person.slack
        return None

    def reply_language(self, key: str, event: InboundEvent | None = None) -> str:
        """The language to answer in: the one the person asked for (`/floor lang`), else the channel they
        wrote in (mirror mode), else the one their surface declares (Slack locale, console choice), else
        the last one seen, else the schedule's."""
        key = self.identity.canonical(key)
        if key in self._chosen:
            return self._chosen[key]
        if event is not None and event.source in REPLYABLE_SOURCES:
            # Zoom's language is the schedule's guess, not the person's own: not a reason to switch.
            for lang in (event.channel_language, event.language):
                if lang in self.schedule.event.languages:
                    return lang
        return self.language(key)

    def language(self, key: str) -> str:
        key = self.identity.canonical(key)
        if key in self._chosen:
            return self._chosen[key]
        if key in self._languages:
            return self._languages[key]
        found = self.participant(key)
        return found.language if found else self._default_language()

    async def set_language(self, key: str, lang: str, now: datetime) -> None:
        key = self.identity.canonical(key)
        self._chosen[key] = lang
        stored = await self.kv.get(NAMESPACE, key, {}) or {}
        await self.kv.set(NAMESPACE, key, {**stored, "chosen_language": lang}, now)

    async def set_group(self, key: str, group: str, now: datetime) -> Participant | None:
        """The group someone not in the schedule says they belong to (`/floor group`, the group prompt, the App
        Home), kept for their next requests and restarts (a surface that declares a group with every event
        still overrides it). Returns them as they now are (None if never seen: nothing of theirs is listed)."""
        key = self.identity.canonical(key)
        stored = await self.kv.get(NAMESPACE, key, {}) or {}
        await self.kv.set(NAMESPACE, key, {**stored, "group": group}, now)
        if key in self._participants:
            self._participants[key] = replace(self._participants[key], group=group)
        return self._participants.get(key)

    async def ask_group_once(self, key: str, now: datetime) -> bool:
        """Whether to ask this person their group now: someone the schedule does not list, who never gave one
        and was never asked. True once per person (remembered in their record, so a restart does not ask
        again)."""
        key = self.identity.canonical(key)
        if key in self.schedule.people:
            return False
        stored = await self.kv.get(NAMESPACE, key, {}) or {}
        if stored.get("group") or stored.get("group_asked"):
            return False
        await self.kv.set(NAMESPACE, key, {**stored, "group_asked": True}, now)
        return True

    async def group_of(self, key: str) -> str:
        """The group someone is counted under now (NOT_STATED when they never said), seen or not since the
        last start."""
        found = self.participant(key)
        if found is not None:
            return found.group
        stored = await self.kv.get(NAMESPACE, self.identity.canonical(key), {}) or {}
        return str(stored.get("group") or NOT_STATED)

    def find(self, handle: str) -> Participant | None:
        """A person named in a chair verb (`give @x`): a schedule id, a person key, or a unique name."""
        wanted = handle.strip().lstrip("@").casefold()
        for key in (handle, wanted):
            found = self.participant(key)
            if found is not None:
                return found
        matches = [p for p in self._participants.values() if p.name.casefold() == wanted]
        matches += [
            Participant(pid, p.name, p.group, p.language)
            for pid, p in self.schedule.people.items()
            if p.name.casefold() == wanted and pid not in self._participants
        ]
        return matches[0] if len(matches) == 1 else None
