"""The report in one reader's language, as plain tables of text: what the Markdown and the HTML both show.

One copy of every label and number format; the renderers only lay the tables out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bot.i18n import formats
from bot.i18n.catalog import has, render
from bot.report.model import NOT_STATED, REQUEST_STATUSES, BudgetLine, DiscussionReport, Report, Totals

GroupNamer = Callable[[str], str]


hms = formats.stopwatch


@dataclass(frozen=True)
class Table:
    heads: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Chart:
    title: str
    bars: Sequence[tuple[str, timedelta]]  # (label, time)


@dataclass(frozen=True)
class Section:
    heading: str
    facts: str
    totals_line: str
    requests_line: str
    rows: Table | None
    by_group: Table
    by_language: Table
    by_kind: Table
    budgets: Table | None
    chart: Chart


@dataclass(frozen=True)
class View:
    lang: str
    title: str
    event: Section
    sessions: Sequence[Section]
    inputs_line: str
    inputs: Table | None
    inputs_by_group: Table | None
    inputs_by_language: Table | None
    cues_heading: str
    cues_line: str
    cue_notes: Sequence[str]
    attendance: Table | None
    labels: Mapping[str, str]


class _Words:
    def __init__(self, lang: str, zone: tzinfo, group_name: GroupNamer) -> None:
        self.lang, self.zone, self._group = lang, zone, group_name

    def t(self, key: str, **values: object) -> str:
        return render(f"record.{key}", self.lang, **values)

    def group(self, group: str) -> str:
        return self.t("not_stated") if group == NOT_STATED else self._group(group)

    def language(self, code: str) -> str:
        key = f"common.language_name.{code}"
        return render(key, self.lang) if has(key) else self.t("not_stated")

    def kind(self, kind: str) -> str:
        return self.t(f"kind.{kind}")

    def clock(self, at: datetime | None) -> str:
        return at.astimezone(self.zone).strftime("%H:%M:%S") if at is not None else "—"

    def cols(self, *names: str) -> list[str]:
        return [self.t(f"col.{n}") for n in names]


def _breakdown(w: _Words, heads: list[str], times: Mapping[str, timedelta], turns: Mapping[str, int],
               name: Callable[[str], str]) -> Table:
    return Table(heads, [[name(k), formats.number(turns.get(k, 0), w.lang), hms(v)] for k, v in times.items()])


def _budgets(w: _Words, lines: Sequence[BudgetLine]) -> Table | None:
    if not lines:
        return None
    return Table(w.cols("group", "budget", "used", "remaining"),
                 [[w.group(b.group), hms(b.budget), hms(b.used), hms(b.remaining)] for b in lines])


def _requests(w: _Words, requests: Mapping[str, int], questions: int) -> str:
    counts = {k: requests.get(k, 0) for k in REQUEST_STATUSES}
    return render("report.requests_line", w.lang, **counts, questions=questions)


def _section(w: _Words, heading: str, facts: str, totals: Totals, budgets: Sequence[BudgetLine],
             requests: str, rows: Table | None, chart_title: str) -> Section:
    return Section(
        heading, facts,
        w.t("totals_line", turns=formats.number(totals.turns, w.lang), time=hms(totals.total)), requests, rows,
        _breakdown(w, w.cols("group", "turns", "duration"), totals.time_by_group, totals.turns_by_group, w.group),
        _breakdown(w, w.cols("language", "turns", "duration"), totals.time_by_language, totals.turns_by_language,
                   w.language),
        _breakdown(w, w.cols("kind", "turns", "duration"), totals.time_by_kind, totals.turns_by_kind, w.kind),
        _budgets(w, budgets),
        Chart(chart_title, [(w.group(g), v) for g, v in totals.time_by_group.items()]),
    )


def _session(w: _Words, d: DiscussionReport) -> Section:
    heading = w.t("session_heading", number=d.number, title=d.title) if d.number is not None else d.title
    day = formats.long_date(d.day, w.lang) if d.day else ""
    facts = w.t("session_facts", date=day, chair=d.chair) if d.chair else day
    rows = Table(
        w.cols("planned", "time", "speaker", "group", "language", "kind", "duration"),
        [[w.clock(r.planned_start), w.clock(r.actual_start), r.speaker, w.group(r.group), w.language(r.language),
          w.kind(r.kind.value), hms(r.duration)] for r in d.rows],
    ) if d.rows else None
    return _section(w, heading, facts, d.totals, d.budgets, _requests(w, d.requests, d.questions_posted), rows,
                    w.t("chart_group", title=heading))


def report_view(report: Report, lang: str, zone: tzinfo, group_name: GroupNamer) -> View:
    w = _Words(lang, zone, group_name)
    days = sorted({d.day for d in report.discussions if d.day})
    span = " – ".join(dict.fromkeys(formats.long_date(day, lang) for day in (days[:1] + days[-1:])))
    questions = sum(d.questions_posted for d in report.discussions)
    event = _section(w, w.t("event_heading"), span, report.totals, report.budgets,
                     _requests(w, report.requests, questions), None, w.t("chart_group", title=w.t("event_heading")))
    inputs = by_group = by_language = None
    if report.inputs:
        inputs = Table(w.cols("reference", "title", "organization", "group", "language"),
                       [[i.reference, i.title, i.organization, w.group(i.group), w.language(i.language)]
                        for i in report.inputs])
        groups = Counter(i.group for i in report.inputs)
        langs = Counter(i.language for i in report.inputs)
        by_group = Table(w.cols("group", "count"), [[w.group(g), formats.number(n, lang)]
                                                    for g, n in groups.most_common()])
        by_language = Table(w.cols("language", "count"), [[w.language(k), formats.number(n, lang)]
                                                          for k, n in langs.most_common()])
    counts = {k: report.cue_counts.get(k, 0) for k in ("posted", "late", "missed", "pending")}
    notes = [render("report.cue_state_line", lang, state=render("report.state." + c.state, lang), cue=c.cue_id,
                    at=f"{c.at.astimezone(zone):%Y-%m-%d %H:%M}") for c in report.cues if c.state in ("late", "missed")]
    attendance = None
    if report.attendance:
        attendance = Table(w.cols("meeting", "participant", "minutes", "first_join", "last_leave"),
                           [[a.meeting, a.name, str(a.minutes), f"{a.first_join.astimezone(zone):%H:%M}",
                             f"{a.last_leave.astimezone(zone):%H:%M}"] for a in report.attendance])
    return View(
        lang, w.t("title", event=report.event_title), event, [_session(w, d) for d in report.discussions],
        w.t("inputs_line", count=formats.number(len(report.inputs), lang)), inputs, by_group, by_language,
        render("report.cues_heading", lang), render("report.cues_line", lang, **counts), notes, attendance,
        {"inputs": w.t("inputs_heading"), "by_group": w.t("by_group"), "by_language": w.t("by_language"),
         "by_kind": w.t("by_kind"), "budgets": w.t("budgets_heading"), "no_rows": w.t("no_rows"),
         "attendance": render("report.attendance_heading", lang), "interventions": w.t("interventions_heading")},
    )
