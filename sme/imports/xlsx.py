"""A small streaming .xlsx reader (first worksheet, values and formula flags) on the standard library's expat.

Why not a library: openpyxl builds an object per cell (~18 s for 10,000 rows on the project's 2-core machine),
and python-calamine (used for .xls and .ods, see calamine_read.py) builds a dense range from the first to the
farthest cell of the sheet: a 4.8 KB .xlsx with one cell at XFD1048576 makes it allocate 549 GB and abort the
process (SIGABRT, nothing to catch), AAAAAAAAA1 78 GB. Bounding that area first means one pass over the sheet's
XML, which is what this reader does anyway, keeping only the columns the importer maps (``ColumnWindow``):
a cell at AAAAA1 costs nothing. It also sees formula cells, which python-calamine does not expose.
Only what the importer needs: cell values (shared/inline strings, numbers, booleans) and whether a cell holds a
formula. Dates stay numbers (serials). A document type declaration (entities, "billion laughs") is refused.
"""

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from .columns import column_letter

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF = re.compile(r"([A-Za-z]+)(\d+)")
FAR_AWAY = 1 << 30  # column index of a reference longer than Excel's last column (XFD)


class XlsxError(Exception):
    """The workbook's parts are missing or malformed."""


class ColumnWindow:
    """The columns a reader keeps: the first ``limit`` while the header is looked for, then only the ones the
    importer maps (``narrow``). Everything else is skipped as it is read, so a far-away cell costs nothing."""

    def __init__(self, limit: int):
        self.limit = limit
        self.wanted: frozenset[int] | None = None

    def narrow(self, wanted) -> None:
        self.wanted = frozenset(wanted)
        self.limit = max(self.wanted, default=-1) + 1

    def keep(self, col: int) -> bool:
        return col < self.limit and (self.wanted is None or col in self.wanted)


def _column_index(letters: str) -> int:
    if len(letters) > 3:
        return FAR_AWAY
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _refuse_doctype(*_args) -> None:
    raise XlsxError("document type declaration")


