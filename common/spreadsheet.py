"""CSV files that a spreadsheet opens safely: one writer for every CSV Indgang hands out.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula, which can fetch from the network or run commands (OWASP "CSV
injection"). Every text cell that begins so gets a leading `'`, which spreadsheets show as text.
Numbers are written as they are.
"""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell):
    """`cell`, with a `'` in front when it is text a spreadsheet would run as a formula."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


class SpreadsheetCsv:
    """Semicolon-separated rows with CRLF line ends (what Danish spreadsheets open as they are),
    every cell neutralised; `text()` is the file."""

    def __init__(self):
        self._out = io.StringIO()
        self._writer = csv.writer(self._out, delimiter=";", lineterminator="\r\n")

    def writerow(self, row) -> None:
        self._writer.writerow([neutralised(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)

    def text(self) -> str:
        return self._out.getvalue()
