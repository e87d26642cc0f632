"""Reading an uploaded CSV or XLSX into a header row and rows of text."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class UnreadableFile(ValueError):
    pass


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:5000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ";,\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(_("This is not an XLSX file we can open.")) from exc
    sheet = book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header row and the non-empty rows below it, every cell as text."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB; split it into parts."))
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows = _xlsx(data)
    elif lower.endswith((".csv", ".txt")):
        rows = _csv(data)
    else:
        raise UnreadableFile(_("Upload a CSV or XLSX file (save other formats as one of them)."))
    rows = [r for r in rows if any(c for c in r)]
    if len(rows) < 2:
        raise UnreadableFile(_("The file needs a header row and at least one row of data."))
    if len(rows) > MAX_ROWS + 1:
        raise UnreadableFile(
            _("The file has more than %(max)d rows; split it into parts.") % {"max": MAX_ROWS}
        )
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return rows[0], rows[1:]
