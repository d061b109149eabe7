""".xls and .ods sheets, read with python-calamine after their used area has been bounded.

calamine builds a dense range from the first to the last cell of every sheet of the workbook when it opens it
(.xls) or reads a sheet (.ods), and a failed allocation aborts the process. So each file's cells are first
located without building anything: the .xls record stream (through olefile) and the .ods content.xml (expat,
repeats counted, not expanded). A sheet whose used area is larger than the importer can hold is refused with
the cell that makes it so; only then does calamine read the first sheet.
"""

import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

import olefile
import python_calamine

from .columns import column_letter
from .xlsx import ColumnWindow

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class SheetUnreadable(Exception):
    """The file is not a readable workbook of its kind: ``password`` when it is encrypted, ``not_workbook``
    when it is another kind of file altogether (an OLE file that holds no workbook)."""

    def __init__(self, reason: str, *, password: bool = False, not_workbook: bool = False):
        super().__init__(reason)
        self.password = password
        self.not_workbook = not_workbook


@dataclass
class UsedArea:
    """The largest used area of any sheet: rows and columns from A1 to its farthest non-empty cell."""

    rows: int = 0
    columns: int = 0

    def add(self, row: int, col: int) -> None:
        self.rows = max(self.rows, row + 1)
        self.columns = max(self.columns, col + 1)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def far_cell(self) -> str:
        return f"{column_letter(max(self.columns - 1, 0))}{self.rows}"


# --- .xls: BIFF records in the OLE compound file --------------------------------------------------

_BOF, _EOF, _DIMENSIONS, _FILEPASS, _MULRK, _MULBLANK = 0x0809, 0x000A, 0x0200, 0x002F, 0x00BD, 0x00BE
# Records that carry one cell: row (u16), column (u16) first.
_CELL_RECORDS = {0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E}


def xls_used_area(path: str) -> UsedArea:
    """Bound every sheet of an .xls from its cell records and DIMENSIONS records. Raises SheetUnreadable."""
    try:
        with olefile.OleFileIO(path) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise SheetUnreadable("no workbook stream", not_workbook=True)
            stream = ole.openstream(name).read()
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise SheetUnreadable(type(exc).__name__, not_workbook=True) from exc
    area = UsedArea()
    position, size = 0, len(stream)
    while position + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, position)
        data = stream[position + 4: position + 4 + length]
        position += 4 + length
        if kind == _FILEPASS:
            raise SheetUnreadable("encrypted", password=True)
        if kind in _CELL_RECORDS and len(data) >= 4:
            row, col = struct.unpack_from("<HH", data)
            area.add(row, col)
        elif kind in (_MULRK, _MULBLANK) and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, len(data) - 2)
            area.add(row, max(first, last))
        elif kind == _DIMENSIONS and len(data) in (10, 14):
            # calamine reserves room for the declared area (wrapping when the declared end is before the
            # start): it is bounded like real cells.
            rows, cols = _declared_area(data)
            area.add(rows - 1, cols - 1)
    return area


def _declared_area(data: bytes) -> tuple[int, int]:
    """Rows and columns calamine's xls reader reserves for a DIMENSIONS record ([MS-XLS] 2.4.90), computed the
    way it does (u32 arithmetic)."""
    if len(data) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data)
    else:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", data)
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1, 1
    wrap = 1 << 32
    return (last_row - 1 - first_row + 1) % wrap, (last_col - 1 - first_col + 1) % wrap


# --- .ods: content.xml, repeats counted -----------------------------------------------------------


def ods_used_area(path: str) -> UsedArea:
    """Bound every table of an .ods without expanding repeated rows and cells. Raises SheetUnreadable."""
    area = UsedArea()
    table, row_tag = f"{NS_TABLE}}}table", f"{NS_TABLE}}}table-row"
    cell_tags = {f"{NS_TABLE}}}table-cell", f"{NS_TABLE}}}covered-table-cell"}
    rows_attr, cols_attr = f"{NS_TABLE}}}number-rows-repeated", f"{NS_TABLE}}}number-columns-repeated"
    value_type = f"{NS_OFFICE}}}value-type"
    state = {"row": 0, "rows_repeated": 1, "col": 0, "cell": None, "depth": 0, "row_last_col": -1}

    def repeat(attrs, name) -> int:
        value = int(attrs.get(name, "1"))
        if value < 1:
            raise ValueError("repeat")
        return value

    def start(tag, attrs):
        if state["cell"] is not None:
            state["cell"]["filled"] = True  # any element inside a cell (text:p, ...) is content
            state["depth"] += 1
            return
        if tag == table:
            state.update(row=0, col=0)
        elif tag == row_tag:
            state.update(rows_repeated=repeat(attrs, rows_attr), col=0, row_last_col=-1)
        elif tag in cell_tags:
            state["cell"] = {"repeat": repeat(attrs, cols_attr), "filled": value_type in attrs}

    def end(tag):
        if state["cell"] is not None and state["depth"]:
            state["depth"] -= 1
            return
        if tag in cell_tags and state["cell"] is not None:
            cell = state["cell"]
            state["col"] += cell["repeat"]
            if cell["filled"]:
                state["row_last_col"] = state["col"] - 1
            state["cell"] = None
        elif tag == row_tag:
            if state["row_last_col"] >= 0:
                area.add(state["row"] + state["rows_repeated"] - 1, state["row_last_col"])
            state["row"] += state["rows_repeated"]

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as fh:
            parser.ParseFile(fh)
    except (expat.ExpatError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise SheetUnreadable(type(exc).__name__) from exc
    return area


def _refuse(*_args) -> None:
    raise ValueError("document type declaration")


# --- reading ----------------------------------------------------------------------------------------


class CalamineSheet:
    """The first sheet of a bounded .xls/.ods: ``rows()`` yields (row number, {column index: value}) with
    only the columns ``window`` keeps; ``fraction`` says how far it got."""

    def __init__(self, path: str, *, window: ColumnWindow):
        self.path = path
        self.window = window
        self.fraction = 0.0

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        try:
            with python_calamine.CalamineWorkbook.from_path(self.path) as workbook:
                sheet = workbook.get_sheet_by_index(0)
                first_row, first_col = sheet.start or (0, 0)
                height = max(sheet.height, 1)
                for index, values in enumerate(sheet.iter_rows()):
                    self.fraction = index / height
                    keep = self.window.keep
                    yield first_row + index + 1, {first_col + i: v for i, v in enumerate(values)
                                                  if v != "" and keep(first_col + i)}
        except python_calamine.PasswordError as exc:
            raise SheetUnreadable("encrypted", password=True) from exc
        except python_calamine.CalamineError as exc:
            raise SheetUnreadable(type(exc).__name__) from exc
