"""The report is built from real floor states (the pure core's operations) and rendered four ways."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from bot.domain.agenda.recovery import LedgerState
from bot.domain.floor import rules as floor
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import FloorState, Participant, RequestKind
from bot.report.charts import bar_chart_svg
from bot.report.model import (
    FLOOR_KINDS,
    DiscussionReport,
    Kind,
    Row,
    budget_lines,
    build_report,
    cue_lines,
    request_counts,
    totals,
)
from bot.report.render import to_csv, to_html, to_json, to_markdown, write_report

ZONE = ZoneInfo("Europe/Zurich")
T0 = datetime(2022, 3, 7, 10, 30, tzinfo=UTC)


AMINA = Participant("amina", "Amina | Diallo", "civil-society", "fr")
JOSE = Participant("jose", "José <b>Pérez</b>", "states", "es")
ANN = Participant("ann", "Ann Lee", "business", "en")


def run_discussion() -> FloorState:
    state = FloorState("session-1")
    policy = FloorPolicy()
    for offset, who in enumerate((AMINA, JOSE, ANN)):
        state = floor.request(state, who, RequestKind.NEW, T0 + timedelta(seconds=offset), policy).state
    state = floor.next_speaker(state, T0 + timedelta(minutes=1), policy).state
    state = floor.next_speaker(state, T0 + timedelta(minutes=4), policy).state  # first spoke 3:00
    state = floor.stop(state, T0 + timedelta(minutes=5, seconds=30), policy).state  # second 1:30
    return state


def group_name(group: str) -> str:
    return {"civil-society": "Civil society", "states": "States", "business": "Business", "un": "UN"}[group]


def make_report():  # type: ignore[no-untyped-def]
    state = run_discussion()
    panel = Row(date(2022, 3, 7), "session-1", 1, "Lene Wendland", Kind.PANEL, "p", "Panellist", "un", "en",
                "programme", T0 - timedelta(minutes=7), T0 - timedelta(minutes=7), timedelta(minutes=7))
    rows = [panel] + [
        Row(date(2022, 3, 7), "session-1", 1, "Lene Wendland", FLOOR_KINDS[i.kind], i.person, i.name, i.group,
            i.language, i.source.value, None, i.start, i.duration)
        for i in state.interventions
    ]
    d = DiscussionReport("session-1", "Session 1", 1, date(2022, 3, 7), "Lene Wendland", rows, state.interventions,
                         totals(rows), budget_lines(rows, {"states": timedelta(minutes=1)}),
                         request_counts({"requested": 3, "withdrawn": 0}, len(state.pending),
                                        len(state.interventions)), questions_posted=4)
    cues = [
        ("session-1/open", "session-open", "session-1", T0),
        ("session-1/question/1", "question", "session-1", T0),
        ("session-1/close", "session-close", "session-1", T0 + timedelta(hours=1)),
        ("closing/open", "event-close", "closing", T0 + timedelta(days=1)),
    ]
    ledger = {"session-1/open": LedgerState.POSTED, "session-1/question/1": LedgerState.LATE,
              "session-1/close": LedgerState.MISSED}
    return build_report("UNGPs and tech", [d], cue_lines(cues, ledger))


def test_aggregates_time_per_group_kind_and_budget() -> None:
    report = make_report()
    [d] = report.discussions
    assert [i.person for i in d.interventions] == ["amina", "jose"]
    assert {g: int(t.total_seconds()) for g, t in d.time_by_group.items()} == {
        "un": 420, "civil-society": 180, "states": 90}
    assert report.totals.time_by_kind == {"panel": timedelta(minutes=7), "contribution": timedelta(seconds=270)}
    assert d.requests["served"] == 2 and d.requests["unserved"] == 1 and d.requests["requested"] == 3
    [budget] = report.budgets
    assert (budget.group, budget.used, budget.remaining) == ("states", timedelta(seconds=90), timedelta(0))
    assert report.cue_counts == {"posted": 1, "late": 1, "missed": 1, "pending": 1}


def test_markdown_escapes_and_translates() -> None:
    report = make_report()
    md_fr = to_markdown(report, "fr", ZONE, group_name)
    assert md_fr.startswith("# Compte rendu de la consultation — UNGPs and tech")
    assert "| — | 11:31:00 | Amina \\| Diallo | Civil society | français | Intervention | 3:00 |" in md_fr
    assert "| 11:23:00 | 11:23:00 | Panellist | UN | anglais | Exposé de panéliste | 7:00 |" in md_fr
    assert "Séance 1 — Session 1" in md_fr and "lundi 7 mars 2022 · Présidence\u00a0: Lene Wendland" in md_fr
    assert ("Annonces — à l'heure\u00a0: 1\u202f; en retard\u00a0: 1\u202f; manquées\u00a0: 1\u202f; "
            "à venir\u00a0: 1.") in md_fr
    assert "Manquée\u00a0: `session-1/close`" in md_fr
    md_es = to_markdown(report, "es", ZONE, group_name)
    assert "atendidas: 2;" in md_es and "no atendidas: 1." in md_es


def test_csv_has_one_row_per_intervention_with_stable_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(make_report(), ZONE))))
    assert list(rows[0]) == ["date", "session_number", "session", "chair", "kind", "person", "speaker", "group",
                             "language", "source", "planned_start", "actual_start", "duration_seconds"]
    got = [(r["person"], r["duration_seconds"], r["kind"], r["planned_start"] != "") for r in rows]
    assert got == [("p", "420", "panel", True), ("amina", "180", "contribution", False),
                   ("jose", "90", "contribution", False)]
    assert rows[1]["actual_start"] == "2022-03-07T11:31:00+01:00" and rows[1]["date"] == "2022-03-07"


def test_json_totals_are_the_sum_of_its_rows() -> None:
    data = json.loads(to_json(make_report(), ZONE))
    [session] = data["sessions"]
    assert data["schema"] == 1
    assert data["totals"]["seconds"] == sum(r["duration_seconds"] for r in session["interventions"]) == 690
    assert data["budgets"] == [{"group": "states", "budget_seconds": 60, "used_seconds": 90, "remaining_seconds": 0}]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_escaped_with_an_svg_chart_per_session_and_for_the_event(tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = to_html(make_report(), "en", ZONE, group_name)
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("svg") == 2 and parser.tags.count("rect") == 6 and "table" in parser.tags
    assert "b" not in parser.tags and "José <b>Pérez</b>" in "".join(parser.text)  # autoescaped
    svg = bar_chart_svg([("a", timedelta(minutes=2)), ("b", timedelta(minutes=1))], "<t>")
    assert "<title>&lt;t&gt;</title>" in svg and 'width="270.0"' in svg and 'width="135.0"' in svg
    written = write_report(make_report(), tmp_path, "es", ZONE, group_name)
    assert sorted(p.name for p in written) == ["interventions.csv", "report.html", "report.json", "report.md"]
    assert (tmp_path / "report.html").read_text().startswith('<!doctype html>\n<html lang="es">')
