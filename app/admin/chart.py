"""A small horizontal bar chart as a self-contained SVG string, for the statistics page.

Served by us (no third-party requests), with no script and no style attribute (the
Content-Security-Policy's style-src 'self' forbids inline styles); colours come from
presentation attributes and `currentColor`. It is an image with a title and a text description
that lists every value, so a screen reader gets the numbers the bars show. A hidden count
(`None`: below 5) is drawn as an empty dashed outline labelled "<5", as long as a bar of 5 would
be, so its length gives nothing away.

Each label stands on its own line above its bar, so no label, however long or however it is
translated, can run into a bar; the chart is made wide enough for the longest label (estimated
generously at `CHARACTER_WIDTH` per character of the font size).
"""

from xml.sax.saxutils import escape

from stats.monthly import SUPPRESSED, THRESHOLD

FONT_SIZE = 14
#: An upper bound of a sans-serif character's width, as a share of the font size.
CHARACTER_WIDTH = 0.62
BAR_WIDTH = 300
VALUE_WIDTH = 60
LABEL_HEIGHT = 18  # the label's line, above the bar
BAR_HEIGHT = 18
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 10
TITLE_HEIGHT = 30


def bar_chart_svg(pairs: list[tuple[str, int | None]], title: str) -> str:
    """One bar per (label, count) pair, in the given order; `None` is a hidden count."""
    top = max([THRESHOLD, *(value for _label, value in pairs if value is not None)])
    width = max([BAR_WIDTH + VALUE_WIDTH, *(label_width(label) for label, _value in [(title, 0), *pairs])])
    height = TITLE_HEIGHT + ROW_HEIGHT * len(pairs)
    description = "; ".join(f"{label}: {_shown(value)}" for label, value in pairs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" font-family="sans-serif" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        f'<text x="0" y="20" font-weight="bold" fill="currentColor">{escape(title)}</text>',
    ]
    for row, (label, value) in enumerate(pairs):
        y = TITLE_HEIGHT + row * ROW_HEIGHT
        bar_y = y + LABEL_HEIGHT
        bar = round(BAR_WIDTH * (THRESHOLD if value is None else value) / top)
        fill = 'fill="none" stroke="currentColor" stroke-dasharray="4 3"' if value is None else 'fill="currentColor"'
        parts += [
            f'<text x="0" y="{bar_y - 4}" fill="currentColor">{escape(label)}</text>',
            f'<rect x="0" y="{bar_y}" width="{bar}" height="{BAR_HEIGHT}" {fill}/>',
            f'<text x="{bar + 6}" y="{bar_y + 14}" fill="currentColor">{escape(_shown(value))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def label_width(text: str) -> int:
    """A generous estimate of the width `text` takes in the chart's font."""
    return round(len(text) * FONT_SIZE * CHARACTER_WIDTH)


def _shown(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)
