"""The Slack ChatPort against the fake Web API: mirror and thread modes, copies, the board, private replies,
rate limits, retries and failure reports."""

from __future__ import annotations

import asyncio

import pytest

from bot.adapters.slack.outbox import DeliveryFailed
from bot.app.ports.chat import AudienceKind, Author, MessageRef, Post
from bot.i18n.board import board_text
from bot.i18n.catalog import render
from tests.adapters.slack.conftest import SlackRig, board_view, make_schedule, slack_rig

ORIGINAL = MessageRef("slack", "CFR", "1646643600.000100")


def chairs_messages(rig: SlackRig) -> list[str]:
    """The ts of each message in the chairs' channel, as the fake Slack holds them."""
    return [ts for channel, ts in rig.fake.messages if channel == "CCHAIRS"]
JULES = Author("Jules Martin", "https://avatars.example/UJULES.png")


async def test_announce_posts_each_language_in_its_channel(rig: SlackRig) -> None:
    refs = await rig.slack.chat.announce({"en": "The floor is open.", "fr": "La parole est ouverte.",
                                          "es": "Se abre el turno de palabra."}, key="cue:session-1/open")
    assert [r.channel for r in refs] == ["CEN", "CFR", "CES"]
    posts = {p["channel"]: p for p in rig.fake.posts()}
    assert posts["CFR"]["text"] == "La parole est ouverte."
    # The post's own key, and the outbox's key for it (what a resend looks for in the channel's history).
    assert posts["CEN"]["metadata"] == {"event_type": "floorbot_post", "event_payload": {
        "key": "cue:session-1/open", "outbox": "cue:session-1/open@CEN"}}
    assert all(p["unfurl_links"] is False and "link_names" not in p for p in posts.values())


async def test_mirrored_copy_shows_the_author_and_links_the_original(rig: SlackRig) -> None:
    ref = await rig.slack.chat.post("en", Post("Good morning, everyone", author=JULES, reply_to=ORIGINAL))
    (post,) = rig.fake.posts("CEN")
    assert post["username"] == "Jules Martin" and post["icon_url"] == JULES.avatar_url
    assert post["text"] == ("Good morning, everyone\n"
                            "<https://fake.slack.test/archives/CFR/p1646643600000100|original message>")
    assert post["unfurl_links"] is False and post["unfurl_media"] is False
    # The original is edited: posting the copy again updates it in place.
    again = await rig.slack.chat.post("en", Post("Good morning, all", author=JULES, reply_to=ORIGINAL))
    assert again == ref and len(rig.fake.posts("CEN")) == 1
    (update,) = rig.fake.of("chat.update")
    assert update.args["ts"] == ref.id and update.args["text"].startswith("Good morning, all\n")
    # The original is deleted: its copies go too.
    await rig.slack.chat.post("es", Post("Buenos días", author=JULES, reply_to=ORIGINAL))
    await rig.slack.chat.delete(ORIGINAL)
    deleted = {(c.args["channel"], c.args["ts"]) for c in rig.fake.of("chat.delete")}
    assert {channel for channel, _ in deleted} == {"CEN", "CES"}
    assert ("CFR", ORIGINAL.id) not in deleted


async def test_thread_mode_announces_once_and_replies_in_the_thread() -> None:
    schedule = make_schedule(mode="thread", channels={"en": "CALL", "fr": "CALL", "es": "CALL"})
    async with slack_rig(schedule) as rig:
        await rig.slack.chat.announce({"en": "The floor is open.", "fr": "La parole est ouverte.",
                                       "es": "Se abre el turno de palabra."})
        (announcement,) = rig.fake.posts("CALL")
        assert announcement["text"] == ("*English*\nThe floor is open.\n\n*Français*\nLa parole est ouverte.\n\n"
                                        "*Español*\nSe abre el turno de palabra.")
        original = MessageRef("slack", "CALL", "1646643600.000900")
        await rig.slack.chat.post("es", Post("Buenos días a todos", author=JULES, reply_to=original))
        reply = rig.fake.posts("CALL")[-1]
        assert reply["thread_ts"] == original.id and reply["text"] == "_Español_ · Buenos días a todos"
        assert reply["username"] == "Jules Martin"


