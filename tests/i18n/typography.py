"""French and Spanish typography as the UN's translators write it, as a checker for rendered texts.

French (Office québécois / UN French style, TERMINOLOGY.md): U+202F (narrow no-break space) before ; ! ?,
U+00A0 before : and inside « », « » as the only quotation marks. Spanish: no space before : ; ! ?, ¿ and
¡ open what ? and ! close, “ ” as the only quotation marks (the UN's Spanish documents). Both: epicene
wording, so no "inscrit(e)", "inscrito/a", "président·e" and no doublets ("toutes et tous").
"""

from __future__ import annotations

import re

NNBSP, NBSP = "\u202f", "\u00a0"

# What is not prose: code spans, URLs, chat commands (q+ q- q?), durations typed as commands (1m, 30s).
_NOT_PROSE = re.compile(r"`[^`]*`|https?://\S+|\bq[+?-]|\{[^}]*\}")

# "inscrit(e)", "Orador(a)", "président(e)s", "modèle(s)": a word with a parenthesised ending.
_PAREN_ENDING = re.compile(r"[^\W\d_]\((?:e|es|s|a|as|x|ne|le|se|trice|rice|ice)\)", re.IGNORECASE)
# "inscrito/a", "conectado/as", "presidente/a", "inscrit/e".
_SLASH_ENDING = re.compile(r"[^\W\d_]/(?:a|as|o|os|e|es)\b", re.IGNORECASE)
_MIDDLE_DOT = re.compile(r"[^\W\d_]·[^\W\d_]")
_DOUBLETS = ("toutes et tous", "toutes et à tous", "celles et ceux", "tous et toutes", "todos y todas", "todas y todos",
             "orateur ou la prochaine oratrice", "orador o la próxima oradora")


def _prose(text: str) -> str:
    return _NOT_PROSE.sub("§", text)


def epicene_problems(text: str) -> list[str]:
    text = _prose(text)
    found = [m.group(0) for pattern in (_PAREN_ENDING, _SLASH_ENDING, _MIDDLE_DOT) for m in pattern.finditer(text)]
    found += [d for d in _DOUBLETS if d in text.lower()]
    return [f"not epicene: {f!r}" for f in found]


def french_problems(text: str) -> list[str]:
    prose = _prose(text)
    problems = []
    for m in re.finditer(r"[;!?]", prose):
        before = prose[m.start() - 1] if m.start() else ""
        if before != NNBSP and before not in "!?§":
            problems.append(f"{m.group(0)!r} needs U+202F before it, has {before!r}")
    for m in re.finditer(r":", prose):
        before = prose[m.start() - 1] if m.start() else ""
        after = prose[m.end()] if m.end() < len(prose) else ""
        if before.isdigit() and after.isdigit():
            continue  # a time or a ratio
        if before != NBSP:
            problems.append(f"':' needs U+00A0 before it, has {before!r}")
    for m in re.finditer("«", prose):
        if prose[m.end():m.end() + 1] != NBSP:
            problems.append("'«' needs U+00A0 after it")
    for m in re.finditer("»", prose):
        if prose[m.start() - 1:m.start()] != NBSP:
            problems.append("'»' needs U+00A0 before it")
    problems += [f"French quotes are « », not {q!r}" for q in ('"', "“", "”") if q in prose]
    if "’" in prose:
        problems.append("French apostrophes are ' throughout, not ’")
    return problems + epicene_problems(text)


def spanish_problems(text: str) -> list[str]:
    prose = _prose(text)
    problems = []
    for m in re.finditer(r"[ \u00a0\u202f][:;!?]", prose):
        problems.append(f"no space before {m.group(0)[-1]!r} in Spanish")
    if prose.count("?") != prose.count("¿"):
        problems.append("every '?' needs its '¿'")
    if prose.count("!") != prose.count("¡"):
        problems.append("every '!' needs its '¡'")
    problems += [f"Spanish quotes are “ ”, not {q!r}" for q in ('"', "«", "»") if q in prose]
    return problems + epicene_problems(text)


def problems(text: str, lang: str) -> list[str]:
    if lang == "fr":
        return french_problems(text)
    if lang == "es":
        return spanish_problems(text)
    return []
