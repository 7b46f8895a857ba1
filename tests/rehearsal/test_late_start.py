"""Issue 11, deliverable 2: a late start handled as a stage manager would.

Started 10 minutes into session 1's open discussion on an empty store (the simulated clock): the chairs get
one summary in each language (where the agenda is, the list open, what was not posted) instead of one
notice per cue; the floor's instructions and the current guiding question are posted late, marked so;
nothing else is posted late."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app.ports.chat import InboundEvent, InboundKind
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import CueKind, plan
from bot.domain.grammar import parse_floor
from bot.i18n import catalog as i18n
from bot.rehearsal.run import Rehearsal
from bot.wiring import open_store
from tests.conftest import ROOT

GRACE = timedelta(minutes=2)


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert result.schedule is not None
    return result.schedule


async def test_a_start_ten_minutes_into_the_discussion_sends_one_summary_and_posts_late_only_what_is_needed(
    schedule: Schedule,
) -> None:
    store = await open_store("sqlite://")
    try:
        floor_open_at = next(c.at for c in plan(schedule) if c.id == "session-1/floor")
        bot = await Rehearsal.open(schedule, store, start=floor_open_at + timedelta(minutes=10))
        report = await bot.resume(GRACE)

        assert report.posted_late == ["session-1/floor", "session-1/question/1"]
        ledger = await bot.ledger.cue_states()
        assert set(report.missed) == {c for c, s in ledger.items() if s is LedgerState.MISSED}
        assert len(report.missed) > 5, "the morning's reminders, openings, panel turns and warnings"
        kinds = {cue.kind for cue in bot.cues if cue.id in report.missed}
        assert {CueKind.PANEL_TURN, CueKind.PANEL_WARNING, CueKind.SESSION_OPEN} <= kinds

        summaries = [line for line in bot.chat.lines if line.key and line.key.startswith("missed:")]
        assert sorted(line.lang or "" for line in summaries) == ["en", "es", "fr"], "one summary per language"
        assert {line.audience for line in summaries} == {"chairs"}
        by_lang = {line.lang: line.text for line in summaries}
        assert by_lang["en"].startswith("⚠️ Started 10 min into the open discussion of Session 1")
        assert "the list of speakers is open" in by_lang["en"]
        assert f"Not posted ({len(report.missed)}):" in by_lang["en"]
        assert "la liste des orateurs est ouverte" in by_lang["fr"]
        assert "la lista de oradores está abierta" in by_lang["es"]
        for text in by_lang.values():
            assert all(cue_id in text for cue_id in report.missed)

        to_attendees = [line for line in bot.chat.lines if line.op == "announce" and line.audience != "chairs"]
        assert {line.key for line in to_attendees} == {"cue:session-1/floor", "cue:session-1/question/1"}
        marks = {"en": "(posted late) ", "fr": "(publié en retard) ", "es": "(publicado con retraso) "}
        assert all(line.text.startswith(marks[line.lang or ""]) for line in to_attendees)
        assert len(to_attendees) == 6, "each in the three languages"
        assert (await bot.runtime.floor.state("session-1")).is_open
    finally:
        await store.close()


async def _command(bot: Rehearsal, user: str, text: str, n: int) -> None:
    await bot.runtime.handle(InboundEvent(
        "web", f"repost-{n}", InboundKind.COMMAND, user, bot.clock.now(), text, display_name=user, language="en",
        extra={"group": "civil-society"}, command=parse_floor(text),
    ))


async def test_a_chair_reposts_a_skipped_cue_a_non_chair_is_refused_and_both_are_audited(schedule: Schedule) -> None:
    store = await open_store("sqlite://")
    try:
        floor_open_at = next(c.at for c in plan(schedule) if c.id == "session-1/floor")
        bot = await Rehearsal.open(schedule, store, start=floor_open_at + timedelta(minutes=10))
        report = await bot.resume(GRACE)
        turn = next(c.id for c in bot.cues if c.id in report.missed and c.kind is CueKind.PANEL_TURN)

        def posts() -> list[str]:
            return [line.text for line in bot.chat.lines
                    if line.op == "announce" and line.key == f"cue:{turn}" and line.lang == "en"]

        await _command(bot, "web:guest:mallory", f"repost {turn}", 1)
        assert posts() == [], "a non-chair posts nothing"
        assert [line.text for line in bot.chat.lines if line.user_id == "web:guest:mallory"] == [
            i18n.render("floor.authz.unknown_person", "en")]

        await _command(bot, "web:lene-wendland", f"republier {turn}", 2)
        [posted] = posts()
        assert posted.startswith("(posted late) ") and len(
            [line for line in bot.chat.lines if line.key == f"cue:{turn}" and line.audience == "participants"]) == 3
        assert (await bot.ledger.cue_states())[turn] is LedgerState.LATE
        await _command(bot, "web:lene-wendland", f"repost {turn}", 3)
        await _command(bot, "web:lene-wendland", "repost session-9/nothing", 4)
        assert len(posts()) == 1, "posted once"
        replies = [line.text for line in bot.chat.lines if line.user_id == "web:lene-wendland"]
        assert replies == [i18n.render("floor.reply.reposted", "en", cue=turn),
                           i18n.render("floor.reply.repost_not_missed", "en", cue=turn),
                           i18n.render("floor.reply.repost_unknown", "en", cue="session-9/nothing")]

        entries = [e for e in await bot.store.audit.entries("session-1") if e.verb == "repost"]
        assert [(e.actor, e.allowed, e.details.get("cue")) for e in entries] == [
            ("web:guest:mallory", False, turn), ("web:lene-wendland", True, turn),
            ("web:lene-wendland", True, turn), ("web:lene-wendland", True, "session-9/nothing")]
    finally:
        await store.close()
