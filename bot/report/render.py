"""The report as Markdown, CSV and HTML (with an SVG bar chart of speaking time per stakeholder group).

Headings come from prompts/<lang>/report.yaml; names of groups come from the schedule via `group_name`.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Mapping
from datetime import timedelta, tzinfo
from pathlib import Path

from bot.i18n.catalog import render
from bot.report.model import REQUEST_STATUSES, DiscussionReport, Report

GroupNamer = Callable[[str], str]


def _mmss(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


def _translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        return render(f"report.{key}", lang, **values)

    return t


def _requests_line(d: DiscussionReport, lang: str) -> str:
    counts = {k: d.requests.get(k, 0) for k in REQUEST_STATUSES}
    return render("report.requests_line", lang, **counts, questions=d.questions_posted)


def _cues_line(report: Report, lang: str) -> str:
    counts = {k: report.cue_counts.get(k, 0) for k in ("posted", "late", "missed", "pending")}
    return render("report.cues_line", lang, **counts)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report, lang: str, zone: tzinfo, group_name: GroupNamer) -> str:
    t = _translator(lang)
    lines = [f"# {t('title', event=report.event_title)}", ""]
    for d in report.discussions:
        lines += [f"## {d.title}", ""]
        lines.append(_requests_line(d, lang))
        lines.append("")
        if d.interventions:
            head = [t(f"col.{c}") for c in ("time", "speaker", "group", "language", "kind", "duration")]
            lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            for i in d.interventions:
                row = [
                    i.start.astimezone(zone).strftime("%H:%M:%S"),
                    _md_cell(i.name),
                    _md_cell(group_name(i.group)),
                    i.language,
                    t(f"kind.{i.kind.value}"),
                    _mmss(i.duration),
                ]
                lines.append("| " + " | ".join(row) + " |")
            lines += ["", f"### {t('time_by_group')}", ""]
            lines += [f"| {t('col.group')} | {t('col.turns')} | {t('col.duration')} |", "|---|---|---|"]
            for group, spent in d.time_by_group.items():
                lines.append(f"| {_md_cell(group_name(group))} | {d.turns_by_group.get(group, 0)} | {_mmss(spent)} |")
        else:
            lines.append(t("no_interventions"))
        lines.append("")
    lines += [f"## {t('cues_heading')}", ""]
    lines.append(_cues_line(report, lang))
    lines.append("")
    for line in report.cues:
        if line.state in ("late", "missed"):
            lines.append("- " + t("cue_state_line", state=t("state." + line.state), cue=line.cue_id,
                                  at=f"{line.at.astimezone(zone):%Y-%m-%d %H:%M}"))
    if report.attendance:
        head = [t(f"col.{c}") for c in ("meeting", "participant", "minutes", "first_join", "last_leave")]
        lines += ["", f"## {t('attendance_heading')}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for a in report.attendance:
            lines.append(f"| {_md_cell(a.meeting)} | {_md_cell(a.name)} | {a.minutes} | "
                         f"{a.first_join.astimezone(zone):%H:%M} | {a.last_leave.astimezone(zone):%H:%M} |")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(report: Report, zone: tzinfo) -> str:
    """One row per intervention: machine-readable, language-neutral column names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["discussion", "person", "name", "group", "language", "kind", "source", "start", "end",
                     "duration_seconds"])
    for d in report.discussions:
        for i in d.interventions:
            writer.writerow([
                d.discussion, i.person, i.name, i.group, i.language, i.kind.value, i.source.value,
                i.start.astimezone(zone).isoformat(), i.end.astimezone(zone).isoformat(),
                int(i.duration.total_seconds()),
            ])
    return out.getvalue()


def attendance_csv(report: Report, zone: tzinfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["meeting", "person", "name", "minutes", "first_join", "last_leave"])
    for a in report.attendance:
        writer.writerow([a.meeting, a.person, a.name, a.minutes, a.first_join.astimezone(zone).isoformat(),
                         a.last_leave.astimezone(zone).isoformat()])
    return out.getvalue()


def bar_chart_svg(values: Mapping[str, timedelta], label: GroupNamer, title: str) -> str:
    """A horizontal bar chart, accessible (role=img, title), no scripts, no external assets."""
    rows = list(values.items())
    # Labels are right-aligned before the bars: size the margin for the longest one (about 7 px a character
    # at 13 px) so names such as "Instituciones nacionales de derechos humanos" are never clipped.
    longest = max((len(label(key)) for key, _ in rows), default=10)
    bar_height, gap = 22, 8
    label_width = int(16 + 7.2 * longest)
    width = label_width + 340
    height = max(1, len(rows)) * (bar_height + gap) + gap
    top = max((v.total_seconds() for _, v in rows), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{html.escape(title)}</title>'
    ]
    for n, (key, value) in enumerate(rows):
        y = gap + n * (bar_height + gap)
        length = (width - label_width - 70) * value.total_seconds() / top
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.0f}" text-anchor="end" font-size="13">'
            f"{html.escape(label(key))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#1f5f99"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.0f}" font-size="13">'
            f"{_mmss(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def to_html(report: Report, lang: str, zone: tzinfo, group_name: GroupNamer) -> str:
    t = _translator(lang)
    e = html.escape
    body = [f"<h1>{e(t('title', event=report.event_title))}</h1>"]
    for d in report.discussions:
        body.append(f"<section><h2>{e(d.title)}</h2>")
        body.append(f"<p>{e(_requests_line(d, lang))}</p>")
        if d.interventions:
            cols = ("time", "speaker", "group", "language", "kind", "duration")
            body.append("<table><thead><tr>" + "".join(f"<th scope='col'>{e(t('col.' + c))}</th>" for c in cols)
                        + "</tr></thead><tbody>")
            for i in d.interventions:
                cells = [i.start.astimezone(zone).strftime("%H:%M:%S"), i.name, group_name(i.group), i.language,
                         t(f"kind.{i.kind.value}"), _mmss(i.duration)]
                body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
            body.append("</tbody></table>")
            body.append(f"<h3>{e(t('time_by_group'))}</h3>")
            body.append(bar_chart_svg(d.time_by_group, group_name, t("time_by_group") + " — " + d.title))
        else:
            body.append(f"<p>{e(t('no_interventions'))}</p>")
        body.append("</section>")
    body.append(f"<h2>{e(t('cues_heading'))}</h2>")
    body.append(f"<p>{e(_cues_line(report, lang))}</p>")
    if report.attendance:
        heads = ("meeting", "participant", "minutes", "first_join", "last_leave")
        body.append(f"<h2>{e(t('attendance_heading'))}</h2><table><thead><tr>"
                    + "".join(f"<th scope='col'>{e(t('col.' + c))}</th>" for c in heads) + "</tr></thead><tbody>")
        for a in report.attendance:
            cells = [a.meeting, a.name, str(a.minutes), f"{a.first_join.astimezone(zone):%H:%M}",
                     f"{a.last_leave.astimezone(zone):%H:%M}"]
            body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        body.append("</tbody></table>")
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;"
        "text-align:left}th{background:#eef3f8}svg{max-width:100%;height:auto}"
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(t('title', event=report.event_title))}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def write_report(report: Report, out: Path, lang: str, zone: tzinfo, group_name: GroupNamer) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "report.md": to_markdown(report, lang, zone, group_name),
        "interventions.csv": to_csv(report, zone),
        "report.html": to_html(report, lang, zone, group_name),
    }
    if report.attendance:
        files["attendance.csv"] = attendance_csv(report, zone)
    written = []
    for name, content in files.items():
        path = out / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
