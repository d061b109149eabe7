"""A small streaming .xlsx reader (first worksheet, values and formula flags) on the standard library's expat.

openpyxl builds an object per cell and needed ~18 s for a 10,000-row sheet on the project's 2-core machine;
this reads the same sheet several times faster with flat memory. Only what the importer needs: cell values
(shared/inline strings, numbers, booleans) and whether a cell holds a formula. Dates stay numbers (serials).
"""

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF = re.compile(r"([A-Z]+)(\d+)")


class XlsxError(Exception):
    """The workbook's parts are missing or malformed."""


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _parse(archive: zipfile.ZipFile, name: str, start, end=None, chars=None) -> None:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if chars:
        parser.CharacterDataHandler = chars
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


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
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


def read_rows(path: str, formula_cells: list[str]) -> Iterator[tuple[int, list]]:
    """Yield (row number, values) for the first worksheet; appends "B4"-style refs of formula cells to
    ``formula_cells``. Raises XlsxError for a malformed workbook."""
    with zipfile.ZipFile(path) as archive:
        strings = _shared_strings(archive)
        sheet = _first_sheet_path(archive)
        rows: list[tuple[int, list]] = []
        cell = {"col": 0, "type": "n", "text": [], "in_v": False, "in_t": False, "formula": False, "ref": ""}
        row_state = {"number": 0, "values": None, "next_col": 0}
        c_tag, v_tag, t_tag, f_tag, row_tag, is_tag = (f"{NS_MAIN}}}{x}" for x in ("c", "v", "t", "f", "row", "is"))

        def start(tag, attrs):
            if tag == c_tag:
                ref = attrs.get("r", "")
                match = _REF.match(ref)
                col = _column_index(match.group(1)) if match else row_state["next_col"]
                cell.update(col=col, type=attrs.get("t", "n"), text=[], formula=False, ref=ref)
            elif tag == v_tag:
                cell["in_v"] = True
            elif tag == t_tag:
                cell["in_t"] = True
            elif tag == f_tag:
                cell["formula"] = True
            elif tag == row_tag:
                number = attrs.get("r")
                row_state["number"] = int(number) if number else row_state["number"] + 1
                row_state["values"] = []
                row_state["next_col"] = 0

        def end(tag):
            if tag == v_tag:
                cell["in_v"] = False
            elif tag == t_tag:
                cell["in_t"] = False
            elif tag == c_tag:
                text = "".join(cell["text"])
                kind = cell["type"]
                if kind == "s":
                    value = strings[int(text)] if text.isdigit() and int(text) < len(strings) else ""
                elif kind in ("inlineStr", "str"):
                    value = text
                elif kind == "b":
                    value = text == "1"
                elif kind == "e":
                    value = text
                else:
                    value = _number(text)
                values = row_state["values"]
                col = cell["col"]
                if col >= len(values):
                    values.extend([None] * (col - len(values) + 1))
                values[col] = value
                row_state["next_col"] = col + 1
                if cell["formula"]:
                    formula_cells.append(cell["ref"] or f"{chr(65 + col)}{row_state['number']}")
            elif tag == row_tag:
                rows.append((row_state["number"], row_state["values"]))

        def chars(data):
            if cell["in_v"] or cell["in_t"]:
                cell["text"].append(data)

        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        try:
            with archive.open(sheet) as fh:
                while chunk := fh.read(1 << 16):
                    parser.Parse(chunk, False)
                    yield from rows
                    rows.clear()
                parser.Parse(b"", True)
                yield from rows
        except (expat.ExpatError, KeyError) as exc:
            raise XlsxError(sheet) from exc
