"""The report is built from real floor states (the pure core's operations) and rendered three ways."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from bot.domain.agenda.recovery import LedgerState
from bot.domain.floor import rules as floor
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import FloorState, Participant, RequestKind
from bot.report.model import build_report, cue_lines, discussion_report
from bot.report.render import bar_chart_svg, to_csv, to_html, to_markdown, write_report

ZONE = ZoneInfo("Europe/Zurich")
T0 = datetime(2022, 3, 7, 10, 30, tzinfo=UTC)


AMINA = Participant("amina", "Amina | Diallo", "civil-society", "fr")
JOSE = Participant("jose", "José Pérez", "states", "es")
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
    return {"civil-society": "Civil society", "states": "States", "business": "Business"}[group]


def make_report():  # type: ignore[no-untyped-def]
    state = run_discussion()
    d = discussion_report("session-1", "Session 1", state, {"requested": 3, "withdrawn": 0}, questions_posted=4)
    cues = [
        ("session-1/open", "session-open", "session-1", T0),
        ("session-1/question/1", "question", "session-1", T0),
        ("session-1/close", "session-close", "session-1", T0 + timedelta(hours=1)),
        ("closing/open", "event-close", "closing", T0 + timedelta(days=1)),
    ]
    ledger = {"session-1/open": LedgerState.POSTED, "session-1/question/1": LedgerState.LATE,
              "session-1/close": LedgerState.MISSED}
    return build_report("UNGPs and tech", [d], cue_lines(cues, ledger))


def test_aggregates_time_per_group_and_requests() -> None:
    report = make_report()
    [d] = report.discussions
    assert [i.person for i in d.interventions] == ["amina", "jose"]
    assert {g: int(t.total_seconds()) for g, t in d.time_by_group.items()} == {"civil-society": 180, "states": 90}
    assert d.requests["served"] == 2 and d.requests["unserved"] == 1 and d.requests["requested"] == 3
    assert report.cue_counts == {"posted": 1, "late": 1, "missed": 1, "pending": 1}


def test_markdown_escapes_and_translates() -> None:
    report = make_report()
    md_fr = to_markdown(report, "fr", ZONE, group_name)
    assert md_fr.startswith("# Rapport des interventions — UNGPs and tech")
    assert "| 11:31:00 | Amina \\| Diallo | Civil society | fr | Nouvelle intervention | 3:00 |" in md_fr
    assert ("Annonces — à l'heure\u00a0: 1\u202f; en retard\u00a0: 1\u202f; manquées\u00a0: 1\u202f; "
            "à venir\u00a0: 1.") in md_fr
    assert "Manquée\u00a0: `session-1/close`" in md_fr
    md_es = to_markdown(report, "es", ZONE, group_name)
    assert "atendidas: 2;" in md_es and "no atendidas: 1." in md_es


def test_csv_has_one_row_per_intervention() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(make_report(), ZONE))))
    got = [(r["person"], r["duration_seconds"], r["kind"]) for r in rows]
    assert got == [("amina", "180", "new"), ("jose", "90", "new")]
    assert rows[0]["start"] == "2022-03-07T11:31:00+01:00"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_well_formed_with_an_svg_chart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = to_html(make_report(), "en", ZONE, group_name)
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("svg") == 1 and parser.tags.count("rect") == 2 and "table" in parser.tags
    assert "Amina | Diallo" in "".join(parser.text)
    svg = bar_chart_svg({"a": timedelta(minutes=2), "b": timedelta(minutes=1)}, str.upper, "<t>")
    assert "<title>&lt;t&gt;</title>" in svg and 'width="270.0"' in svg and 'width="135.0"' in svg
    written = write_report(make_report(), tmp_path, "es", ZONE, group_name)
    assert sorted(p.name for p in written) == ["interventions.csv", "report.html", "report.md"]
    assert (tmp_path / "report.html").read_text().startswith('<!doctype html><html lang="es">')
