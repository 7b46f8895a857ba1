"""The report written out: Markdown and HTML (from one `View` in the reader's language), CSV and JSON (the
language-neutral record, bot/report/tables.py). Columns and values are documented in docs/report.md."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.report.charts import bar_chart_svg
from bot.report.model import Report
from bot.report.tables import attendance_csv, inputs_csv, to_csv, to_json
from bot.report.view import GroupNamer, Section, Table, View, report_view

__all__ = ["bar_chart_svg", "to_csv", "to_html", "to_json", "to_markdown", "write_report"]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in table.heads) + " |", "|" + "---|" * len(table.heads)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return lines + [""]


def _md_section(view: View, section: Section, level: str) -> list[str]:
    lines = [f"{level} {section.heading}", ""]
    if section.facts:
        lines += [section.facts, ""]
    lines += [section.totals_line, "", section.requests_line, ""]
    if section.rows is not None:
        lines += _md_table(section.rows)
    for label, table in (("by_group", section.by_group), ("by_language", section.by_language),
                         ("by_kind", section.by_kind), ("budgets", section.budgets)):
        if table is not None and table.rows:
            lines += [f"{level}# {view.labels[label]}", ""] + _md_table(table)
    return lines


def to_markdown(report: Report, lang: str, zone: tzinfo, group_name: GroupNamer) -> str:
    view = report_view(report, lang, zone, group_name)
    lines = [f"# {view.title}", ""] + _md_section(view, view.event, "##")
    for section in view.sessions:
        lines += _md_section(view, section, "##")
    lines += [f"## {view.labels['inputs']}", "", view.inputs_line, ""]
    for table in (view.inputs_by_group, view.inputs_by_language, view.inputs):
        if table is not None:
            lines += _md_table(table)
    lines += [f"## {view.cues_heading}", "", view.cues_line, ""] + [f"- {note}" for note in view.cue_notes]
    if view.attendance is not None:
        lines += ["", f"## {view.labels['attendance']}", ""] + _md_table(view.attendance)
    return "\n".join(lines).rstrip() + "\n"


_ENV = Environment(loader=PackageLoader("bot.report", "templates"), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def to_html(report: Report, lang: str, zone: tzinfo, group_name: GroupNamer) -> str:
    view = report_view(report, lang, zone, group_name)
    return _ENV.get_template("report.html.j2").render(view=view, chart=bar_chart_svg)


def write_report(report: Report, out: Path, lang: str, zone: tzinfo, group_name: GroupNamer) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "report.md": to_markdown(report, lang, zone, group_name),
        "interventions.csv": to_csv(report, zone),
        "report.json": to_json(report, zone),
        "report.html": to_html(report, lang, zone, group_name),
    }
    if report.attendance:
        files["attendance.csv"] = attendance_csv(report, zone)
    if report.inputs:
        files["inputs.csv"] = inputs_csv(report, zone)
    written = []
    for name, content in files.items():
        path = out / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
