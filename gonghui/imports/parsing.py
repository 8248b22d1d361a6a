"""Reading an uploaded roster or census file into header + rows, refusing what we cannot read.

The type is decided by content, never by the file name: an .xlsx is a zip holding an Excel
workbook (read with python-calamine); anything else must decode as UTF-8 (with or without BOM)
or GB18030 text and is read as CSV. Row numbers are the spreadsheet's own (header = row 1 when
it sits on the first line), so a cadre can find a reported row in Excel.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

XLSX, CSV = "xlsx", "csv"
# A workbook may expand about tenfold when unzipped; beyond this it is a zip bomb, not a roster.
UNZIP_FACTOR = 20


@dataclass(frozen=True)
class Column:
    """A column the importer understands: the template header (Chinese) and accepted aliases."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def names(self) -> set[str]:
        return {normalise_header(n) for n in (self.header, self.field, *self.aliases)}


@dataclass
class Table:
    kind: str  # XLSX or CSV
    headers: list[str]  # as written in the file
    columns: dict[str, int]  # field -> index into a row
    rows: list[list] = field(repr=False)  # data rows, raw cells
    first_row: int = 2  # spreadsheet row number of rows[0]

    def header_of(self, field_name: str) -> str:
        return self.headers[self.columns[field_name]]


_HEADER_NOISE = re.compile(r"[（(][^)）]*[)）]|[\s*＊:：]")


def normalise_header(text) -> str:
    """'身份证号（必填）*' and ' Resident ID ' both reduce to a comparable key."""
    return _HEADER_NOISE.sub("", str(text or "")).lower().replace("_", "")


def english(label) -> str:
    """A choice label in English (its msgid), whatever language is active when an importer module is
    first imported: what a file may say must not depend on who imported it first."""
    with translation.override("en"):
        return str(label)


