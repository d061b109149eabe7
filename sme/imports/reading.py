"""Reading an uploaded sheet safely: size, type by content, zip-bomb checks, then raw rows by column key.

Nothing here touches the database. Every refusal is a FileRejected with problems the owner can act on.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings

from sme.catalog.text import text_clean, text_fold

from .columns import COLUMNS_BY_KEY, REQUIRED_KEYS, column_letter, header_lookup
from .problems import FileRejected, Problem

MAX_FILE_BYTES = getattr(settings, "IMPORTS_MAX_FILE_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORTS_MAX_ROWS", 50_000)
MAX_ZIP_BYTES = getattr(settings, "IMPORTS_MAX_ZIP_BYTES", 200 * 1024 * 1024)
MAX_ZIP_FILES = 5_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # whole archive, unpacked
MAX_MEMBER_BYTES = 60 * 1024 * 1024  # one member (an xlsx part or a photo), unpacked
MAX_RATIO = 200  # unpacked / packed for any member bigger than 1 MB
HEADER_SCAN_ROWS = 5

XLSX, CSV = "xlsx", "csv"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SheetRows:
    """Raw rows of the sheet: ``rows`` are (sheet row number, {column key: raw value}) in file order."""

    kind: str
    columns: dict[str, int]  # key -> 0-based column index
    rows: list[tuple[int, dict]]

    def cell(self, key: str) -> str:
        """Spreadsheet-style reference of a column, for messages: ``D``."""
        return column_letter(self.columns[key]) if key in self.columns else ""


def _check_zip_members(archive: zipfile.ZipFile, *, what: str) -> None:
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise FileRejected([Problem("zip_bomb", params={"what": what})])
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise FileRejected([Problem("zip_bomb", params={"what": what})])
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRejected([Problem("zip_bomb", params={"what": what})])


def sniff_kind(data_head: bytes, size: int, name: str = "") -> str:
    """Decide xlsx or csv from the content (the name only breaks a tie). Raises FileRejected."""
    if size == 0:
        raise FileRejected([Problem("file_empty")])
    if size > MAX_FILE_BYTES:
        raise FileRejected([Problem("file_too_large", params={"mb": MAX_FILE_BYTES // 2**20})])
    if data_head.startswith(OLE_MAGIC):
        raise FileRejected([Problem("old_xls")])
    if data_head.startswith(b"PK\x03\x04"):
        return XLSX
    if b"\x00" in data_head[:4096]:
        raise FileRejected([Problem("not_spreadsheet")])
    return CSV


def read_sheet(path: str, *, progress: Callable[[int], None] | None = None) -> SheetRows:
    """Read the sheet at ``path`` into raw rows. Raises FileRejected for every whole-file problem."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
    kind = sniff_kind(head, size, path)
    if kind == XLSX:
        return _read_xlsx(path, progress=progress)
    return _read_csv(path, progress=progress)


def _header_map(rows: list[tuple[int, list]]) -> tuple[dict[str, int], int]:
    """Find the header row among the first few (and the key row right under it, if any).

    Returns (column key -> index, number of the last header row). Raises FileRejected naming missing columns.
    """
    lookup = header_lookup()
    mapped_rows = []
    for number, values in rows[:HEADER_SCAN_ROWS]:
        mapped: dict[str, int] = {}
        for index, value in enumerate(values):
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


def _collect(kind: str, raw_rows: Iterator[tuple[int, list]], formula_cells: list[str],
             progress: Callable[[int], None] | None) -> SheetRows:
    head: list[tuple[int, list]] = []
    iterator = iter(raw_rows)
    for item in iterator:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    columns, last_header = _header_map(head)
    rows: list[tuple[int, dict]] = []

    def take(number: int, values: list) -> None:
        if number <= last_header:
            return
        record = {key: (values[i] if i < len(values) else None) for key, i in columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
            return
        first = record.get("product_key")
        if isinstance(first, str) and first.strip().startswith("#"):
            return  # the template's example row and any comment rows
        rows.append((number, record))
        if len(rows) > MAX_ROWS:
            raise FileRejected([Problem("too_many_rows", params={"max": f"{MAX_ROWS:,}".replace(",", ".")})])
        if progress and len(rows) % 1000 == 0:
            progress(len(rows))

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
    return SheetRows(kind=kind, columns=columns, rows=rows)


def _ref_column(ref: str) -> int:
    letters = "".join(ch for ch in ref if ch.isalpha())
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _read_xlsx(path: str, *, progress) -> SheetRows:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise FileRejected([Problem("not_spreadsheet")]) from exc
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise FileRejected([Problem("not_spreadsheet")])
        _check_zip_members(archive, what=PurePosixPath(path).name)
    from .xlsx import XlsxError, read_rows

    formula_cells: list[str] = []
    try:
        return _collect(XLSX, read_rows(path, formula_cells), formula_cells, progress)
    except (XlsxError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRejected([Problem("file_damaged")]) from exc


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


def _read_csv(path: str, *, progress) -> SheetRows:
    with open(path, "rb") as fh:
        text = _decode_csv(fh.read())
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    formula_cells: list[str] = []

    def rows() -> Iterator[tuple[int, list]]:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        try:
            for number, values in enumerate(reader, start=1):
                for index, value in enumerate(values):
                    if value.startswith("=") and len(value) > 1:
                        formula_cells.append(f"{column_letter(index)}{number}")
                yield number, values
        except csv.Error as exc:
            raise FileRejected([Problem("not_spreadsheet")]) from exc

    return _collect(CSV, rows(), formula_cells, progress)


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


def open_photos(path: str) -> PhotoArchive:
    """Check the photo .zip (size, count, unpacked sizes and ratios) without extracting. Raises FileRejected."""
    import os

    if os.path.getsize(path) > MAX_ZIP_BYTES:
        raise FileRejected([Problem("zip_too_large", params={"mb": MAX_ZIP_BYTES // 2**20})])
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise FileRejected([Problem("zip_invalid")]) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_FILES:
            raise FileRejected([Problem("zip_too_many", params={"max": MAX_ZIP_FILES})])
        _check_zip_members(archive, what=".zip")
        members: dict[str, str] = {}
        for info in infos:
            base = PurePosixPath(info.filename.replace("\\", "/")).name
            if not base or base.startswith(".") or "__MACOSX" in info.filename:
                continue
            key = text_fold(text_clean(base))
            if key in members:
                raise FileRejected([Problem("zip_duplicate", params={"name": base})])
            members[key] = info.filename
    return PhotoArchive(path=path, members=members)
