"""The agenda as iCalendar (RFC 5545): one VEVENT per item, times with TZID and a VTIMEZONE.

UIDs derive from the event and item ids, so re-importing an updated export updates the calendar
entries instead of duplicating them. DTSTAMP is passed in (pure, reproducible output).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vText

from bot.config.model import Day, Item, Schedule, text_in
from bot.domain.agenda.timeline import zone_of
from bot.domain.agenda.wall_time import agenda_time
from bot.i18n.catalog import render
from bot.i18n.cues import item_title, person_line, question_text


def item_uid(schedule: Schedule, item: Item) -> str:
    return f"{item.id}@{schedule.event.id}.floorbot"


def _description(schedule: Schedule, item: Item, lang: str) -> str:
    blocks: list[str] = []
    summary = text_in(item.summary, lang)
    if summary:
        blocks.append(summary)
    people = [
        ("agenda.chair", item.all_chairs),
        ("agenda.speakers", item.speakers),
        ("agenda.panel", item.panel.speakers if item.panel else []),
    ]
    # Roles contain commas, so people are separated by semicolons (with French spacing in French).
    separator = render("agenda.people_separator", lang)
    lines = [
        render(key, lang, names=separator.join(person_line(schedule, p, lang) for p in ids))
        for key, ids in people
        if ids
    ]
    if lines:
        blocks.append("\n".join(lines))
    questions = item.discussion.questions if item.discussion else []
    if questions:
        numbered = [f"{n}. {question_text(q, lang)}" for n, q in enumerate(questions, start=1)]
        blocks.append("\n".join([render("agenda.questions", lang), *numbered]))
    if item.background:
        docs = [" ".join(filter(None, [text_in(d.title, lang), d.url])) for d in item.background]
        blocks.append("\n".join([render("agenda.documents", lang), *(f"- {d}" for d in docs)]))
    join_url = item.join_url or schedule.event.join_url
    if join_url:
        blocks.append(render("agenda.join", lang, url=join_url))
    registration = schedule.event.registration
    if registration and registration.url:
        blocks.append(render("agenda.registration", lang, url=registration.url))
    return "\n\n".join(blocks)


def _url(schedule: Schedule, item: Item) -> str | None:
    for doc in item.background:
        if doc.url:
            return doc.url
    registration = schedule.event.registration
    return (registration.url if registration else None) or schedule.event.concept_note


def _vevent(schedule: Schedule, day: Day, item: Item, lang: str, stamp: datetime) -> Event:
    zone = zone_of(schedule)
    event = Event()
    event.add("uid", item_uid(schedule, item))
    event.add("dtstamp", stamp)
    event.add("dtstart", agenda_time(day.date, item.start, zone))
    event.add("dtend", agenda_time(day.date, item.end, zone))
    event.add("summary", item_title(item, lang))
    description = _description(schedule, item, lang)
    if description:
        event.add("description", description)
    url = _url(schedule, item)
    if url:
        event.add("url", url)
    join_url = item.join_url or schedule.event.join_url
    if join_url:
        event.add("location", vText(join_url))
    event.add("categories", [item.kind.value])
    if item.within:
        event.add("related-to", f"{item.within}@{schedule.event.id}.floorbot")
    return event


def _deadline_vevent(schedule: Schedule, lang: str, stamp: datetime) -> Event | None:
    """The written inputs' deadline: a one-minute entry at its last minute, on the event's clock."""
    rules = schedule.event.written_inputs
    if rules is None:
        return None
    last = agenda_time(rules.deadline, rules.until, zone_of(schedule))
    event = Event()
    event.add("uid", f"written-inputs@{schedule.event.id}.floorbot")
    event.add("dtstamp", stamp)
    event.add("dtstart", last)
    event.add("dtend", (last.astimezone(UTC) + timedelta(minutes=1)).astimezone(last.tzinfo))
    event.add("summary", render("inputs.ics_summary", lang, event=text_in(schedule.event.title, lang)))
    where = rules.url or rules.email
    if where:
        event.add("url" if rules.url else "location", where)
    event.add("categories", ["deadline"])
    return event


def agenda_calendar(schedule: Schedule, stamp: datetime, lang: str = "en") -> Calendar:
    """The agenda as an icalendar Calendar, texts in `lang`."""
    calendar = Calendar()
    calendar.add("prodid", "-//Floorbot//Schedule export//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text_in(schedule.event.title, lang))
    calendar.add("x-wr-timezone", schedule.event.timezone)
    for day in schedule.days:
        for item in day.items:
            calendar.add_component(_vevent(schedule, day, item, lang, stamp))
    deadline = _deadline_vevent(schedule, lang, stamp)
    if deadline is not None:
        calendar.add_component(deadline)
    first = min(day.date for day in schedule.days)
    last = max(day.date for day in schedule.days)
    # Only the transitions around the event: a compact VTIMEZONE that still covers every DTSTART.
    calendar.add_missing_timezones(first_date=first - timedelta(days=366), last_date=last + timedelta(days=366))
    return calendar


def agenda_ics(schedule: Schedule, stamp: datetime, lang: str = "en") -> str:
    """The iCalendar text (CRLF line ends, as RFC 5545 wants)."""
    return str(agenda_calendar(schedule, stamp, lang).to_ical().decode("utf-8"))