async def test_board_is_one_live_message_updated_coalesced(rig: SlackRig) -> None:
    boards = [board_view(*(f"Speaker {n}" for n in range(i + 1))) for i in range(6)]
    await asyncio.gather(*(rig.slack.chat.show_board(board) for board in boards))
    (created,) = rig.fake.posts("CCHAIRS")
    buttons = created["blocks"][-1]["elements"]
    assert [b["action_id"] for b in buttons][:2] == ["floor:next#0", "floor:skip#1"]
    assert buttons[0]["style"] == "primary" and buttons[0]["value"] == "next"
    assert buttons[0]["text"]["text"] == render("runtime.button.next", "en")
    updates = rig.fake.of("chat.update")
    assert 1 <= len(updates) < 5  # coalesced: not one call per change
    (ts,) = chairs_messages(rig)
    latest = rig.fake.messages[("CCHAIRS", ts)]["text"]
    assert "6. Speaker 5" in latest and latest == board_text(boards[-1], "en")  # the latest wins


async def test_private_replies_ephemeral_in_context_else_dm(rig: SlackRig) -> None:
    await rig.slack.chat.reply_private("UANA", "Usted es el 3.º", context=MessageRef("slack", "CES", "1.0"))
    (ephemeral,) = rig.fake.of("chat.postEphemeral")
    assert (ephemeral.args["channel"], ephemeral.args["user"]) == ("CES", "UANA")
    await rig.slack.chat.reply_private("UANA", "Usted tiene la palabra")
    assert rig.fake.of("conversations.open")[0].args["users"] == "UANA"
    assert rig.fake.posts("DUANA")[0]["text"] == "Usted tiene la palabra"
    # Not in that channel: fall back to a DM, without bothering the chairs.
    rig.fake.fail("chat.postEphemeral", 200, error="user_not_in_channel")
    await rig.slack.chat.reply_private("UANA", "Vous êtes 2e", context=MessageRef("slack", "CEN", "1.0"))
    assert rig.fake.posts("DUANA")[-1]["text"] == "Vous êtes 2e"
    assert rig.fake.posts("CCHAIRS") == []


async def test_long_texts_are_split_under_slack_limits(rig: SlackRig) -> None:
    paragraph = "A sentence about human rights due diligence & remedy. " * 100
    await rig.slack.chat.post("en", Post("\n\n".join([paragraph.strip()] * 16)))
    posts = rig.fake.posts("CEN")
    assert len(posts) >= 3 and all(len(p["text"]) <= 40_000 for p in posts)
    assert all(p["text"].endswith("remedy.") for p in posts)


async def test_react(rig: SlackRig) -> None:
    await rig.slack.chat.react(ORIGINAL, ":white_check_mark:")
    (call,) = rig.fake.of("reactions.add")
    assert call.args == {"channel": "CFR", "timestamp": ORIGINAL.id, "name": "white_check_mark"}


async def test_429_pauses_only_that_channel_then_resumes_in_order() -> None:
    async with slack_rig(instant=False) as rig:
        rig.fake.fail("chat.postMessage", 429, retry_after=5, channel="CFR")
        chat = rig.slack.chat
        tasks = [asyncio.create_task(chat.post("fr", Post(f"fr-{i}"))) for i in range(3)]
        tasks += [asyncio.create_task(chat.post("es", Post(f"es-{i}"))) for i in range(3)]
        await rig.time.wait_for_sleepers(1)
        assert rig.time.wake_times == [5.0]  # the Retry-After, for the French channel only
        await rig.fake.wait_for(lambda fake: len(fake.posts("CES")) == 3)
        assert rig.fake.posts("CFR") == []
        await rig.time.advance(5.0)
        await asyncio.gather(*tasks)
        assert [p["text"] for p in rig.fake.posts("CFR")] == ["fr-0", "fr-1", "fr-2"]
        first_fr = next(i for i, c in enumerate(rig.fake.calls) if c.status == 200 and c.args.get("channel") == "CFR")
        last_es = max(i for i, c in enumerate(rig.fake.calls) if c.args.get("channel") == "CES")
        assert last_es < first_fr and rig.fake.calls[first_fr].at == 5.0
        assert rig.slack.outbox.stats.rate_limited == 1


async def test_5xx_retried_then_reported_to_the_chairs(rig: SlackRig) -> None:
    rig.fake.fail("chat.postMessage", 503, times=2, channel="CES")
    await rig.slack.chat.post("es", Post("Se recuperó"))
    assert [c.status for c in rig.fake.of("chat.postMessage", ok_only=False)] == [503, 503, 200]
    rig.fake.fail("chat.postMessage", 500, times=10, channel="CES")
    with pytest.raises(DeliveryFailed):
        await rig.slack.chat.post("es", Post("Perdido"))
    await rig.settle()
    (report,) = rig.fake.posts("CCHAIRS")
    assert "CES" in report["text"] and "chat.postMessage" in report["text"] and "4 attempts" in report["text"]
    assert [p["text"] for p in rig.fake.posts("CES")] == ["Se recuperó"]


