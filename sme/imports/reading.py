"""Reading an uploaded sheet safely: size, type by content, zip-bomb checks, then raw rows by column key.

Nothing here touches the database. Every refusal is a FileRejected with problems the owner can act on.
.xlsx is streamed by our reader (xlsx.py), .xls and .ods by python-calamine once their used area is bounded
(calamine_read.py), .csv by the standard library. Every reader keeps only the columns the importer maps
(after the header is found), and every row after the header counts against the row limit, empty or not.
"""

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings

from sme.catalog.text import text_clean, text_fold

from .calamine_read import ODS_MIMETYPE, CalamineSheet, SheetUnreadable, ods_used_area, xls_used_area
from .columns import COLUMNS, COLUMNS_BY_KEY, REQUIRED_KEYS, column_letter, header_lookup
from .problems import FileRejected, Problem
from .xlsx import ColumnWindow, XlsxError, XlsxSheet

MAX_FILE_BYTES = getattr(settings, "IMPORTS_MAX_FILE_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORTS_MAX_ROWS", 50_000)
MAX_ZIP_BYTES = getattr(settings, "IMPORTS_MAX_ZIP_BYTES", 200 * 1024 * 1024)
MAX_ZIP_FILES = 5_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # whole archive, unpacked
MAX_MEMBER_BYTES = 60 * 1024 * 1024  # one member (an xlsx part or a photo), unpacked
MAX_RATIO = 200  # unpacked / packed for any member bigger than 1 MB, and for the whole archive
HEADER_SCAN_ROWS = 5
HEADER_SCAN_COLUMNS = 100  # the header is looked for in the first 100 columns
# calamine (.xls/.ods) holds the whole used area of a sheet in memory, ~32 bytes a cell: ~100 MB at most.
MAX_USED_CELLS = 3_000_000
MAX_SHARED_STRINGS = (MAX_ROWS + HEADER_SCAN_ROWS) * len(COLUMNS)

XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
KINDS = (XLSX, XLS, ODS, CSV)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class SheetRows:
    """Raw rows of the sheet: ``rows`` are (sheet row number, {column key: raw value}) in file order."""

    kind: str
    columns: dict[str, int]  # key -> 0-based column index
    rows: list[tuple[int, dict]]

    def cell(self, key: str) -> str:
        """Spreadsheet-style reference of a column, for messages: ``D``."""
        return column_letter(self.columns[key]) if key in self.columns else ""


def _check_zip_members(archive: zipfile.ZipFile, *, what: str, packed_size: int | None = None) -> None:
    """Refuse an archive whose declared sizes unpack to too much. Python's zipfile never reads more than a
    member's declared size (and checks its CRC), so these declared sizes bound what reading can cost.
    ``packed_size``: the archive's size on disk (read from its file when not given)."""
    if packed_size is None:
        packed_size = os.path.getsize(archive.filename) if archive.filename else 0
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES or (total > 1024 * 1024 and total > MAX_RATIO * max(packed_size, 1)):
        raise FileRejected([Problem("zip_bomb", params={"what": what})])
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise FileRejected([Problem("zip_bomb", params={"what": what})])
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRejected([Problem("zip_bomb", params={"what": what})])


def sniff_kind(data_head: bytes, size: int, name: str = "") -> str:
    """xlsx or csv only, from the content (the officers' register import reads no other kind): an .xls is
    refused as "old_xls"; an .ods goes on as a zip without a workbook, "not a spreadsheet". Raises FileRejected."""
    kind = sheet_kind(data_head, size)
    if kind == XLS:
        raise FileRejected([Problem("old_xls")])
    return XLSX if kind == ODS else kind


