"""Excel exports written safely: a cell a person typed (an applicant's name, a document number) is always text.

A value starting with = + - @ (or a tab or carriage return) is a formula to Excel and LibreOffice: an applicant
registered as `=HYPERLINK("http://…","点击")` would become a live link, or worse, in the office's export (CSV/
formula injection, OWASP). Every row of every export goes through `append_row`, which stores such a value as a
string with Excel's quote prefix, so it stays text even when the cell is edited."""
from __future__ import annotations

import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def append_row(ws, values) -> None:
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def workbook_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