async def test_posts_keep_call_order_even_when_a_copy_waits_for_a_lookup(rig: SlackRig) -> None:
    gate = rig.fake.hold("chat.getPermalink")
    copy = asyncio.create_task(rig.slack.chat.post("en", Post("copy first", author=JULES, reply_to=ORIGINAL)))
    await rig.fake.wait_for(lambda fake: any(m == "chat.getPermalink" for m, _ in fake.arrived))
    notice = asyncio.create_task(rig.slack.chat.post("en", Post("notice second")))
    await rig.time.settle()
    assert rig.fake.posts("CEN") == [] and rig.slack.outbox.queued == 2  # the notice waits its turn
    gate.set()
    await asyncio.gather(copy, notice)
    assert [p["text"].split("\n")[0] for p in rig.fake.posts("CEN")] == ["copy first", "notice second"]


async def test_a_deleted_board_is_posted_again(rig: SlackRig) -> None:
    v1, v2, v3 = (board_view(*names, discussion="s1") for names in (["A"], ["A", "B"], ["A", "B", "C"]))
    await rig.slack.chat.show_board(v1)
    (first,) = chairs_messages(rig)
    del rig.fake.messages[("CCHAIRS", first)]  # a chair deleted it by hand
    await rig.slack.chat.show_board(v2)
    assert [p["text"] for p in rig.fake.posts("CCHAIRS")] == [board_text(v1, "en"), board_text(v2, "en")]
    (second,) = chairs_messages(rig)
    assert second != first  # a new post, and no failure report
    await rig.slack.chat.show_board(v3)
    assert rig.fake.messages[("CCHAIRS", second)]["text"] == board_text(v3, "en")


async def test_deleting_a_message_without_copies_is_quiet(rig: SlackRig) -> None:
    rig.fake.fail("chat.delete", 200, error="cant_delete_message")
    await rig.slack.chat.delete(MessageRef("slack", "CEN", "1646643600.000777"))
    await rig.settle()
    assert rig.fake.posts("CCHAIRS") == []


async def test_edit_of_an_original_changes_its_copy_in_that_language(rig: SlackRig) -> None:
    en = await rig.slack.chat.post("en", Post("Hello", author=JULES, reply_to=ORIGINAL, key="mirror:Ev1"))
    es = await rig.slack.chat.post("es", Post("Hola", author=JULES, reply_to=ORIGINAL, key="mirror:Ev1"))
    # The dispatcher's way: edit(original, post) once per language, the language at the end of the key.
    await rig.slack.chat.edit(ORIGINAL, Post("Hello all", author=JULES, reply_to=ORIGINAL, key="mirror-edit:en"))
    await rig.slack.chat.edit(ORIGINAL, Post("Hola a todos", author=JULES, reply_to=ORIGINAL,
                                             key="mirror-edit:es"))
    assert rig.fake.messages[("CEN", en.id)]["text"].startswith("Hello all\n")
    assert rig.fake.messages[("CES", es.id)]["text"].startswith("Hola a todos\n")
    assert all(c.args["channel"] != "CFR" for c in rig.fake.of("chat.update"))  # never the user's own message


async def test_chairs_read_their_notes_and_board_in_the_event_language(rig: SlackRig) -> None:
    await rig.slack.chat.announce({"en": "Quota low", "fr": "Quota bas", "es": "Cuota baja"},
                                  audience=AudienceKind.CHAIRS, key="chairs:quota")
    await rig.slack.chat.show_board(board_view("Marc Dubois"))
    note, board = rig.fake.posts("CCHAIRS")
    assert note["text"] == "Quota low"
    assert board["text"] == board_text(board_view("Marc Dubois"), "en")
    assert render("runtime.board.title", "en", title="Session 1") in board["text"] and "Business" in board["text"]


