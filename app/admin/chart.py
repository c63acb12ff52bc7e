"""A small horizontal bar chart as a self-contained SVG string, for the statistics page.

Served by us (no third-party requests), with no script and no style attribute (the
Content-Security-Policy's style-src 'self' forbids inline styles); colours come from
presentation attributes and `currentColor`. It is an image with a title and a text description
that lists every value, so a screen reader gets the numbers the bars show. A hidden count
(`None`: below 5) is drawn as an empty dashed outline labelled "<5", as long as a bar of 5 would
be, so its length gives nothing away.
"""

from xml.sax.saxutils import escape

from stats.monthly import SUPPRESSED, THRESHOLD

LABEL_WIDTH = 220
BAR_WIDTH = 300
VALUE_WIDTH = 60
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TITLE_HEIGHT = 30


def bar_chart_svg(pairs: list[tuple[str, int | None]], title: str) -> str:
    """One bar per (label, count) pair, in the given order; `None` is a hidden count."""
    top = max([THRESHOLD, *(value for _label, value in pairs if value is not None)])
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TITLE_HEIGHT + ROW_HEIGHT * len(pairs)
    description = "; ".join(f"{label}: {_shown(value)}" for label, value in pairs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" font-family="sans-serif" font-size="14">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        f'<text x="0" y="20" font-weight="bold" fill="currentColor">{escape(title)}</text>',
    ]
    for row, (label, value) in enumerate(pairs):
        y = TITLE_HEIGHT + row * ROW_HEIGHT
        bar = round(BAR_WIDTH * (THRESHOLD if value is None else value) / top)
        fill = 'fill="none" stroke="currentColor" stroke-dasharray="4 3"' if value is None else 'fill="currentColor"'
        parts += [
            f'<text x="0" y="{y + 14}" fill="currentColor">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" {fill}/>',
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 14}" fill="currentColor">{escape(_shown(value))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _shown(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)
