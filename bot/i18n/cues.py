"""What the bot says at each cue, in en, fr or es: catalog templates from prompts/<lang>/cue.yaml filled
with the schedule's own translations (titles, questions, roles). Pure: no I/O beyond the catalogs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from string import ascii_lowercase

from bot.config.model import Item, Question, Schedule, Text, text_in
from bot.domain.agenda.timeline import Cue, CueKind, zone_of
from bot.i18n import formats
from bot.i18n.catalog import render


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def format_time(at: datetime, schedule: Schedule, lang: str) -> str:
    """`15:00 CET`: the time on the event's clock with the agenda's own name for the zone."""
    local = at.astimezone(zone_of(schedule))
    label = schedule.event.timezone_label or local.tzname() or schedule.event.timezone
    return render("cue.time", lang, time=formats.clock(local, lang), zone=label)


def join_names(names: Sequence[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + render("cue.and", lang) + names[-1]


def person_name(schedule: Schedule, person_id: str, lang: str = "en") -> str:
    person = schedule.people.get(person_id)
    if person is None:
        return person_id
    honorific = text_in(person.honorific, lang)
    return f"{honorific} {person.name}" if honorific else person.name


def floor_language_name(schedule: Schedule, person_id: str, lang: str) -> str:
    """The language `person_id` takes the floor in (the schedule's `language`), named as `lang` writes it."""
    person = schedule.people.get(person_id)
    code = person.language if person is not None else schedule.event.languages[0]
    return render(f"common.language_name.{code}", lang)


def person_line(schedule: Schedule, person_id: str, lang: str) -> str:
    """Name, role and affiliation, as an agenda lists a speaker."""
    person = schedule.people.get(person_id)
    if person is None:
        return person_id
    parts = [person_name(schedule, person_id, lang), text_in(person.role, lang), text_in(person.affiliation, lang)]
    line = ", ".join(part for part in parts if part)
    return f"{line} {render('cue.tbc', lang)}" if person.tbc else line


def bullets(lines: Sequence[str], lang: str) -> str:
    return "\n".join(render("cue.bullet", lang, text=line) for line in lines)


def item_title(item: Item, lang: str) -> str:
    """The item's title in `lang`, numbered like the agenda ("Session 1: ...")."""
    title = text_in(item.title, lang) or render(f"agenda.kind.{item.kind.value}", lang)
    if item.number is not None and item.title is not None:
        return render("agenda.session_title", lang, number=item.number, title=title)
    if item.number is not None:
        return f"{title} {item.number}"
    return title


def question_text(question: Question | Text, lang: str) -> str:
    """A guiding question with its sub-points lettered a), b), ..."""
    if isinstance(question, Question):
        lines = [text_in(question.text, lang)]
        for n, point in enumerate(question.points):
            letter = ascii_lowercase[n] if n < len(ascii_lowercase) else str(n + 1)
            lines.append(render("cue.point", lang, letter=letter, text=text_in(point, lang)))
        return "\n".join(lines)
    return text_in(question, lang)


def _when(value: object, schedule: Schedule, lang: str) -> str:
    return format_time(datetime.fromisoformat(_str(value)), schedule, lang) if value else ""


def _event_title(schedule: Schedule, lang: str) -> str:
    return text_in(schedule.event.title, lang)


def inputs_reminder(schedule: Schedule, lang: str) -> str:
    """ "Written inputs are accepted until …", with where to send them when the schedule says."""
    rules = schedule.event.written_inputs
    if rules is None:  # the plan has reminders only when the schedule takes written inputs
        raise ValueError("no written inputs in this schedule")
    text = render("inputs.reminder", lang, date=formats.long_date(rules.deadline, lang),
                  time=formats.clock(rules.until, lang),
                  zone=schedule.event.timezone_label or schedule.event.timezone)
    where = rules.url or rules.email
    return f"{text}\n{where}" if where else text


def render_cue(cue: Cue, schedule: Schedule, lang: str) -> str:
    """The message posted for `cue` to readers of `lang`."""
    item = schedule.item(cue.item)
    title = item_title(item, lang)
    data = cue.data
    event = _event_title(schedule, lang)
    kind = cue.kind
    if kind is CueKind.DAY_REMINDER:
        return render(
            "cue.day_reminder",
            lang,
            event=event,
            date=formats.long_date(cue.at.date(), lang),
            time=_when(data.get("starts"), schedule, lang),
            first=title,
        )
    if kind is CueKind.SESSION_REMINDER:
        starts = datetime.fromisoformat(_str(data.get("starts")))
        text = render(
            "cue.session_reminder",
            lang,
            title=title,
            duration=formats.duration(starts - cue.at, lang),
            time=format_time(starts, schedule, lang),
        )
        if data.get("join_url"):
            text += "\n" + render("cue.join", lang, url=_str(data.get("join_url")))
        return text
    if kind is CueKind.OPENING:
        return render(
            "cue.opening",
            lang,
            title=title,
            speakers=bullets([person_line(schedule, p, lang) for p in item.speakers], lang),
        )
    if kind is CueKind.SESSION_OPEN:
        chairs = [person_line(schedule, p, lang) for p in item.all_chairs]
        parts = [render("cue.session_open", lang, title=title, chairs=join_names(chairs, lang))]
        if item.panel and item.panel.speakers:
            lines = [person_line(schedule, p, lang) for p in item.panel.speakers]
            parts.append(render("cue.panel", lang, speakers=bullets(lines, lang)))
        if item.background:
            docs = [" ".join(filter(None, [text_in(d.title, lang), d.url])) for d in item.background]
            parts.append(render("cue.documents", lang, documents=bullets(docs, lang)))
        return "\n\n".join(parts)
    if kind is CueKind.PANEL_TURN:
        ends = datetime.fromisoformat(_str(data.get("ends")))
        return render(
            "cue.panel_turn",
            lang,
            index=_int(data.get("index")),
            of=_int(data.get("of")),
            speaker=person_line(schedule, _str(data.get("speaker")), lang),
            duration=formats.duration(ends - cue.at, lang),
            language=floor_language_name(schedule, _str(data.get("speaker")), lang),
        )
    if kind is CueKind.PANEL_WARNING:
        return render(
            "cue.panel_warning",
            lang,
            speaker=person_name(schedule, _str(data.get("speaker")), lang),
            duration=formats.duration(timedelta(seconds=_int(data.get("remaining_seconds"))), lang),
        )
    if kind is CueKind.FLOOR_OPEN:
        return render(
            "cue.floor_open",
            lang,
            until=_when(data.get("until"), schedule, lang),
            duration=formats.duration(timedelta(seconds=_int(data.get("speaking_seconds"))), lang),
        )
    if kind is CueKind.QUESTION:
        index = _int(data.get("index"), 1)
        questions = item.discussion.questions if item.discussion else []
        text = question_text(questions[index - 1], lang) if 0 < index <= len(questions) else ""
        return render("cue.question", lang, index=index, of=_int(data.get("of"), len(questions)), text=text)
    if kind is CueKind.LAST_CALL:
        return render("cue.last_call", lang, closes=_when(data.get("closes"), schedule, lang))
    if kind is CueKind.SESSION_CLOSE:
        has_panel = bool(item.panel and item.panel.speakers)
        return render("cue.session_close" if has_panel else "cue.session_close_no_panel", lang, title=title)
    if kind is CueKind.BREAK_START:
        text = render("cue.break_start", lang, title=title, until=_when(data.get("until"), schedule, lang))
        if data.get("next_item"):
            text += " " + render("cue.break_next", lang, next=item_title(schedule.item(_str(data["next_item"])), lang))
        return text
    if kind is CueKind.DAY_END:
        next_item = schedule.item(_str(data.get("next_item")))
        next_date = date.fromisoformat(_str(data.get("next_date")))
        return render(
            "cue.day_end",
            lang,
            next_date=formats.long_date(next_date, lang),
            next_time=_when(data.get("next_starts"), schedule, lang),
            next=item_title(next_item, lang),
        )
    if kind is CueKind.INPUTS_REMINDER:
        return inputs_reminder(schedule, lang)
    if kind is CueKind.EVENT_CLOSE:
        parts = [render("cue.event_close", lang, title=title)] if item.kind.value == "closing" else []
        if item.kind.value == "closing" and item.speakers:
            lines = [person_line(schedule, p, lang) for p in item.speakers]
            parts.append(render("cue.closing_speakers", lang, speakers=bullets(lines, lang)))
        parts.append(render("cue.event_thanks", lang, event=event))
        return "\n".join(parts)
    raise ValueError(f"no text for cue kind {kind!r}")
