"""Reading an uploaded CSV or XLSX into tables of text, as the spreadsheet shows them.

Every sheet of a workbook is read (a volunteer's data is often on sheet 2), merged cells are
filled with their value, and row numbers stay those the spreadsheet shows: row 1 of a table
is the file's first line, empty lines included. CSV files are decoded whatever Excel saved
them as (UTF-8 with or without BOM, UTF-16, cp1250 for Polish, cp1251 for Cyrillic).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200

# The encodings a CSV from Excel comes in when it is not UTF-8: Central European Windows
# (cp1250: Polish, German, Czech) and Cyrillic Windows (cp1251). Offering charset-normalizer
# cp1252 or cp1257 as well made it read Polish text as Western (“Pawe³”): their letters
# overlap too much for short sheets, so Lithuanian cp1257 files need saving as UTF-8.
LEGACY_ENCODINGS = ["cp1250", "cp1251"]

# The first bytes of files people upload by mistake instead of a table.
_NOT_TABLES = [
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"RIFF",  # WEBP
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
]
_OLE = b"\xd0\xcf\x11\xe0"  # old Excel .xls or Word .doc
_ZIP = b"PK\x03\x04"


class UnreadableFile(ValueError):
    pass


@dataclass
class Table:
    """One sheet: its name and its rows of text; `rows[i]` is the spreadsheet's row i + 1."""

    name: str
    rows: list[list[str]]

    @property
    def filled(self) -> int:
        return sum(1 for r in self.rows if any(r))


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


def not_a_table() -> UnreadableFile:
    return UnreadableFile(
        _("This file is not a table. Upload the spreadsheet itself, saved as CSV or XLSX.")
    )


def decode(data: bytes) -> str:
    """The text of a CSV, whichever encoding Excel or LibreOffice wrote it in."""
    for bom, encoding in [
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ]:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise not_a_table() from exc
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without its mark: every other byte of Latin text is zero.
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise not_a_table() from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise not_a_table()
    return str(best)


def _csv(data: bytes) -> list[Table]:
    text = decode(data)
    if "\x00" in text or sum(ch < " " and ch not in "\t\r\n" for ch in text[:5000]) > 5:
        raise not_a_table()
    sample = text[:5000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ";,\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise not_a_table() from exc
    return [Table("CSV", rows)]


def _xlsx(data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        # Not read-only: merged ranges are known only to a fully loaded sheet.
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableFile(_("This is not an XLSX file we can open.")) from exc
    tables = []
    for sheet in book.worksheets:
        if sheet.max_row > MAX_ROWS + 100:
            raise too_many_rows()
        rows = [[_cell(v) for v in row[:MAX_COLUMNS]] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top = (
                rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
            )
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, MAX_COLUMNS)):
                    if c < len(rows[r]):
                        rows[r][c] = top
        tables.append(Table(sheet.title, rows))
    book.close()
    return tables


def too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        ngettext(
            "The file has more than %(max)s row; split it into parts.",
            "The file has more than %(max)s rows; split it into parts.",
            MAX_ROWS,
        )
        % {"max": MAX_ROWS}
    )


def read_tables(name: str, data: bytes) -> list[Table]:
    """Every sheet of the file, rows padded to one width and trailing empty rows dropped.
    Raises UnreadableFile, with a message for the person uploading, for anything else."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB; split it into parts."))
    lower = name.lower()
    if data.startswith(tuple(_NOT_TABLES)):
        raise not_a_table()
    if data.startswith(_OLE):
        raise UnreadableFile(_("This is an old Excel (.xls) file: save it as XLSX or CSV."))
    if data.startswith(_ZIP) or lower.endswith(".xlsx"):
        tables = _xlsx(data)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        tables = _csv(data)
    else:
        raise UnreadableFile(_("Upload a CSV or XLSX file (save other formats as one of them)."))
    for table in tables:
        while table.rows and not any(table.rows[-1]):
            table.rows.pop()
        width = max((len(r) for r in table.rows), default=0)
        table.rows = [r + [""] * (width - len(r)) for r in table.rows]
        if len(table.rows) > MAX_ROWS + 100:
            raise too_many_rows()
    if not any(t.filled >= 2 and max(sum(1 for c in r if c) for r in t.rows) >= 2 for t in tables):
        raise UnreadableFile(_("The file needs a header row and at least one row of data."))
    return tables