def cell_text(value) -> str:
    """A cell as the text a person typed (numbers without a spurious '.0')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _refuse(message: str):
    raise ValidationError({"file": message})


def sniff(path: Path) -> str:
    """XLSX or CSV, decided from the bytes; anything else is refused with a message."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        _refuse(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                unpacked = sum(info.file_size for info in zf.infolist())
        except zipfile.BadZipFile:
            _refuse(_("The Excel workbook cannot be read; it may be damaged. Open it in Excel and save it again."))
        if "xl/workbook.xml" not in names:
            _refuse(_("This file is not an Excel workbook (.xlsx); please upload the filled-in template."))
        limit = settings.IMPORT_MAX_BYTES * UNZIP_FACTOR
        if unpacked > limit:
            _refuse(_("The workbook unpacks to more than %(limit)d MB; please split it into smaller files.")
                    % {"limit": limit // (1024 * 1024)})
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(_("Old Excel .xls workbooks cannot be read; please save the file as an Excel workbook (.xlsx)."))
    return CSV


def decode_text(data: bytes) -> str:
    """UTF-8 (Excel's "CSV UTF-8" adds a BOM) or GB18030 (Excel's default CSV on Chinese Windows)."""
    if b"\x00" in data:  # binary, or UTF-16 text
        _refuse(_("Please upload an Excel workbook (.xlsx) or a CSV text file saved as UTF-8 or GB18030; "
                  "this file is neither."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    _refuse(_("Please upload an Excel workbook (.xlsx) or a CSV text file saved as UTF-8 or GB18030; "
              "this file is neither."))


def _xlsx_rows(path: Path) -> list[list]:
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            # Keep empty leading rows and columns so indexes are the spreadsheet's own.
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OverflowError):  # whatever the reader chokes on is a damaged file
        _refuse(_("The Excel workbook cannot be read; it may be damaged. Open it in Excel and save it again."))


def _csv_rows(path: Path) -> list[list]:
    text = decode_text(Path(path).read_bytes())
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        _refuse(_("The CSV file cannot be read; please save it again from Excel as CSV."))


def is_blank(row: list) -> bool:
    # any() settles almost every row; only all-falsy rows (zeros, blanks) need a closer look.
    return not any(row) and all(c == "" or c is None for c in row)


def _map_header(rows: list[list], columns: tuple[Column, ...]) -> tuple[int, list[str], dict[str, int]]:
    """Find the header row (the first non-blank one) and map each column to its index, or refuse."""
    start = next((i for i, row in enumerate(rows) if not is_blank(row)), None)
    if start is None:
        _refuse(_("The file has no rows; the first row must hold the column headers."))
    headers = [cell_text(c) for c in rows[start]]
    keys = [normalise_header(h) for h in headers]
    mapping: dict[str, int] = {}
    problems = []
    for column in columns:
        names = column.names()
        found = [i for i, key in enumerate(keys) if key in names]
        if len(found) > 1:
            problems.append(_("The column “%(column)s” appears more than once.") % {"column": column.header})
        elif found:
            mapping[column.field] = found[0]
        elif column.required:
            problems.append(_("The file has no column “%(column)s”; the first row must hold the column headers "
                              "of the template.") % {"column": column.header})
    if problems:
        raise ValidationError({"file": problems})
    if all(is_blank(row) for row in rows[start + 1:]):
        _refuse(_("The file has column headers but no data rows."))
    return start, headers, mapping


def read_table(path: Path, columns: tuple[Column, ...]) -> Table:
    """Read the whole file and map its header row; refuses the file (ValidationError on 'file')
    when a required column is missing or repeated, or when there are no data rows."""
    kind = sniff(path)
    rows = _xlsx_rows(path) if kind == XLSX else _csv_rows(path)
    start, headers, mapping = _map_header(rows, columns)
    return Table(kind=kind, headers=headers, columns=mapping, rows=rows[start + 1:], first_row=start + 2)


def check_file(path: Path, columns: tuple[Column, ...]) -> str:
    """The upload check: type, encoding and header, without reading a whole workbook twice.

    For an .xlsx only the first rows are read (see `xlsx_head`); the import itself reads the rest.
    """
    kind = sniff(path)
    rows = (xlsx_head(path) or _xlsx_rows(path)) if kind == XLSX else _csv_rows(path)
    _map_header(rows, columns)
    return kind


# ElementTree on Expat >= 2.4 refuses entity expansion bombs and never fetches external entities,
# and the zip was size-checked by `sniff`; hence the S314 waivers below.
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_COL_RE = re.compile(r"^([A-Z]+)(\d+)$")


def _first_sheet(zf: zipfile.ZipFile) -> str:
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
    rid = book.find(f"{_MAIN}sheets/{_MAIN}sheet").get(_REL)
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _text(element) -> str:
    """The text of an <si> or <is>: one <t>, or rich-text runs <r><t>; phonetic guides (<rPh>) are skipped."""
    direct = element.find(f"{_MAIN}t")
    if direct is not None:
        return direct.text or ""
    return "".join(t.text or "" for run in element.findall(f"{_MAIN}r") for t in run.findall(f"{_MAIN}t"))


def xlsx_head(path: Path, wanted: int = 2) -> list[list] | None:
    """The first `wanted` non-blank rows of the first sheet, by streaming its XML, or None when the
    workbook is laid out in a way this short reader does not follow (the caller reads it all)."""
    try:
        with zipfile.ZipFile(path) as zf:
            rows: list[list] = []
            shared: dict[int, int] = {}  # shared-string index -> how many cells use it (resolved below)
            found = 0
            with zf.open(_first_sheet(zf)) as fh:
                for _event, el in ElementTree.iterparse(fh):  # noqa: S314
                    if el.tag != f"{_MAIN}row":
                        continue
                    index = int(el.get("r") or len(rows) + 1) - 1
                    rows.extend([] for _ in range(index + 1 - len(rows)))
                    cells: list = []
                    for c in el.iter(f"{_MAIN}c"):
                        col = _column_index(c.get("r"), len(cells))
                        cells.extend("" for _ in range(col + 1 - len(cells)))
                        kind, v = c.get("t"), c.find(f"{_MAIN}v")
                        if kind == "inlineStr":
                            inline = c.find(f"{_MAIN}is")
                            cells[col] = _text(inline) if inline is not None else ""
                        elif kind == "s" and v is not None:
                            cells[col] = int(v.text)
                            shared[int(v.text)] = 1
                        elif v is not None and v.text:
                            cells[col] = v.text if kind in ("str", "e", "d") else float(v.text)
                    el.clear()
                    rows[index] = cells
                    found += any(cell != "" for cell in cells)
                    if found >= wanted:
                        break
            strings = _shared_strings(zf, max(shared) + 1) if shared else []
        for row in rows:
            for i, cell in enumerate(row):
                if isinstance(cell, int):
                    row[i] = strings[cell]
        return rows
    except (KeyError, IndexError, ValueError, StopIteration, AttributeError, ElementTree.ParseError,
            zipfile.BadZipFile):
        return None


def _column_index(ref: str | None, default: int) -> int:
    match = _COL_RE.match(ref or "")
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - 64
    return index - 1


def _shared_strings(zf: zipfile.ZipFile, count: int) -> list[str]:
    strings: list[str] = []
    with zf.open("xl/sharedStrings.xml") as fh:
        for _event, el in ElementTree.iterparse(fh):  # noqa: S314
            if el.tag == f"{_MAIN}si":
                strings.append(_text(el))
                el.clear()
                if len(strings) >= count:
                    break
    return strings
