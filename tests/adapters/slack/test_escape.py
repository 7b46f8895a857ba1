"""Escaping and decoding of Slack text, and splitting under Slack's limits."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.slack.blocks import message_parts, message_payload
from bot.adapters.slack.escape import escape, mentioned_users, split_text, to_plain, unescape

CONTROL = re.compile(r"<[!@#]|<(?:https?|mailto):|<[^<>]*\|")

# Text biased towards Slack's control syntax so the property is exercised where it matters.
slacky = st.text(alphabet=st.sampled_from(list("<>&|!@#^:/ abcUC01.\n")) | st.characters(), max_size=300)


def test_escape_neutralises_control_sequences() -> None:
    assert escape("<!channel> & <@U123> <https://evil|bank>") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|bank&gt;"
    )


def test_to_plain_decodes_what_slack_sent() -> None:
    text = "hi <@U1> see <#C2|general> &amp; <https://a.example|here> <!here> 1 &lt; 2"
    assert to_plain(text, {"U1": "Lene Wendland"}) == (
        "hi @Lene Wendland see #general & here (https://a.example) @here 1 < 2"
    )
    assert to_plain("<mailto:a@b.example|a@b.example>") == "a@b.example (mailto:a@b.example)"
    assert to_plain("<https://a.example>") == "https://a.example"
    assert to_plain("<!subteam^S1|@chairs>") == "@chairs"
    assert mentioned_users("<@U1> <@U2|x> <@U1>") == ["U1", "U2"]


@given(slacky)
def test_escaped_text_can_never_open_a_control_sequence(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text


@given(slacky)
def test_decoded_then_reescaped_input_stays_inert(text: str) -> None:
    # Whatever Slack delivers, once decoded and re-escaped it cannot mention or link anything.
    assert not CONTROL.search(escape(to_plain(text)))


@given(slacky)
def test_payloads_carry_no_live_markup(text: str) -> None:
    payload = message_payload(text)
    assert not CONTROL.search(payload["text"])
    assert "link_names" not in payload and "parse" not in payload
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False


def test_split_prefers_paragraphs_then_sentences() -> None:
    paragraph = "First sentence here. Second sentence there. " * 5
    text = "\n\n".join([paragraph.strip()] * 4)
    pieces = split_text(text, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert pieces[0] == paragraph.strip()
    long_sentences = "This sentence is reasonably long. " * 30
    pieces = split_text(long_sentences, 200)
    assert all(len(p) <= 200 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == long_sentences.strip()


@given(st.text(max_size=3000), st.integers(min_value=8, max_value=400))
def test_split_never_exceeds_and_never_loses_words(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(text.split()) == "".join("".join(pieces).split())


def test_long_message_splits_under_slack_limit_counting_entities() -> None:
    text = ("a & b < c. " * 9000).strip()
    parts = message_parts(text)
    assert len(parts) > 1
    assert all(len(escape(p)) <= 40_000 for p in parts)
    assert "".join(text.split()) == "".join("".join(parts).split())