def _parser(start, end=None, chars=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    # No DTD, hence no entity declarations: "billion laughs" and external entities cannot start.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if chars:
        parser.CharacterDataHandler = chars
    return parser


def _parse(archive: zipfile.ZipFile, name: str, start, end=None, chars=None) -> None:
    parser = _parser(start, end, chars)
    try:
        with archive.open(name) as fh:
            parser.ParseFile(fh)
    except (expat.ExpatError, KeyError) as exc:
        raise XlsxError(name) from exc


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    sheets: list[str] = []
    rels: dict[str, str] = {}

    def workbook_start(tag, attrs):
        if tag == f"{NS_MAIN}}}sheet":
            sheets.append(attrs.get(f"{NS_REL}}}id", ""))

    def rels_start(tag, attrs):
        if tag == f"{NS_PKG_REL}}}Relationship":
            rels[attrs.get("Id", "")] = attrs.get("Target", "")

    _parse(archive, "xl/workbook.xml", workbook_start)
    _parse(archive, "xl/_rels/workbook.xml.rels", rels_start)
    if not sheets or sheets[0] not in rels:
        raise XlsxError("no worksheet")
    target = rels[sheets[0]]
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(archive: zipfile.ZipFile, max_strings: int) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    state = {"parts": None, "in_t": False, "skip": 0}

    def start(tag, attrs):
        local = tag.rsplit("}", 1)[-1]
        if local == "si":
            state["parts"] = []
        elif local == "rPh":
            state["skip"] += 1
        elif local == "t" and not state["skip"]:
            state["in_t"] = True

    def end(tag):
        local = tag.rsplit("}", 1)[-1]
        if local == "si":
            strings.append("".join(state["parts"] or []))
            state["parts"] = None
            if len(strings) > max_strings:
                raise XlsxError("too many shared strings")
        elif local == "rPh":
            state["skip"] -= 1
        elif local == "t":
            state["in_t"] = False

    def chars(data):
        if state["in_t"] and state["parts"] is not None:
            state["parts"].append(data)

    _parse(archive, "xl/sharedStrings.xml", start, end, chars)
    return strings


def _number(text: str):
    if not text:
        return None
    try:
        if "." not in text and "E" not in text and "e" not in text:
            return int(text)
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


class XlsxSheet:
    """The first worksheet of an .xlsx, read as a stream: ``rows()`` yields (row number, {column index: value})
    for every row element, keeping only the columns ``window`` keeps; ``fraction`` says how far it got."""

    def __init__(self, path: str, *, window: ColumnWindow, formula_cells: list[str], max_strings: int):
        self.path = path
        self.window = window
        self.formula_cells = formula_cells
        self.max_strings = max_strings
        self.fraction = 0.0

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        """Raises XlsxError for a malformed workbook."""
        with zipfile.ZipFile(self.path) as archive:
            strings = _shared_strings(archive, self.max_strings)
            sheet = _first_sheet_path(archive)
            try:
                size = max(archive.getinfo(sheet).file_size, 1)
            except KeyError as exc:
                raise XlsxError(sheet) from exc
            yield from self._stream(archive, sheet, strings, size)

    def _stream(self, archive, sheet: str, strings: list[str], size: int):
        window, formula_cells = self.window, self.formula_cells
        rows: list[tuple[int, dict]] = []
        cell = {"col": 0, "type": "n", "text": [], "collect": False, "formula": False, "ref": ""}
        row_state = {"number": 0, "values": {}, "next_col": 0}
        c_tag, v_tag, t_tag, f_tag, row_tag = (f"{NS_MAIN}}}{x}" for x in ("c", "v", "t", "f", "row"))

        def start(tag, attrs):
            if tag == c_tag:
                ref = attrs.get("r", "")
                match = _REF.fullmatch(ref)
                col = _column_index(match.group(1)) if match else row_state["next_col"]
                cell.update(col=col, keep=window.keep(col), type=attrs.get("t", "n"), text=[], collect=False,
                            formula=False, ref=ref)
                row_state["next_col"] = col + 1
            elif tag in (v_tag, t_tag):
                cell["collect"] = cell["keep"]
            elif tag == f_tag:
                cell["formula"] = True
            elif tag == row_tag:
                number = attrs.get("r")
                row_state["number"] = int(number) if number else row_state["number"] + 1
                row_state["values"] = {}
                row_state["next_col"] = 0

        def end(tag):
            if tag in (v_tag, t_tag):
                cell["collect"] = False
            elif tag == c_tag:
                if not cell["keep"]:
                    return
                text = "".join(cell["text"])
                kind = cell["type"]
                if kind == "s":
                    value = strings[int(text)] if text.isdigit() and int(text) < len(strings) else ""
                elif kind in ("inlineStr", "str", "e"):
                    value = text
                elif kind == "b":
                    value = text == "1"
                else:
                    value = _number(text)
                row_state["values"][cell["col"]] = value
                if cell["formula"] and len(formula_cells) < 1000:
                    formula_cells.append(cell["ref"] or f"{column_letter(cell['col'])}{row_state['number']}")
            elif tag == row_tag:
                rows.append((row_state["number"], row_state["values"]))

        def chars(data):
            if cell["collect"]:
                cell["text"].append(data)

        cell["keep"] = False
        parser = _parser(start, end, chars)
        read = 0
        try:
            with archive.open(sheet) as fh:
                while chunk := fh.read(1 << 16):
                    read += len(chunk)
                    self.fraction = min(read / size, 1.0)
                    parser.Parse(chunk, False)
                    yield from rows
                    rows.clear()
                parser.Parse(b"", True)
                yield from rows
        except (expat.ExpatError, KeyError) as exc:
            raise XlsxError(sheet) from exc