def sheet_kind(data_head: bytes, size: int) -> str:
    """Decide xlsx, xls, ods or csv from the content (never the name). Raises FileRejected."""
    if size == 0:
        raise FileRejected([Problem("file_empty")])
    if size > MAX_FILE_BYTES:
        raise FileRejected([Problem("file_too_large", params={"mb": MAX_FILE_BYTES // 2**20})])
    if data_head.startswith(OLE_MAGIC):
        return XLS
    if data_head.startswith(ZIP_MAGIC):
        # An OpenDocument file starts with its stored, uncompressed "mimetype" member.
        return ODS if data_head[30:38] == b"mimetype" and data_head[38:].startswith(ODS_MIMETYPE) else XLSX
    if b"\x00" in data_head[:4096]:
        raise FileRejected([Problem("not_spreadsheet")])
    return CSV


def read_sheet(path: str, *, progress: Callable[[float], None] | None = None) -> SheetRows:
    """Read the sheet at ``path`` into raw rows. Raises FileRejected for every whole-file problem.
    ``progress`` gets the share of the file read so far (0 to 1), now and then."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
    kind = sheet_kind(head, size)
    window = ColumnWindow(HEADER_SCAN_COLUMNS)
    formula_cells: list[str] = []
    if kind == XLSX:
        reader = _xlsx_reader(path, size, window, formula_cells)
    elif kind in (XLS, ODS):
        reader = _calamine_reader(path, kind, size, window)
    else:
        reader = _CsvSheet(path, window, formula_cells)
    try:
        return _collect(kind, reader, window, formula_cells, progress)
    except (XlsxError, zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise FileRejected([Problem("file_damaged")]) from exc
    except SheetUnreadable as exc:
        raise FileRejected([Problem("file_password" if exc.password else "file_damaged")]) from exc


def _header_map(rows: list[tuple[int, dict]]) -> tuple[dict[str, int], int]:
    """Find the header row among the first few (and the key row right under it, if any).

    Returns (column key -> index, number of the last header row). Raises FileRejected naming missing columns.
    """
    lookup = header_lookup()
    mapped_rows = []
    for number, values in rows[:HEADER_SCAN_ROWS]:
        mapped: dict[str, int] = {}
        for index in sorted(values):
            value = values[index]
            key = lookup.get(text_fold(text_clean(value))) if isinstance(value, str) else None
            if key and key not in mapped:
                mapped[key] = index
        mapped_rows.append((number, mapped))
    for position, (number, mapped) in enumerate(mapped_rows):
        if set(REQUIRED_KEYS) <= set(mapped):
            last_header = number
            for next_number, next_mapped in mapped_rows[position + 1 :]:
                if len(next_mapped) < 2:
                    break
                last_header = next_number
            return mapped, last_header
    best = max((m for _, m in mapped_rows), key=len, default={})
    missing = [str(COLUMNS_BY_KEY[k].label) for k in REQUIRED_KEYS if k not in best]
    raise FileRejected([Problem("missing_columns", params={"columns": ", ".join(missing)})])


def _too_many_rows() -> FileRejected:
    return FileRejected([Problem("too_many_rows", params={"max": f"{MAX_ROWS:,}".replace(",", ".")})])


def _collect(kind: str, reader, window: ColumnWindow, formula_cells: list[str],
             progress: Callable[[float], None] | None) -> SheetRows:
    head: list[tuple[int, dict]] = []
    iterator = iter(reader.rows())
    for item in iterator:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    columns, last_header = _header_map(head)
    # From here on only the mapped columns are kept: anything to their right is skipped as it is read.
    window.narrow(columns.values())
    rows: list[tuple[int, dict]] = []
    counted = 0

    def take(number: int, values: dict) -> None:
        nonlocal counted
        if number <= last_header:
            return
        counted += 1  # every row counts, empty or skipped
        if counted > MAX_ROWS:
            raise _too_many_rows()
        if progress and counted % 1000 == 0:
            progress(reader.fraction)
        record = {key: values.get(i) for key, i in columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
            return
        first = record.get("product_key")
        if isinstance(first, str) and first.strip().startswith("#"):
            return  # the template's example row and any comment rows
        rows.append((number, record))

    for number, values in head:
        take(number, values)
    for number, values in iterator:
        take(number, values)
    wanted = set(columns.values())
    formulas = [ref for ref in formula_cells if _ref_column(ref) in wanted]
    if formulas:
        shown = ", ".join(formulas[:10]) + (" …" if len(formulas) > 10 else "")
        raise FileRejected([Problem("formulas", params={"cells": shown})])
    if not rows:
        raise FileRejected([Problem("no_rows")])
    if progress:
        progress(1.0)
    return SheetRows(kind=kind, columns=columns, rows=rows)


def _ref_column(ref: str) -> int:
    letters = "".join(ch for ch in ref if ch.isalpha())
    index = 0
    for ch in letters.upper()[:4]:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _open_zip(path: str, size: int) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:  # a zip by its first bytes: truncated
        raise FileRejected([Problem("file_damaged")]) from exc
    _check_zip_members(archive, what=PurePosixPath(path).name, packed_size=size)
    return archive


def _xlsx_reader(path: str, size: int, window: ColumnWindow, formula_cells: list[str]) -> XlsxSheet:
    with _open_zip(path, size) as archive:
        if "xl/workbook.xml" not in set(archive.namelist()):
            raise FileRejected([Problem("not_spreadsheet")])
    return XlsxSheet(path, window=window, formula_cells=formula_cells, max_strings=MAX_SHARED_STRINGS)


def _calamine_reader(path: str, kind: str, size: int, window: ColumnWindow) -> CalamineSheet:
    try:
        if kind == ODS:
            with _open_zip(path, size) as archive:
                if archive.testzip() is not None:  # every member read in full, CRC checked, before calamine
                    raise FileRejected([Problem("file_damaged")])
            area = ods_used_area(path)
        else:
            area = xls_used_area(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected([Problem("file_damaged")]) from exc
    except SheetUnreadable as exc:
        code = "file_password" if exc.password else "not_spreadsheet" if exc.not_workbook else "file_damaged"
        raise FileRejected([Problem(code)]) from exc
    if area.rows > MAX_ROWS + HEADER_SCAN_ROWS:
        raise _too_many_rows()
    if area.cells > MAX_USED_CELLS:
        raise FileRejected([Problem("sheet_too_large", params={"cell": area.far_cell})])
    return CalamineSheet(path, window=window)


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise FileRejected([Problem("csv_encoding")]) from exc


class _CsvSheet:
    def __init__(self, path: str, window: ColumnWindow, formula_cells: list[str]):
        self.path = path
        self.window = window
        self.formula_cells = formula_cells
        self.fraction = 0.0

    def rows(self) -> Iterator[tuple[int, dict]]:
        with open(self.path, "rb") as fh:
            text = _decode_csv(fh.read())
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        size = max(len(text), 1)
        stream = io.StringIO(text, newline="")
        reader = csv.reader(stream, dialect)
        keep = self.window.keep
        try:
            for number, values in enumerate(reader, start=1):
                row = {}
                for index, value in enumerate(values):
                    if not keep(index):
                        continue
                    if value.startswith("=") and len(value) > 1 and len(self.formula_cells) < 1000:
                        self.formula_cells.append(f"{column_letter(index)}{number}")
                    row[index] = value
                if number % 1000 == 0:
                    self.fraction = stream.tell() / size
                yield number, row
        except csv.Error as exc:
            raise FileRejected([Problem("not_spreadsheet")]) from exc


@dataclass
class PhotoArchive:
    """The photos of an uploaded .zip, by folded base name; read lazily, sizes already checked."""

    path: str
    members: dict[str, str]  # folded base name -> member name

    def read(self, name: str) -> bytes | None:
        member = self.members.get(text_fold(text_clean(name)))
        if member is None:
            return None
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(member)

    def has(self, name: str) -> bool:
        return text_fold(text_clean(name)) in self.members


PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
# What photo editors and operating systems add to an archive: skipped, never read.
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def _photo_magic(head: bytes) -> bool:
    return (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"))


def _unsafe_member_name(name: str) -> bool:
    """Absolute paths, drive letters, parent-folder steps or control characters: refused, though nothing is
    ever extracted to disk (members are read by name into memory)."""
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts
            or any(ord(ch) < 32 for ch in name))


def open_photos(path: str) -> PhotoArchive:
    """Check the photo .zip without extracting it: size, entry count, declared unpacked sizes and ratios, member
    names (no path traversal), no encrypted members, and every member a JPEG/PNG/WebP photo by name and by
    content (no nested archives, no other files). Raises FileRejected."""
    size = os.path.getsize(path)
    if size > MAX_ZIP_BYTES:
        raise FileRejected([Problem("zip_too_large", params={"mb": MAX_ZIP_BYTES // 2**20})])
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected([Problem("zip_invalid")]) from exc
    with archive:
        if len(archive.infolist()) > MAX_ZIP_FILES:
            raise FileRejected([Problem("zip_too_many", params={"max": MAX_ZIP_FILES})])
        _check_zip_members(archive, what=".zip", packed_size=size)
        members: dict[str, str] = {}
        for info in archive.infolist():
            if _unsafe_member_name(info.filename):
                raise FileRejected([Problem("zip_unsafe_name", params={"name": info.filename[:80]})])
            if info.is_dir():
                continue
            base = PurePosixPath(info.filename).name
            if (not base or base.startswith(".") or base.lower() in JUNK_NAMES
                    or info.filename.startswith("__MACOSX/")):
                continue
            if info.flag_bits & 0x1:
                raise FileRejected([Problem("zip_encrypted", params={"name": base})])
            if PurePosixPath(base).suffix.lower() not in PHOTO_EXTENSIONS:
                raise FileRejected([Problem("zip_not_image", params={"name": base})])
            try:
                with archive.open(info) as member:
                    head = member.read(16)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
                raise FileRejected([Problem("zip_invalid")]) from exc
            if not _photo_magic(head):
                # A nested archive, a document or anything else named like a photo.
                raise FileRejected([Problem("zip_not_image", params={"name": base})])
            key = text_fold(text_clean(base))
            if key in members:
                raise FileRejected([Problem("zip_duplicate", params={"name": base})])
            members[key] = info.filename
    return PhotoArchive(path=path, members=members)
