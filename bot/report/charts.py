"""SVG bar charts for the report: accessible (role=img, a title), no scripts, no external assets.

Built as markup (Markup) so the HTML template embeds it as it is; every label in it is escaped here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from markupsafe import Markup, escape

from bot.report.view import hms


def bar_chart_svg(bars: Sequence[tuple[str, timedelta]], title: str) -> Markup:
    """One horizontal bar per (label, time), the longest bar full width."""
    # Labels are right-aligned before the bars: size the margin for the longest one (about 7 px a character
    # at 13 px) so names such as "Instituciones nacionales de derechos humanos" are never clipped.
    longest = max((len(label) for label, _ in bars), default=10)
    bar_height, gap = 22, 8
    label_width = int(16 + 7.2 * longest)
    width = label_width + 340
    height = max(1, len(bars)) * (bar_height + gap) + gap
    top = max((v.total_seconds() for _, v in bars), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for n, (label, value) in enumerate(bars):
        y = gap + n * (bar_height + gap)
        length = (width - label_width - 70) * value.total_seconds() / top
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.0f}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#1f5f99"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.0f}" font-size="13">'
            f"{hms(value)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped or a number
