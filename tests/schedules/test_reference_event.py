"""The reference event's schedule says what its concept note and agenda say, in three languages.

The expected facts below were read off the seed (concept note and agenda of the OHCHR consultation of
7-8 March 2022) by hand; they are deliberately written out here rather than derived from the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.config.loader import load_schedule
from bot.config.model import DEFAULT_GROUPS, Item, LanguageCode, Question, Schedule, Text
from bot.domain.schedule import ItemKind
from tests.conftest import ROOT
from tests.i18n import typography

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
MINIMAL = ROOT / "schedules" / "minimal.yaml"
MODELINE = "# yaml-language-server: $schema=../docs/schedule.schema.json"
LANGS: tuple[LanguageCode, ...] = ("en", "fr", "es")
NBSP, NNBSP = "\u00a0", "\u202f"

# id -> (name, role, affiliation, group), role and affiliation as the agenda writes them.
PEOPLE: dict[str, tuple[str, str | None, str | None, str]] = {
    # Opening
    "peggy-hicks": ("Peggy Hicks", "Director, TESP RDD", "OHCHR", "un"),
    "taeho-lee": ("Taeho LEE", "Ambassador", "Permanent Mission of the Republic of Korea", "states"),
    # Session 1
    "lene-wendland": ("Lene Wendland", "Chief, Business and Human Rights Unit", "OHCHR", "un"),
    "ulrike-butschek": (
        "Ulrike Butschek",
        "Director for Human Rights",
        "Federal Ministry for Europe and International Affairs, Austria",
        "states",
    ),
    "philippe-andre-rodriguez": (
        "Philippe-André Rodriguez",
        "Chair of the Freedom Online Coalition",
        "Global Affairs Canada",
        "states",
    ),
    "josianne-galea-baron": ("Josianne Galea Baron", "Children’s Rights and Business Specialist", "UNICEF", "un"),
    "gayatri-khandhadai": (
        "Gayatri Khandhadai",
        "Head of Technology and Human Rights",
        "Business & Human Rights Resource Centre",
        "civil-society",
    ),
    "buhm-suk-baek": ("Buhm-Suk Baek", "Member of the HRC Advisory Committee", None, "un"),
    # Session 2
    "isabel-ebert": ("Isabel Ebert", "Advisor", "OHCHR B-Tech project", "un"),
    "anita-ramasastry": ("Anita Ramasastry", "Member", "UN Working Group on Business and Human Rights", "un"),
    "ana-beduschi": ("Ana Beduschi", "Senior Research Fellow", "Geneva Academy", "academia"),
    "imane-bello": ("Imane Bello", "Lawyer", "Paris Bar", "other"),
    "alyson-finley": ("Alyson Finley", "Foreign Affairs Officer", "US State Department", "states"),
    "sebastian-smart-larrain": (
        "Sebastián Smart Larraín",
        "Regional Director",
        "National Human Rights Institution of Chile, and Chair of the BHR working group of GANHRI",
        "nhri",
    ),
    "patrik-hiselius": ("Patrik Hiselius", "Senior Advisor, Human/ Digital Rights", "Telia", "business"),
    # Session 3
    "mark-hodge": ("Mark Hodge", "Senior Advisor", "OHCHR B-Tech project", "un"),
    "alexandria-walden": (
        "Alexandria Walden",
        "Global policy lead for human rights and free expression",
        "Google",
        "business",
    ),
    "dae-seop-song": ("Dae Seop Song", "Director for Agenda Research", "NAVER Corp.", "business"),
    "bettina-reinboth": (
        "Bettina Reinboth",
        "Director of Human Rights and Social Issues",
        "Principles for Responsible Investment (PRI)",
        "investors",
    ),
    "veszna-wessenauer": ("Veszna Wessenauer", "Program Manager", "Ranking Digital Rights (RDR)", "civil-society"),
    "judith-lichtenberg": ("Judith Lichtenberg", "Executive Director", "Global Network Initiative (GNI)", "other"),
    "edrine-wanyama": (
        "Edrine Wanyama",
        "Legal Officer",
        "CIPESA (Promoting Effective and Inclusive ICT Policy in Africa)",
        "civil-society",
    ),
    "guy-berger": ("Guy Berger", "Director of Division Freedom of Expression and Media Development", "UNESCO", "un"),
    # Session 4
    "jennifer-zerk": ("Jennifer Zerk", "Legal consultant", "OHCHR Accountability and Remedy Project", "un"),
    "mauricio-lazala-leibovich": (
        "Mauricio Lazala Leibovich",
        "Director of the Digital Freedom Fund",
        None,
        "civil-society",
    ),
    "cathrine-bloch-veiberg": ("Cathrine Bloch Veiberg", "Senior Adviser", "Danish Institute for Human Rights", "nhri"),
    "rashad-abelson": (
        "Rashad Abelson",
        "Legal Expert",
        "OECD Centre for Responsible Business Conduct",
        "international-organizations",
    ),
    "pamela-wood": ("Pamela Wood", "Human Rights and Social Responsibility", "HPE", "business"),
    "afia-asantewaa-asare-kyei": ("Afia Asantewaa Asare-Kyei", "Board Member", "Meta oversight board", "other"),
    "lorna-mcgregor": (
        "Lorna McGregor",
        "Director, Human Rights, Big Data and Technology Project",
        "University of Essex",
        "academia",
    ),
}

# Counted by hand on the agenda: 2 at the opening, then 6 + 7 + 8 + 7 per session (chairs included).
NAMES = {
    "Peggy Hicks", "Taeho LEE",
    "Lene Wendland", "Ulrike Butschek", "Philippe-André Rodriguez", "Josianne Galea Baron",
    "Gayatri Khandhadai", "Buhm-Suk Baek",
    "Isabel Ebert", "Anita Ramasastry", "Ana Beduschi", "Imane Bello", "Alyson Finley",
    "Sebastián Smart Larraín", "Patrik Hiselius",
    "Mark Hodge", "Alexandria Walden", "Dae Seop Song", "Bettina Reinboth", "Veszna Wessenauer",
    "Judith Lichtenberg", "Edrine Wanyama", "Guy Berger",
    "Jennifer Zerk", "Mauricio Lazala Leibovich", "Cathrine Bloch Veiberg", "Rashad Abelson", "Pamela Wood",
    "Afia Asantewaa Asare-Kyei", "Lorna McGregor",
}  # fmt: skip

# Affiliations that are proper names, the same in every language.
LANGUAGE_NEUTRAL = {"UNICEF", "UNESCO", "Google", "Telia", "HPE", "NAVER Corp.", "Ranking Digital Rights (RDR)",
                    "Global Network Initiative (GNI)"}  # fmt: skip

# (date, id, kind, start, end, within)
AGENDA = [
    (date(2022, 3, 7), "opening", ItemKind.OPENING, "10:00", "10:15", "session-1"),
    (date(2022, 3, 7), "session-1", ItemKind.SESSION, "10:00", "12:00", None),
    (date(2022, 3, 7), "lunch-1", ItemKind.BREAK, "12:00", "15:00", None),
    (date(2022, 3, 7), "session-2", ItemKind.SESSION, "15:00", "17:00", None),
    (date(2022, 3, 8), "session-3", ItemKind.SESSION, "10:00", "12:00", None),
    (date(2022, 3, 8), "lunch-2", ItemKind.BREAK, "12:00", "15:00", None),
    (date(2022, 3, 8), "session-4", ItemKind.SESSION, "15:00", "16:45", None),
    (date(2022, 3, 8), "closing", ItemKind.CLOSING, "16:50", "17:00", None),
]

SESSIONS = {
    "session-1": (
        1,
        "lene-wendland",
        "The State’s duty to protect: Bridging Governance Gaps in the Age of Technology – Key Characteristics "
        "of the State Duty to Protect",
        ["ulrike-butschek", "philippe-andre-rodriguez", "josianne-galea-baron", "gayatri-khandhadai", "buhm-suk-baek"],
    ),
    "session-2": (
        2,
        "isabel-ebert",
        "The role of the UNGPs in informing policy makers and tech regulation",
        ["anita-ramasastry", "ana-beduschi", "imane-bello", "alyson-finley", "sebastian-smart-larrain",
         "patrik-hiselius"],
    ),
    "session-3": (
        3,
        "mark-hodge",
        "The corporate responsibility of technology companies",
        ["alexandria-walden", "dae-seop-song", "bettina-reinboth", "veszna-wessenauer", "judith-lichtenberg",
         "edrine-wanyama", "guy-berger"],
    ),
    "session-4": (
        4,
        "jennifer-zerk",
        "Accountability and remedy for the human rights harms resulting from the use of technologies",
        ["mauricio-lazala-leibovich", "cathrine-bloch-veiberg", "rashad-abelson", "pamela-wood",
         "afia-asantewaa-asare-kyei", "lorna-mcgregor"],
    ),
}  # fmt: skip

# The guiding questions in the concept note's own words, quirks and all.
QUESTIONS = {
    "session-1": [
        "How does the State duty to protect human rights apply in the technology sector?",
        'What is the meaning of a "smart-mix" of measures in the context of tech business models, including through '
        "laws and regulations which guards against business models with potential negative human rights impacts?",
        "Which are the State obligations and business responsibilities in situations where States contract with, "
        'partner with, license from, or support technology companies ("State-Business Nexus")?',
        "How can State capacity and internal policy coherence to address the complexity, scale, and fast evolving "
        "nature of the technology industry be increased?",
    ],
    "session-2": [
        "How can the “UNGP check” construct a strong orientation on tech companies’ responsibilities in regulatory "
        "efforts? What should be regulatory elements that the State will require for companies to comply with?",
        "How can legislation provide for effective remedies for human rights harm to affected people and "
        "communities stemming from, or being linked to tech company conduct?",
        "What are methods to uphold policy coherence with respect to the particular piece of regulation being "
        "contemplated?",
        "How can a State holistically ensure policy coherence regarding oversight functions of the State, e.g. in "
        "situations where States contract with/partner with/support technology companies, in relation to other "
        "tech or responsible business regulation",
        "What is an effective way to set up a legislative process based on engagement with stakeholders on "
        "progress, effectiveness, and impact of regulation?",
    ],
    "session-3": [
        "Why are technology companies, civil society and investors increasingly using human rights, and the UNGPs "
        "as the lens to advance their work on responsible tech?",
        "What progress and challenges exist with regards to companies implementing the following key features of "
        "corporate respect for human rights?",
        "What is the status of corporate reporting and transparency about how technology companies identify and "
        "address potential and actual human rights impacts?",
        "What are investors, civil society, academia and collective action initiatives doing to advance respect "
        "for human rights by technology companies?",
        "What can States do to advance respect for human rights by technology companies?",
    ],
    "session-4": [
        "What are the challenges related to the ability of State-based judicial and non-judicial grievance "
        "mechanisms to provide for accountability and remedy in case of human rights abuses relating to technology "
        "companies? And what are potential solutions to address and/or overcome such challenges?",
        "Which types of company-based grievance mechanisms are technology companies providing and what kinds of "
        "adverse human rights impacts are most commonly addressed by them?",
        "How technology companies can make a more positive and proactive contribution to remedy, within the "
        "“remedy ecosystem” for addressing technology-related harms.",
        "What are good practices for remedial responses?",
        "What constitutes a well-functioning remedy ecosystem for the technology sector and which role need "
        "technology companies play in developing and maintaining it?",
    ],
}

SESSION_3_POINTS = [
    "Policy commitment, and Governance",
    "Building internal competence and skills to address human rights risks",
    "Identifying and acting on the most significant risks to people associated with the design, development and "
    "use of technology products and services",
    "Engaging users and non-user rights holders in human rights due diligence",
    "Delivering or enabling remedy for human rights harms",
]

BACKGROUND = {
    "session-1": [
        '"Bridging Governance Gaps in the Age of Technology – Key Characteristics of the State Duty to Protect", '
        "A B-Tech Foundational Paper"
    ],
    "session-4": [
        "Access to remedy and the technology sector: basic concepts and principles",
        "Access to remedy and the technology sector: a “remedy ecosystem” approach",
        "Designing and implementing effective company-based grievance mechanisms",
        "Access to remedy and the technology sector: understanding the perspectives and needs of affected people "
        "and groups",
        "Background on the OHCHR Accountability and Remedy Project (ARP)",
    ],
}

# English term -> the UN's official French and Spanish renderings (TERMINOLOGY.md) that must appear
# in a translation wherever the English has the term.
TERMS: list[tuple[str, str, str]] = [
    (r"human rights due diligence", r"diligence raisonnable (obligatoire )?en matière de droits de l'homme",
     r"debida diligencia (obligatoria )?en materia de derechos humanos"),
    (r"State(’s)? duty to protect", r"obligation de protéger (les droits de l'homme )?incombant à l'État",
     r"deber del Estado de proteger"),
    (r"grievance mechanism", r"mécanismes? (judiciaires et les mécanismes non judiciaires )?de réclamation",
     r"mecanismos? (extrajudiciales )?de reclamación"),
    (r"policy coherence", r"cohérence (interne )?des politiques", r"coherencia (interna )?de las políticas"),
    (r"rights[ -]holders", r"titulaires de droits", r"titulares de derechos"),
    (r"smart[ -]mix", r"combinaison judicieuse", r"combinación inteligente"),
    (r"State-Business Nexus", r"lien entre l'État et les entreprises", r"nexo entre el Estado y las empresas"),
    (r"\bUNGPs\b", r"Principes directeurs", r"Principios Rectores"),
    (r"remedy ecosystem", r"écosystème des voies de recours", r"ecosistema de reparación"),
]  # fmt: skip


def _load_raw(path: Path) -> Any:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return yaml.load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw() -> Any:
    return _load_raw(REFERENCE)


@pytest.fixture(scope="module")
def schedule(raw: Any) -> Schedule:
    return Schedule.model_validate(raw)


def _item(schedule: Schedule, item_id: str) -> Item:
    return schedule.item(item_id)


def _questions(item: Item) -> list[Question]:
    assert item.discussion is not None
    return [q if isinstance(q, Question) else Question(text=q) for q in item.discussion.questions]


def _en(text: Text | None) -> str | None:
    if text is None or isinstance(text, str):
        return text
    return text["en"]


def _participant_texts(schedule: Schedule) -> Iterator[tuple[str, Text]]:
    """Every text an attendee or a chair reads, with where it sits."""
    event = schedule.event
    for key in ("title", "subtitle", "description"):
        value = getattr(event, key)
        assert value is not None, f"event.{key} is missing"
        yield f"event.{key}", value
    for person_id, person in schedule.people.items():
        if person.role is not None:
            yield f"{person_id}.role", person.role
    for _, item in schedule.items():
        if item.title is not None:
            yield f"{item.id}.title", item.title
        if item.summary is not None:
            yield f"{item.id}.summary", item.summary
        for n, doc in enumerate(item.background):
            yield f"{item.id}.background[{n}]", doc.title
        if item.discussion:
            for n, question in enumerate(_questions(item)):
                yield f"{item.id}.question[{n}]", question.text
                for p, point in enumerate(question.points):
                    yield f"{item.id}.question[{n}].point[{p}]", point


def _all_strings(node: Any, key: str | None = None) -> Iterator[tuple[str | None, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _all_strings(v, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from _all_strings(v, key)
    elif isinstance(node, str):
        yield key, node


# -- the file itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [REFERENCE, MINIMAL], ids=["reference", "minimal"])
def test_file_starts_with_the_schema_modeline(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE


def test_minimal_file_passes_the_full_validation_without_a_single_warning() -> None:
    result = load_schedule(MINIMAL)
    assert [p.format() for p in result.problems] == []
    assert result.ok


def test_reference_file_is_warned_only_that_no_interpreter_is_listed() -> None:
    # The concept note announces EN/FR/ES interpretation and names no interpreter: the host assigns them in the
    # meeting, which the warning says. Anything else would be a defect of the file.
    result = load_schedule(REFERENCE)
    assert [(p.severity.value, p.message.split(":")[0]) for p in result.problems] == [
        ("warning", "interpretation is declared but no interpreters are listed")]
    assert result.ok


def test_minimal_file_is_one_day_one_chaired_session_one_person() -> None:
    minimal = Schedule.model_validate(_load_raw(MINIMAL))
    assert len(minimal.days) == 1
    assert [item.kind for _, item in minimal.items()] == [ItemKind.SESSION]
    (_, session), = minimal.items()  # fmt: skip
    assert session.all_chairs == list(minimal.people)
    assert len(minimal.people) == 1


# -- event -----------------------------------------------------------------------------------------


def test_event_metadata(schedule: Schedule) -> None:
    event = schedule.event
    assert event.id == "ungp-tech-2022"
    assert _en(event.title) == (
        "Discussing the practical application of the United Nations Guiding Principles on Business and Human "
        "Rights to the activities of technology companies"
    )
    assert _en(event.subtitle) == "Multi-Stakeholder Consultation"
    assert "47/23" in (_en(event.description) or "")
    assert (event.timezone, event.timezone_label) == ("Europe/Zurich", "CET")
    assert event.languages == ["en", "fr", "es"]
    assert event.interpretation == ["en", "fr", "es"]
    assert event.written_inputs is not None and event.written_inputs.deadline == date(2022, 2, 28)
    assert event.registration is not None
    assert event.registration.required and event.registration.approval == "automatic"
    assert event.registration.url is None  # the seed's link is a placeholder
    assert (event.meetings.platform, event.meetings.scope) == ("zoom", "per-session")
    assert set(event.organizers) == {chair for _, chair, _, _ in SESSIONS.values()}


def test_chat_channels_are_obvious_placeholders_and_floor_rules(schedule: Schedule) -> None:
    assert schedule.chat.mode == "mirror"
    assert set(schedule.chat.channels) == set(LANGS)
    for channel in [*schedule.chat.channels.values(), schedule.chat.chairs_channel]:
        assert channel is not None and re.fullmatch(r"C0[A-Z]{2}0+1", channel), channel
    assert "PLACEHOLDER" in REFERENCE.read_text(encoding="utf-8")
    floor = schedule.floor
    assert floor.speaking_time == timedelta(minutes=3)
    assert floor.warn_before == timedelta(seconds=30)
    assert floor.order == "balanced"
    assert floor.last_call_before == timedelta(minutes=10)


# -- people ----------------------------------------------------------------------------------------


def test_thirty_distinct_people_exactly_the_agendas(schedule: Schedule) -> None:
    names = [person.name for person in schedule.people.values()]
    assert len(names) == len(set(names)) == 30
    assert set(names) == NAMES
    assert set(schedule.people) == set(PEOPLE)


@pytest.mark.parametrize("person_id", sorted(PEOPLE))
def test_person_as_the_agenda_writes_them(schedule: Schedule, person_id: str) -> None:
    name, role, affiliation, group = PEOPLE[person_id]
    person = schedule.people[person_id]
    assert person.name == name
    assert _en(person.role) == role
    assert _en(person.affiliation) == affiliation
    assert person.group == group and group in DEFAULT_GROUPS
    assert "TBC" not in person.name and "(" not in person.name


def test_honorifics(schedule: Schedule) -> None:
    honorifics = {pid: p.honorific for pid, p in schedule.people.items() if p.honorific}
    assert honorifics == {
        "taeho-lee": {"en": "H.E. Mr.", "fr": "S. E. M.", "es": "Excmo. Sr."},
        "ulrike-butschek": {"en": "Ambassador", "fr": "Ambassadrice", "es": "Embajadora"},
    }


def test_only_cathrine_bloch_veiberg_is_to_be_confirmed(schedule: Schedule) -> None:
    assert [p.name for p in schedule.people.values() if p.tbc] == ["Cathrine Bloch Veiberg"]


def test_everyone_on_the_agenda_appears_exactly_once(schedule: Schedule) -> None:
    appearances = [pid for _, item in schedule.items() for pid in item.all_chairs + item.speakers]
    appearances += [pid for _, item in schedule.items() if item.panel for pid in item.panel.speakers]
    assert sorted(appearances) == sorted(PEOPLE)


# -- agenda ----------------------------------------------------------------------------------------


def test_every_item_at_its_exact_time(schedule: Schedule) -> None:
    actual = [
        (day.date, item.id, item.kind, f"{item.start:%H:%M}", f"{item.end:%H:%M}", item.within)
        for day, item in schedule.items()
    ]
    assert actual == AGENDA


def test_opening_is_within_session_1_with_its_two_speakers(schedule: Schedule) -> None:
    opening, session = _item(schedule, "opening"), _item(schedule, "session-1")
    assert opening.within == "session-1"
    assert session.start <= opening.start < opening.end <= session.end
    assert opening.speakers == ["peggy-hicks", "taeho-lee"]
    assert _en(opening.title) == "Opening of the consultation"
    assert _en(_item(schedule, "closing").title) == "Next steps and closing"
    assert {_en(_item(schedule, b).title) for b in ("lunch-1", "lunch-2")} == {"Break for Lunch"}


@pytest.mark.parametrize("session_id", sorted(SESSIONS))
def test_session_chair_title_and_panel_in_agenda_order(schedule: Schedule, session_id: str) -> None:
    number, chair, title, panel = SESSIONS[session_id]
    session = _item(schedule, session_id)
    assert session.number == number
    assert session.all_chairs == [chair]
    assert _en(session.title) == title
    assert session.panel is not None and session.panel.speakers == panel


def test_four_sessions(schedule: Schedule) -> None:
    assert [item.id for _, item in schedule.items() if item.kind is ItemKind.SESSION] == list(SESSIONS)


@pytest.mark.parametrize(("session_id", "count"), [("session-1", 4), ("session-2", 5), ("session-3", 5),
                                                   ("session-4", 5)])  # fmt: skip
def test_every_guiding_question_in_the_concept_notes_words(schedule: Schedule, session_id: str, count: int) -> None:
    questions = _questions(_item(schedule, session_id))
    assert len(questions) == count
    assert [_en(q.text) for q in questions] == QUESTIONS[session_id]


def test_session_3_question_2_has_its_five_sub_points(schedule: Schedule) -> None:
    questions = _questions(_item(schedule, "session-3"))
    assert [_en(p) for p in questions[1].points] == SESSION_3_POINTS
    assert [len(q.points) for q in questions] == [0, 5, 0, 0, 0]
    assert all(not q.points for s in ("session-1", "session-2", "session-4") for q in _questions(_item(schedule, s)))


def test_session_1_summary_lists_the_four_key_aspects(schedule: Schedule) -> None:
    summary = _item(schedule, "session-1").summary
    assert isinstance(summary, dict)
    for lang in LANGS:
        assert re.findall(r"^[1-4]\. ", summary[lang], re.MULTILINE) == ["1. ", "2. ", "3. ", "4. "], lang
    assert "smart mix of policy and regulatory measures" in summary["en"]


def test_every_session_has_a_summary(schedule: Schedule) -> None:
    assert all(_item(schedule, s).summary for s in SESSIONS)


def test_background_documents_without_invented_links(schedule: Schedule) -> None:
    found = {item.id: [_en(d.title) for d in item.background] for _, item in schedule.items() if item.background}
    assert found == BACKGROUND
    assert (len(found["session-1"]), len(found["session-4"])) == (1, 5)
    assert all(doc.url is None for _, item in schedule.items() for doc in item.background)


def test_questions_fit_in_their_discussion(schedule: Schedule) -> None:
    """Panel, then floor, then every question before the last call for the list of speakers."""

    def minutes(at: time) -> int:
        return at.hour * 60 + at.minute

    for session_id in SESSIONS:
        session = _item(schedule, session_id)
        assert session.panel and session.panel.minutes_each and session.discussion and session.discussion.start
        panel_start = minutes(session.start)
        for _, nested in schedule.items():
            if nested.within == session_id:
                panel_start = max(panel_start, minutes(nested.end))
        panel_end = panel_start + len(session.panel.speakers) * session.panel.minutes_each // timedelta(minutes=1)
        floor_open = minutes(session.discussion.start)
        assert panel_end <= floor_open, session_id
        every = session.discussion.every
        assert every is not None
        last_question = floor_open + (len(session.discussion.questions) - 1) * (every // timedelta(minutes=1))
        last_call = minutes(session.end) - schedule.floor.last_call_before // timedelta(minutes=1)
        assert last_question < last_call, session_id


# -- languages -------------------------------------------------------------------------------------


def test_every_participant_facing_text_is_in_english_french_and_spanish(schedule: Schedule) -> None:
    texts = list(_participant_texts(schedule))
    # 3 event texts, 30 roles, 8 item titles, 4 summaries, 6 documents, 19 questions and 5 sub-points.
    assert len(texts) == 75
    for where, text in texts:
        assert isinstance(text, dict), f"{where} is not translated"
        assert set(text) == set(LANGS), where
        assert text["fr"] != text["en"] and text["es"] != text["en"], where


def test_affiliations_are_translated_unless_proper_names(schedule: Schedule) -> None:
    for person_id, person in schedule.people.items():
        if isinstance(person.affiliation, str):
            assert person.affiliation in LANGUAGE_NEUTRAL, person_id
        elif person.affiliation is not None:
            assert set(person.affiliation) == set(LANGS), person_id


def test_french_typography(raw: Any) -> None:
    """The rules are tests/i18n/typography.py's (test_typography.py checks every schedule and catalog)."""
    french = [text for key, text in _all_strings(raw) if key == "fr"]
    assert len(french) > 100
    for text in french:
        assert typography.french_problems(text) == [], text


def test_spanish_questions_open_with_an_inverted_question_mark(schedule: Schedule) -> None:
    for session_id in SESSIONS:
        for question in _questions(_item(schedule, session_id)):
            assert isinstance(question.text, dict)
            assert question.text["es"].startswith("¿") and question.text["es"].endswith("?"), question.text["es"]
            assert question.text["fr"].endswith(NNBSP + "?"), question.text["fr"]


def test_no_no_break_space_outside_french(raw: Any) -> None:
    for key, text in _all_strings(raw):
        if key != "fr":
            assert NBSP not in text and NNBSP not in text, (key, text)


def test_translations_use_the_uns_official_terms(schedule: Schedule) -> None:
    checked = 0
    for where, text in _participant_texts(schedule):
        assert isinstance(text, dict)
        for english, french, spanish in TERMS:
            if re.search(english, text["en"], re.IGNORECASE):
                checked += 1
                assert re.search(french, text["fr"]), f"{where}: {french!r} missing from {text['fr']!r}"
                assert re.search(spanish, text["es"]), f"{where}: {spanish!r} missing from {text['es']!r}"
    assert checked >= 25
