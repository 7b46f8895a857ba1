"""Cross-checks of a structurally valid schedule: references, times, nesting, zones, translations.

Each check yields problems located through the SourceMap, so an organizer sees `FILE:LINE:COL`.
Pure apart from reading the IANA zone database.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.model import DEFAULT_GROUPS, Item, Schedule, Text
from bot.config.problems import Path, Problem, Severity, SourceMap
from bot.domain.agenda.timeline import CueKind, plan
from bot.domain.agenda.wall_time import WallTime, wall_time_status
from bot.domain.schedule import ItemKind

WARNING = Severity.WARNING


def _minutes(at: time) -> int:
    """Minutes since midnight on the wall clock (an item never crosses midnight)."""
    return at.hour * 60 + at.minute


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _contains(outer: Item, inner: Item) -> bool:
    return _minutes(outer.start) <= _minutes(inner.start) and _minutes(inner.end) <= _minutes(outer.end)


def _suggest(name: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


class _Checker:
    def __init__(self, schedule: Schedule, source: SourceMap) -> None:
        self.schedule = schedule
        self.source = source
        self.problems: list[Problem] = []
        self.zone = _zone(schedule.event.timezone)

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.source.problem(path, message, at_key=at_key))

    def warn(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.source.problem(path, message, WARNING, at_key=at_key))

    def run(self) -> list[Problem]:
        self.check_zone()
        self.check_languages()
        self.check_people()
        self.check_interpreters()
        self.check_days()
        self.check_items()
        self.check_translations()
        if self.zone is not None and not any(p.severity is Severity.ERROR for p in self.problems):
            self.check_questions_fit()
        return self.problems

    def check_questions_fit(self) -> None:
        """Guiding questions posted `every` so often that some would fall after the session ends."""
        posted: dict[str, int] = {}
        for cue in plan(self.schedule):
            if cue.kind is CueKind.QUESTION:
                posted[cue.item] = posted.get(cue.item, 0) + 1
        for day_index, day in enumerate(self.schedule.days):
            for item_index, item in enumerate(day.items):
                wanted = len(item.discussion.questions) if item.discussion else 0
                if item.kind is ItemKind.SESSION and posted.get(item.id, 0) < wanted:
                    self.warn(
                        ("days", day_index, "items", item_index, "discussion"),
                        f"only {posted.get(item.id, 0)} of the {wanted} guiding questions of '{item.id}' "
                        "fit before it ends; the chair can post the others",
                        at_key=True,
                    )

    # -- event ---------------------------------------------------------------------------------
    def check_zone(self) -> None:
        if self.zone is None:
            self.error(
                ("event", "timezone"),
                f"unknown time zone '{self.schedule.event.timezone}': use an IANA name such as Europe/Zurich",
            )

    def check_languages(self) -> None:
        event = self.schedule.event
        for index, lang in enumerate(event.interpretation):
            if lang not in event.languages:
                self.warn(
                    ("event", "interpretation", index),
                    f"interpretation into '{lang}' but '{lang}' is not one of the event's languages",
                )
        for lang in self.schedule.chat.channels:
            if lang not in event.languages:
                self.warn(
                    ("chat", "channels", lang), f"a channel for '{lang}', which the event does not use", at_key=True
                )

    def check_interpreters(self) -> None:
        event = self.schedule.event
        for index, _ in enumerate(event.meetings.interpreters):
            self.warn(("event", "meetings", "interpreters", index),
                      "interpreters belong in the top-level interpreters: section (this place still works)")
        for index, interpreter in enumerate(self.schedule.interpreters):
            for lang in interpreter.languages:
                if lang not in event.languages:
                    self.warn(("interpreters", index, "languages"),
                              f"interpreter {interpreter.email} works in '{lang}', not one of the event's languages")
            if interpreter.booth is not None and interpreter.booth not in interpreter.languages:
                self.error(("interpreters", index, "booth"),
                           f"booth '{interpreter.booth}' is not one of this interpreter's languages "
                           f"({', '.join(interpreter.languages)})")
        if event.interpretation and not self.schedule.all_interpreters():
            self.warn(("event", "interpretation"),
                      "interpretation is declared but no interpreters are listed: the meetings are scheduled with "
                      "interpretation on; assign interpreters in the meeting (or list them under interpreters:)")

    # -- people and groups ---------------------------------------------------------------------
    def known_groups(self) -> set[str]:
        return set(self.schedule.group_names())

    def check_people(self) -> None:
        groups = self.known_groups()
        for person_id, person in self.schedule.people.items():
            if person.group not in groups:
                self.error(
                    ("people", person_id, "group"),
                    f"unknown stakeholder group '{person.group}'{_suggest(person.group, groups)}; "
                    "add it under groups: or use one of " + ", ".join(sorted(DEFAULT_GROUPS)),
                )
        for group in self.schedule.floor.group_budgets:
            if group not in groups:
                self.error(
                    ("floor", "group_budgets", group),
                    f"unknown stakeholder group '{group}'{_suggest(group, groups)}",
                    at_key=True,
                )
        for index, person_id in enumerate(self.schedule.event.organizers):
            self.person_ref(("event", "organizers", index), person_id, "organizer")

    def person_ref(self, path: Path, person_id: str, role: str) -> None:
        people = self.schedule.people
        if person_id not in people:
            self.error(
                path, f"unknown person '{person_id}' as {role}{_suggest(person_id, people)}: add them under people:"
            )

    # -- days ----------------------------------------------------------------------------------
    def check_days(self) -> None:
        seen: dict[date, int] = {}
        previous: date | None = None
        for index, day in enumerate(self.schedule.days):
            path: Path = ("days", index, "date")
            if day.date in seen:
                self.error(path, f"day {day.date.isoformat()} appears twice (also day {seen[day.date] + 1})")
            elif previous is not None and day.date < previous:
                self.error(
                    path, f"day {day.date.isoformat()} comes after {previous.isoformat()}: list the days in order"
                )
            seen.setdefault(day.date, index)
            previous = max(previous, day.date) if previous else day.date

    # -- items ---------------------------------------------------------------------------------
    def check_items(self) -> None:
        first_seen: dict[str, Path] = {}
        for day_index, day in enumerate(self.schedule.days):
            by_id = {item.id: item for item in day.items}
            for item_index, item in enumerate(day.items):
                path: Path = ("days", day_index, "items", item_index)
                if item.id in first_seen:
                    line, _ = self.source.value_at((*first_seen[item.id], "id"))
                    self.error((*path, "id"), f"duplicate item id '{item.id}' (first used on line {line + 1})")
                else:
                    first_seen[item.id] = path
                self.check_item_times(day.date, item, path)
                self.check_item_people(item, path)
                self.check_discussion(item, path)
                if item.discussion and item.discussion.start and self.zone is not None:
                    self.check_wall_time(day.date, item.discussion.start, (*path, "discussion", "start"))
                self.check_nesting(item, path, by_id, day.items)
            self.check_overlaps(day_index, day.items)

    def check_item_times(self, day: date, item: Item, path: Path) -> None:
        if _minutes(item.end) <= _minutes(item.start):
            self.error(
                (*path, "end"), f"item '{item.id}' ends at {item.end:%H:%M}, not after it starts ({item.start:%H:%M})"
            )
        if self.zone is None:
            return
        for key, at in (("start", item.start), ("end", item.end)):
            self.check_wall_time(day, at, (*path, key))

    def check_wall_time(self, day: date, at: time, path: Path) -> None:
        assert self.zone is not None
        status = wall_time_status(day, at, self.zone)
        zone = self.schedule.event.timezone
        if status is WallTime.MISSING:
            self.error(
                path,
                f"{at:%H:%M} does not exist on {day.isoformat()} in {zone}: the clocks skip it (daylight saving time)",
            )
        elif status is WallTime.AMBIGUOUS:
            self.error(
                path,
                f"{at:%H:%M} happens twice on {day.isoformat()} in {zone}: "
                "the clocks go back (daylight saving time); choose another time",
            )

    def check_item_people(self, item: Item, path: Path) -> None:
        if item.chair:
            self.person_ref((*path, "chair"), item.chair, f"chair of '{item.id}'")
        for index, person_id in enumerate(item.chairs):
            self.person_ref((*path, "chairs", index), person_id, f"chair of '{item.id}'")
        for index, person_id in enumerate(item.speakers):
            self.person_ref((*path, "speakers", index), person_id, f"speaker in '{item.id}'")
        if item.panel:
            for index, person_id in enumerate(item.panel.speakers):
                self.person_ref((*path, "panel", "speakers", index), person_id, f"panel speaker in '{item.id}'")
        if item.kind is ItemKind.SESSION and not item.all_chairs:
            self.error((*path, "id"), f"session '{item.id}' has no chair: add chair: <person id>")

    def check_discussion(self, item: Item, path: Path) -> None:
        length = _minutes(item.end) - _minutes(item.start)
        panel = item.panel
        if panel and panel.minutes_each is not None and panel.minutes_each <= timedelta(0):
            # 0m used to drop the panel's turns without a word: the panellists would never be given the floor.
            self.error((*path, "panel", "minutes_each"), "panel.minutes_each must be longer than zero "
                       "(each panellist's turn), e.g. 7m; leave it out to give the panel no timed turns")
        if panel and panel.minutes_each and panel.speakers and length > 0:
            needed = panel.minutes_each * len(panel.speakers)
            if needed > timedelta(minutes=length):
                minutes = int(needed.total_seconds() // 60)
                self.warn(
                    (*path, "panel", "minutes_each"),
                    f"the panel needs {minutes} minutes ({len(panel.speakers)} × {panel.minutes_each}), "
                    f"more than the {length} minutes of '{item.id}'",
                )
        discussion = item.discussion
        if discussion is None:
            return
        if item.kind is not ItemKind.SESSION:
            self.warn(
                (*path, "discussion"),
                f"only sessions have an open discussion; '{item.id}' is a {item.kind}",
                at_key=True,
            )
        if discussion.start is not None:
            start_path: Path = (*path, "discussion", "start")
            if not _minutes(item.start) <= _minutes(discussion.start) < _minutes(item.end):
                self.error(
                    start_path,
                    f"the discussion starts at {discussion.start:%H:%M}, outside session "
                    f"'{item.id}' ({item.start:%H:%M}–{item.end:%H:%M})",
                )
        elif panel and panel.speakers and not panel.minutes_each:
            self.warn(
                (*path, "panel"),
                f"session '{item.id}' has a panel but neither panel.minutes_each nor "
                "discussion.start: the floor opens as the session starts",
                at_key=True,
            )
        if discussion.every is not None and discussion.every <= timedelta(0):
            self.error((*path, "discussion", "every"), "discussion.every must be longer than zero")

    def check_nesting(self, item: Item, path: Path, by_id: dict[str, Item], items: Sequence[Item]) -> None:
        if item.within is None:
            return
        where: Path = (*path, "within")
        parent = by_id.get(item.within)
        if item.within == item.id:
            self.error(where, f"item '{item.id}' cannot be within itself")
        elif parent is None:
            self.error(
                where,
                f"item '{item.id}' is within '{item.within}', which is not an item of the same day"
                f"{_suggest(item.within, by_id)}",
            )
        elif parent.within is not None:
            self.error(where, f"'{item.within}' is itself within '{parent.within}': nesting is one level deep")
        elif _minutes(item.start) < _minutes(parent.start) or _minutes(item.end) > _minutes(parent.end):
            self.error(
                where,
                f"item '{item.id}' ({item.start:%H:%M}–{item.end:%H:%M}) does not fit inside "
                f"'{parent.id}' ({parent.start:%H:%M}–{parent.end:%H:%M})",
            )

    def check_overlaps(self, day_index: int, items: Sequence[Item]) -> None:
        # Siblings (same parent, or both top level) must not overlap; a nested item overlaps its parent.
        indexed = sorted(enumerate(items), key=lambda pair: (_minutes(pair[1].start), pair[0]))
        for position, (index, item) in enumerate(indexed):
            for _, earlier in indexed[:position]:
                if earlier.within != item.within:
                    continue
                if _minutes(item.start) < _minutes(earlier.end) and _minutes(earlier.start) < _minutes(item.end):
                    hint = ""
                    if item.within is None and _contains(earlier, item):
                        hint = f"; if it is part of '{earlier.id}', add within: {earlier.id} to '{item.id}'"
                    elif item.within is None and _contains(item, earlier):
                        hint = f"; if '{earlier.id}' is part of it, add within: {item.id} to '{earlier.id}'"
                    self.error(
                        ("days", day_index, "items", index, "start"),
                        f"item '{item.id}' ({item.start:%H:%M}–{item.end:%H:%M}) overlaps '{earlier.id}' "
                        f"({earlier.start:%H:%M}–{earlier.end:%H:%M}){hint}",
                    )
                    break

    # -- translations --------------------------------------------------------------------------
    def check_translations(self) -> None:
        wanted = list(self.schedule.event.languages)
        for path, text in self.participant_texts():
            if isinstance(text, dict):
                missing = [lang for lang in wanted if lang not in text]
                if missing:
                    self.warn(
                        path,
                        f"no {', '.join(missing)} translation; readers in "
                        f"{'that language' if len(missing) == 1 else 'those languages'} "
                        "will see another language",
                    )

    def participant_texts(self) -> Iterator[tuple[Path, Text]]:
        event = self.schedule.event
        for key in ("title", "subtitle", "description"):
            value = getattr(event, key)
            if value is not None:
                yield ("event", key), value
        for group_id, group in self.schedule.groups.items():
            yield ("groups", group_id, "name"), group.name
        for person_id, person in self.schedule.people.items():
            for key in ("role", "affiliation"):
                value = getattr(person, key)
                if value is not None:
                    yield ("people", person_id, key), value
        for day_index, day in enumerate(self.schedule.days):
            for item_index, item in enumerate(day.items):
                path: Path = ("days", day_index, "items", item_index)
                for key in ("title", "summary"):
                    value = getattr(item, key)
                    if value is not None:
                        yield (*path, key), value
                for doc_index, doc in enumerate(item.background):
                    yield (*path, "background", doc_index, "title"), doc.title
                if item.discussion:
                    for q_index, question in enumerate(item.discussion.questions):
                        q_path: Path = (*path, "discussion", "questions", q_index)
                        if isinstance(question, str | dict):
                            yield q_path, question
                            continue
                        yield (*q_path, "text"), question.text
                        for p_index, point in enumerate(question.points):
                            yield (*q_path, "points", p_index), point


def check_schedule(schedule: Schedule, source: SourceMap) -> list[Problem]:
    """Every cross-reference, time and translation problem of a structurally valid schedule."""
    return _Checker(schedule, source).run()
