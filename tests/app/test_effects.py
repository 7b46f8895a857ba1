"""Effects of an outcome: replies, announcements, timers, and the chairs' board as a typed view."""

from __future__ import annotations

from datetime import timedelta

from bot.app.ports.board import BoardView
from bot.app.ports.chat import InboundKind
from bot.i18n import catalog as i18n
from bot.rehearsal.recording import RecordingChat
from tests.app.conftest import Rig


async def test_the_chair_gives_the_floor_and_the_timer_warns(rig: Rig) -> None:
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    await rig.say("web:lene-wendland", "next", kind=InboundKind.COMMAND)
    state = await rig.runtime.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.participant.name == "Amina"
    announced = rig.chat.texts(op="announce", lang="es")
    assert announced[-1] == "🎙️ Se concede la palabra a Amina (Sociedad civil), que intervendrá en francés."
    warn_at = rig.timers.next_at()
    assert warn_at == state.speaking.ends_at - timedelta(seconds=30)
    rig.clock.set(warn_at)
    for job in rig.timers.pop_due(rig.clock.now()):
        await job()
    assert rig.private("web:guest:amina")[-1] == i18n.render("floor.notice.warning", "fr", time="30 secondes")


class ViewsChat(RecordingChat):
    """The recording chat, also keeping the board views it was given (what a surface receives: data)."""

    def __init__(self) -> None:
        super().__init__()
        self.views: list[BoardView] = []

    async def show_board(self, board: BoardView) -> None:
        self.views.append(board)
        await super().show_board(board)


async def test_the_board_is_a_view_each_surface_renders_in_its_language(rig: Rig) -> None:
    chat = ViewsChat()
    rig.runtime.context.chat = chat
    rig.runtime.effects.publish_board = True
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    board = chat.views[-1]
    assert board.discussion == "session-1" and board.speaking is None and board.is_open
    [entry] = board.queue
    assert (entry.place, entry.who.name, entry.who.language, entry.kind) == (1, "Amina", "fr", "new")
    texts = {e.lang: e.text for e in chat.transcript if e.op == "board"}
    assert set(texts) == {"en", "fr", "es"}
    for lang, text in texts.items():  # rendered per reader: "French" for English readers, and so on
        french = i18n.render("common.language_name.fr", lang)
        assert "Amina" in text and i18n.render("runtime.board.next_language", lang, language=french) in text
    await rig.say("web:lene-wendland", "next", kind=InboundKind.COMMAND)
    speaking = chat.views[-1].speaking
    assert speaking is not None and chat.views[-1].queue == ()
    assert speaking.until == rig.clock.now() + timedelta(minutes=3)