async def test_a_backlogged_channel_gets_bundled_copies_that_follow_edits_and_deletions() -> None:
    async with slack_rig(instant=False) as rig:
        chat = rig.slack.chat
        for i in range(3):  # use up the English channel's burst
            await chat.post("en", Post(f"notice {i}"))
        originals = [MessageRef("slack", "CFR", f"1646643600.00010{i}") for i in range(5)]
        authors = [Author("Eve <!channel>"), *(Author(f"Person {i}") for i in range(1, 5))]

        def copy(i: int, text: str) -> Post:
            return Post(text, author=authors[i], reply_to=originals[i],
                        link=f"https://fake.slack.test/archives/CFR/p{i}")

        tasks = [asyncio.create_task(chat.post("en", copy(i, f"copy {i} <@U1> & more"))) for i in range(5)]
        await rig.time.wait_for_sleepers(1)  # the channel waits for its next token, the copies queue up
        await rig.time.advance(1.1)  # the channel's next token (SLACK_LIMITS: a little under 1/s)
        refs = await asyncio.gather(*tasks)
        assert len(set(refs)) == 1  # one post carries all five
        bundle = rig.fake.posts("CEN")[-1]
        assert "username" not in bundle and bundle["unfurl_links"] is False
        lines = bundle["text"].split("\n")
        assert lines[0] == ("*Eve &lt;!channel&gt;*: copy 0 &lt;@U1&gt; &amp; more · "
                            "<https://fake.slack.test/archives/CFR/p0|original message>")
        assert [line.split(":")[0] for line in lines] == ["*Eve &lt;!channel&gt;*"] + [
            f"*Person {i}*" for i in range(1, 5)]
        ts = refs[0].id
        rig.time.instant = True  # from here on, time only needs to pass
        # An original is edited: only its line changes.
        await chat.post("en", copy(2, "copy 2, edited"))
        assert rig.fake.messages[("CEN", ts)]["text"].split("\n")[2].startswith("*Person 2*: copy 2, edited · ")
        assert rig.fake.messages[("CEN", ts)]["text"].split("\n")[3].startswith("*Person 3*: copy 3 ")
        # The same through edit(original, ...) as the dispatcher does it.
        await chat.edit(originals[3], Post("copy 3, edited", author=authors[3], reply_to=originals[3],
                                           key="mirror-edit:en"))
        assert "*Person 3*: copy 3, edited" in rig.fake.messages[("CEN", ts)]["text"]
        # Originals are deleted: their lines go, then the post when none is left.
        for i in range(4):
            await chat.delete(originals[i])
        assert rig.fake.messages[("CEN", ts)]["text"].startswith("*Person 4*: copy 4 ")
        await chat.delete(originals[4])
        assert ("CEN", ts) not in rig.fake.messages
        assert rig.slack.outbox.stats.bundled == 4


async def test_health_reports_the_outbox(rig: SlackRig) -> None:
    assert rig.slack.health()["seconds_since_last_delivery"] is None
    rig.fake.fail("chat.postMessage", 429, retry_after=2, channel="CEN")
    await rig.slack.chat.post("en", Post("hello"))
    health = rig.slack.health()
    assert (health["mode"], health["queued"], health["delivered"], health["rate_limited"]) == ("http", 0, 1, 1)
    assert health["seconds_since_last_delivery"] == 0.0


async def test_the_chairs_channel_is_never_mirrored_to_participants(rig: SlackRig) -> None:
    private = MessageRef("slack", "CCHAIRS", "1646643600.000500")
    ref = await rig.slack.chat.post("en", Post("Let's skip the next one", author=JULES, reply_to=private))
    assert ref == private
    direct = MessageRef("slack", "DUJULES", "1646643600.000501")
    assert await rig.slack.chat.post("en", Post("psst", author=JULES, reply_to=direct)) == direct
    assert rig.fake.posts() == []


async def test_copies_link_their_original_without_asking_slack_for_each_permalink(rig: SlackRig) -> None:
    await rig.slack.start()  # auth.test gives the workspace's URL, once
    reply = MessageRef("slack", "CFR", "1646643600.000200")
    rig.slack.chat.note_thread(reply, ORIGINAL.id)  # a reply in the original's thread
    await rig.slack.chat.post("en", Post("Good morning, everyone", author=JULES, reply_to=ORIGINAL))
    await rig.slack.chat.post("es", Post("Buenos días", author=JULES, reply_to=ORIGINAL))
    await rig.slack.chat.post("es", Post("Y una pregunta", author=JULES, reply_to=reply))
    assert rig.fake.of("chat.getPermalink", ok_only=False) == [] and len(rig.fake.of("auth.test")) == 1
    # the links chat.getPermalink gives (the fake builds them as Slack does)
    assert rig.fake.posts("CEN")[0]["text"].endswith(
        "<https://fake.slack.test/archives/CFR/p1646643600000100|original message>")
    texts = [p["text"] for p in rig.fake.posts("CES")]
    assert texts[0].endswith("<https://fake.slack.test/archives/CFR/p1646643600000100|mensaje original>")
    assert "archives/CFR/p1646643600000200?thread_ts=1646643600.000100&amp;cid=CFR|mensaje original>" in texts[-1]


def test_a_built_permalink_can_carry_no_markup() -> None:
    from bot.adapters.slack.permalinks import permalink

    url = permalink("https://team.slack.com/", "C1|<!channel>", "1646643600.000100", "1646643600.000050")
    assert url.startswith("https://team.slack.com/archives/C1%7C%3C%21channel%3E/p1646643600000100?thread_ts=")
    assert not set("<>| ") & set(url)
