"""Pre-translation for organizers: fill the missing languages of a schedule's titles, summaries and
guiding questions with the configured translator, into a COPY for human review.

Round-trip YAML (ruamel) keeps the organizer's comments, order and quoting. A human translation is
never overwritten; each machine-filled entry gets a `# machine-translated: review` comment so a
reviewer can find them all (and remove the comment once checked). A plain string (one text shown to
everyone) is left alone: it has no language to translate from or into.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.app.ports.translation import LANGS, Lang, SourceText, Translator
from bot.i18n import catalog as i18n

MACHINE_MARK = "machine-translated: review"
SOURCE_PREFERENCE: tuple[Lang, ...] = ("en", "fr", "es")


class PrefillError(ValueError):
    """The file cannot be pre-translated (unreadable, or the output would overwrite the input)."""


@dataclass(frozen=True)
class PrefillReport:
    filled: int
    kept: int  # human translations present in the languages we would have filled
    failed: int


def _text_maps(data: Any) -> Iterator[tuple[CommentedMap, list[Any]]]:
    """Every localized text map under titles, summaries and guiding questions, with the flow-style
    collections that contain it (they must turn block style to hold a comment)."""

    def localized(node: Any, parents: list[Any]) -> Iterator[tuple[CommentedMap, list[Any]]]:
        if isinstance(node, CommentedMap) and node and all(str(k) in LANGS for k in node):
            yield node, parents

    if not isinstance(data, CommentedMap):
        return
    event = data.get("event")
    if isinstance(event, CommentedMap):
        for key in ("title", "subtitle", "description"):
            yield from localized(event.get(key), [])
    for day in data.get("days") or []:
        for item in day.get("items") or [] if isinstance(day, CommentedMap) else []:
            if not isinstance(item, CommentedMap):
                continue
            for key in ("title", "summary"):
                yield from localized(item.get(key), [])
            discussion = item.get("discussion")
            questions = discussion.get("questions") if isinstance(discussion, CommentedMap) else None
            for question in questions if isinstance(questions, CommentedSeq) else []:
                yield from localized(question, [questions])
                if isinstance(question, CommentedMap) and "text" in question:
                    yield from localized(question.get("text"), [questions, question])
                    points = question.get("points")
                    for point in points if isinstance(points, CommentedSeq) else []:
                        yield from localized(point, [questions, question, points])


def _missing(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the organizer's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)  # the style of schedules/*.yaml
    return yaml


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _read(source: Path) -> Any:
    try:
        return _yaml().load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise PrefillError(f"{source}: {error.strerror}") from error


def _write(data: Any, out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        _yaml().dump(data, handle)


async def prefill(
    source: Path, out: Path, translator: Translator, languages: Sequence[Lang] | None = None
) -> PrefillReport:
    if _same_file(source, out):
        raise PrefillError(f"{out}: refusing to overwrite the input; write the copy elsewhere")
    data = _read(source)
    if languages is None:
        declared = (data.get("event") or {}).get("languages") if isinstance(data, CommentedMap) else None
        languages = [lang for lang in LANGS if not declared or lang in declared]

    work: dict[Lang, list[tuple[CommentedMap, SourceText]]] = {}
    kept = 0
    parents_of: dict[int, list[Any]] = {}
    for text_map, parents in _text_maps(data):
        parents_of[id(text_map)] = parents
        origin = next((lang for lang in SOURCE_PREFERENCE if not _missing(text_map.get(lang))), None)
        if origin is None:
            continue
        for lang in languages:
            if lang == origin:
                continue
            if _missing(text_map.get(lang)):
                work.setdefault(lang, []).append((text_map, SourceText(str(text_map[origin]), origin)))
            else:
                kept += 1

    filled = failed = 0
    for target, entries in work.items():
        results = await translator.translate([source for _, source in entries], target)
        for (text_map, _), result in zip(entries, results, strict=True):
            if not result.translated:
                failed += 1
                continue
            for node in [*parents_of[id(text_map)], text_map]:
                node.fa.set_block_style()  # a comment cannot sit inside a flow collection
            text_map[target] = result.text
            text_map.yaml_add_eol_comment(MACHINE_MARK, target)
            filled += 1

    _write(data, out)
    return PrefillReport(filled=filled, kept=kept, failed=failed)


def default_out(source: Path) -> Path:
    return source.with_name(f"{source.stem}.translated{source.suffix or '.yaml'}")


async def run_prefill_command(source: Path, out: Path | None, stdout: TextIO, stderr: TextIO) -> int:
    """`floorbot translate FILE [--out FILE]`: 0 done, 1 wrong input or no translator, 2 usage error."""
    from bot.adapters.translation.factory import translator_from_settings
    from bot.adapters.translation.glossary import GlossaryError, load_glossary
    from bot.adapters.translation.none import NoTranslator
    from bot.app.ports.translation import TranslatorError
    from bot.config.settings import load_settings
    from bot.i18n.catalog import render

    target = out or default_out(source)
    if _same_file(target, source):
        print(f"{target}: {i18n.render('translate.cli.no_overwrite', 'en')}", file=stderr)
        return 2
    try:
        glossary = load_glossary(source)
    except (OSError, GlossaryError) as error:
        print(f"{source}: {error}", file=stderr)
        return 1
    translator = translator_from_settings(load_settings(), glossary=glossary)
    try:
        if isinstance(translator, NoTranslator):
            print(render("translate.cli.no_backend", "en"), file=stderr)
            return 1
        await translator.start()
        print(render("translate.cli.backend", "en", backend=translator.describe()), file=stdout)
        report = await prefill(source, target, translator)
    except (PrefillError, TranslatorError) as error:
        print(f"{source}: {error}", file=stderr)
        return 1
    except YAMLError as error:
        print(f"{source}: {error}", file=stderr)
        return 1
    finally:
        await translator.aclose()
    print(render("translate.cli.done", "en", filled=report.filled, out=target, marker=MACHINE_MARK,
                 kept=report.kept), file=stdout)
    if report.failed:
        print(render("translate.cli.failed", "en", failed=report.failed), file=stderr)
    return 0
