"""Reading the province's register (.xlsx or .csv) into checked rows. Nothing here writes.

The file's safety checks (size, type by content, zip bomb, old .xls, CSV encoding) are the catalog
import's (``sme.imports.reading``); the columns and the meaning of each value are the register's own.
A whole-file problem raises ``RegisterFileRejected``; a row problem skips that row only.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sme.businesses.identifiers import identifier_normalise
from sme.businesses.models import AdministrativeUnit, LegacyToNewUnit, LegalForm, MainSector, SizeClass
from sme.catalog.text import text_clean, text_fold
from sme.imports.problems import FileRejected
from sme.imports.reading import MAX_FILE_BYTES, ODS, XLS, XLSX, _check_zip_members, _decode_csv, sniff_kind

from .models import RegisterStatus

MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 5

# key -> (label shown in messages and the template, accepted headers folded)
COLUMNS = {
    "identifier": (_("Tax code or personal ID"), ["ma so thue", "mst", "ma so doanh nghiep", "so dinh danh",
                                                   "ma so thue / so dinh danh", "ma so thue/so dinh danh",
                                                   "identifier", "tax code"]),
    "name": (_("Name"), ["ten", "ten doanh nghiep", "ten co so", "ten doanh nghiep / ho kinh doanh", "name"]),
    "legal_form": (_("Legal form"), ["loai hinh", "loai hinh doanh nghiep", "legal form", "legal_form"]),
    "ward": (_("Ward or commune (new)"), ["ma xa/phuong", "ma xa phuong", "xa/phuong", "xa phuong", "ward",
                                          "ward code", "ward_code", "ma don vi hanh chinh"]),
    "old_district": (_("District before July 2025"), ["huyen cu", "quan/huyen cu", "huyen (cu)", "old district",
                                                      "old_district"]),
    "old_commune": (_("Commune before July 2025"), ["xa cu", "xa/phuong cu", "xa (cu)", "old commune",
                                                    "old_commune"]),
    "sector": (_("Main sector (VSIC section)"), ["nganh", "nganh nghe chinh", "nganh kinh te", "sector", "vsic"]),
    "size": (_("Size class"), ["quy mo", "size", "size class", "size_class"]),
    "status": (_("Status"), ["tinh trang", "trang thai", "tinh trang hoat dong", "status"]),
    "source": (_("Source"), ["nguon", "nguon du lieu", "source"]),
    "contact_email": (_("Contact e-mail"), ["email", "e-mail", "thu dien tu", "dia chi email", "email lien he",
                                              "contact email", "contact_email"]),
    "as_of": (_("As of"), ["ngay so lieu", "ngay cap nhat", "as of", "as-of date", "as_of"]),
}
REQUIRED = ("identifier", "name", "legal_form", "status")

LEGAL_FORMS = {
    "household": LegalForm.HOUSEHOLD, "ho kinh doanh": LegalForm.HOUSEHOLD, "hkd": LegalForm.HOUSEHOLD,
    "ho kinh doanh ca the": LegalForm.HOUSEHOLD,
    "sole_proprietorship": LegalForm.SOLE_PROPRIETORSHIP, "doanh nghiep tu nhan": LegalForm.SOLE_PROPRIETORSHIP,
    "dntn": LegalForm.SOLE_PROPRIETORSHIP,
    "llc_one_member": LegalForm.LLC_ONE_MEMBER, "tnhh 1tv": LegalForm.LLC_ONE_MEMBER,
    "tnhh mot thanh vien": LegalForm.LLC_ONE_MEMBER, "cong ty tnhh mot thanh vien": LegalForm.LLC_ONE_MEMBER,
    "llc_multi_member": LegalForm.LLC_MULTI_MEMBER, "tnhh 2tv": LegalForm.LLC_MULTI_MEMBER,
    "tnhh hai thanh vien tro len": LegalForm.LLC_MULTI_MEMBER,
    "cong ty tnhh hai thanh vien tro len": LegalForm.LLC_MULTI_MEMBER,
    "joint_stock": LegalForm.JOINT_STOCK, "co phan": LegalForm.JOINT_STOCK, "cong ty co phan": LegalForm.JOINT_STOCK,
    "ctcp": LegalForm.JOINT_STOCK,
    "partnership": LegalForm.PARTNERSHIP, "hop danh": LegalForm.PARTNERSHIP, "cong ty hop danh": LegalForm.PARTNERSHIP,
    "cooperative": LegalForm.COOPERATIVE, "hop tac xa": LegalForm.COOPERATIVE, "htx": LegalForm.COOPERATIVE,
}
SIZES = {
    "micro": SizeClass.MICRO, "sieu nho": SizeClass.MICRO, "small": SizeClass.SMALL, "nho": SizeClass.SMALL,
    "medium": SizeClass.MEDIUM, "vua": SizeClass.MEDIUM, "not_sme": SizeClass.NOT_SME, "lon": SizeClass.NOT_SME,
    "large": SizeClass.NOT_SME,
}
STATUSES = {
    "operating": RegisterStatus.OPERATING, "dang hoat dong": RegisterStatus.OPERATING,
    "hoat dong": RegisterStatus.OPERATING,
    "suspended": RegisterStatus.SUSPENDED, "tam ngung": RegisterStatus.SUSPENDED,
    "tam ngung kinh doanh": RegisterStatus.SUSPENDED, "tam ngung hoat dong": RegisterStatus.SUSPENDED,
    "dissolved": RegisterStatus.DISSOLVED, "giai the": RegisterStatus.DISSOLVED,
    "da giai the": RegisterStatus.DISSOLVED, "cham dut hoat dong": RegisterStatus.DISSOLVED,
}

MESSAGES = {
    "file_too_large": _("The file is larger than %(mb)s MB. Split it into smaller files."),
    "file_empty": _("The file is empty."),
    "not_spreadsheet": _("This is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file (.csv)."),
    "old_xls": _("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx, then upload it again."),
    "file_damaged": _("The spreadsheet could not be read; it may be damaged. Save it again and retry."),
    "zip_bomb": _("The file unpacks to far more data than it holds (%(what)s). It was refused for safety."),
    "csv_encoding": _("The CSV file's text encoding is not readable. Save it as “CSV UTF-8”."),
    "too_many_rows": _("The sheet has more than %(max)s rows. Split it into smaller files."),
    "no_rows": _("The sheet has no business rows under the headers."),
    "missing_columns": _("Required columns are missing: %(columns)s. Download the template to see them."),
    "formulas": _("Cells hold formulas instead of values (%(cells)s). Copy and paste them as values, then retry."),
    "required": _("This value is required."),
    "identifier": _("%(message)s"),
    "duplicate_identifier": _("This identifier is already on row %(row)s of this file."),
    "legal_form": _("Unknown legal form “%(value)s”. Use for example: hộ kinh doanh, DNTN, TNHH 1TV, TNHH 2TV, "
                    "cổ phần, hợp danh, hợp tác xã."),
    "size": _("Unknown size class “%(value)s”. Use siêu nhỏ, nhỏ, vừa or lớn, or leave it empty."),
    "status": _("Unknown status “%(value)s”. Use đang hoạt động, tạm ngừng or giải thể."),
    "sector": _("Unknown sector “%(value)s”. Use the VSIC section letter, A to S."),
    "ward": _("Unknown ward or commune “%(value)s”. Use the code of a ward or commune of Đồng Tháp since July "
              "2025 (for example 29869), or give the old district and commune instead."),
    "old_district": _("Unknown old district “%(value)s”. Use its code (for example 867) or its exact name."),
    "old_commune": _("Unknown old commune “%(value)s” in this district. Use its code or its exact name."),
    "as_of": _("“%(value)s” is not a date. Write it as 2025-12-31 or 31/12/2025."),
}


def messages_by_language(exc: ValidationError) -> dict[str, str]:
    """A validator's message in every language of the site: a problem is stored when the file is checked (in
    the worker's language) and read later by an officer in theirs."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = " ".join(exc.messages)
    return out


def problem_message(problem: dict) -> str:
    by_language = problem.get("params", {}).get("messages")
    if isinstance(by_language, dict):
        language = translation.get_language() or settings.LANGUAGE_CODE
        found = by_language.get(language) or by_language.get(language.split("-")[0])
        if found:
            return found
    template = MESSAGES.get(problem.get("code"), _("Unexpected problem (%(code)s)."))
    try:
        return str(template) % {"code": problem.get("code"), **problem.get("params", {})}
    except (KeyError, TypeError, ValueError):
        return str(template)


def column_label(key: str | None) -> str:
    return str(COLUMNS[key][0]) if key in COLUMNS else (key or "")


class RegisterFileRejected(Exception):
    def __init__(self, problems: list[dict]):
        self.problems = problems
        super().__init__(", ".join(p["code"] for p in problems))


def _reject(code: str, **params):
    return RegisterFileRejected([{"code": code, "row": None, "column": None, "params": params}])


@dataclass
class RegisterRow:
    """One checked row: ``values`` holds what the entry will get; ``problems`` why it is skipped."""

    number: int
    values: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- Reading the file -----------------------------------------------------------------------------------


def _lookup() -> dict[str, str]:
    return {alias: key for key, (_label, aliases) in COLUMNS.items() for alias in aliases}


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _raw_rows(path: str) -> tuple[list[tuple[int, list]], list[str]]:
    with open(path, "rb") as fh:
        head = fh.read(8192)
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
    try:
        kind = sniff_kind(head, size, path)
    except FileRejected as exc:
        problem = exc.problems[0]
        raise _reject(problem.code, **problem.params) from exc
    # The catalog import reads .xls and .ods too; the register takes .xlsx and .csv (its template's formats).
    if kind == XLS:
        raise _reject("old_xls")
    if kind == ODS:
        raise _reject("not_spreadsheet")
    formula_cells: list[str] = []
    rows: list[tuple[int, list]] = []
    if kind == XLSX:
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise _reject("not_spreadsheet") from exc
        with archive:
            if "xl/workbook.xml" not in set(archive.namelist()):
                raise _reject("not_spreadsheet")
            try:
                _check_zip_members(archive, what=PurePosixPath(path).name, packed_size=size)
            except FileRejected as exc:
                raise _reject("zip_bomb", what=PurePosixPath(path).name) from exc
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
        try:
            # A file object: the stored name carries no extension, and content decides the type anyway.
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            handle.close()
            raise _reject("file_damaged") from exc
        try:
            for number, row in enumerate(workbook.worksheets[0].iter_rows(), start=1):
                values = []
                for index, cell in enumerate(row):
                    if getattr(cell, "data_type", None) == "f":
                        formula_cells.append(f"{_letter(index)}{number}")
                    values.append(getattr(cell, "value", None))
                rows.append((number, values))
                if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                    raise _reject("too_many_rows", max=f"{MAX_ROWS:,}".replace(",", "."))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise _reject("file_damaged") from exc
        finally:
            workbook.close()
            handle.close()
        return rows, formula_cells
    with open(path, "rb") as fh:
        try:
            text = _decode_csv(fh.read())
        except FileRejected as exc:
            raise _reject("csv_encoding") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            for index, value in enumerate(values):
                if value.startswith("=") and len(value) > 1:
                    formula_cells.append(f"{_letter(index)}{number}")
            rows.append((number, values))
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise _reject("too_many_rows", max=f"{MAX_ROWS:,}".replace(",", "."))
    except csv.Error as exc:
        raise _reject("not_spreadsheet") from exc
    return rows, formula_cells


def register_read(path: str) -> list[tuple[int, dict]]:
    """Raw rows of the register file as (row number, {column key: raw value}). Raises RegisterFileRejected."""
    if _file_size(path) > MAX_FILE_BYTES:
        raise _reject("file_too_large", mb=MAX_FILE_BYTES // 2**20)
    raw, formula_cells = _raw_rows(path)
    lookup = _lookup()
    header_row, columns = None, {}
    for number, values in raw[:HEADER_SCAN_ROWS]:
        mapped = {}
        for index, value in enumerate(values):
            key = lookup.get(text_fold(text_clean(value))) if isinstance(value, str) else None
            if key and key not in mapped:
                mapped[key] = index
        if set(REQUIRED) <= set(mapped):
            header_row, columns = number, mapped
            break
        if len(mapped) > len(columns):
            columns = mapped
    if header_row is None:
        missing = [column_label(k) for k in REQUIRED if k not in columns]
        raise _reject("missing_columns", columns=", ".join(missing))
    wanted = set(columns.values())
    formulas = [ref for ref in formula_cells if _column_index(ref) in wanted]
    if formulas:
        raise _reject("formulas", cells=", ".join(formulas[:10]) + (" …" if len(formulas) > 10 else ""))
    out = []
    for number, values in raw:
        if number <= header_row:
            continue
        record = {key: (values[i] if i < len(values) else None) for key, i in columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
            continue
        first = record.get("identifier")
        if isinstance(first, str) and first.strip().startswith("#"):
            continue
        out.append((number, record))
    if not out:
        raise _reject("no_rows")
    return out


def _file_size(path: str) -> int:
    import os

    return os.path.getsize(path)


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if ch.isalpha():
            index = index * 26 + (ord(ch) - 64)
    return index - 1


# --- Checking rows ---------------------------------------------------------------------------------------


class UnitIndex:
    """The administrative units, looked up by code or folded name (loaded once per import)."""

    def __init__(self):
        self.current_by_code: dict[str, AdministrativeUnit] = {}
        self.current_by_name: dict[str, list[AdministrativeUnit]] = {}
        self.districts_by_code: dict[str, AdministrativeUnit] = {}
        self.districts_by_name: dict[str, list[AdministrativeUnit]] = {}
        self.communes_by_code: dict[str, AdministrativeUnit] = {}
        self.communes_by_district_name: dict[tuple[int, str], AdministrativeUnit] = {}
        self.new_units: dict[int, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.all():
            folded = text_fold(unit.name)
            if unit.is_current:
                self.current_by_code[unit.code] = unit
                self.current_by_name.setdefault(folded, []).append(unit)
            elif unit.level == "district":
                self.districts_by_code[unit.code] = unit
                self.districts_by_name.setdefault(folded, []).append(unit)
            else:
                self.communes_by_code[unit.code] = unit
                self.communes_by_district_name[(unit.parent_id, folded)] = unit
        for row in LegacyToNewUnit.objects.select_related("new").order_by("-is_default", "new__name"):
            self.new_units.setdefault(row.legacy_id, []).append(row.new)
        self.district_new_units: dict[int, list[AdministrativeUnit]] = {}
        for commune in self.communes_by_code.values():
            for new in self.new_units.get(commune.pk, []):
                units = self.district_new_units.setdefault(commune.parent_id, [])
                if new not in units:
                    units.append(new)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text_clean(str(value))


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _email(value) -> str | None:
    """The contact e-mail, lower-cased; None when the file gives none (an entry keeps the one it has). An
    unreadable one is left out (the owner then proves ownership with a document), never a reason to skip
    the business."""
    text = _text(value).lower()
    if not text:
        return None
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text[:254]


def _code(value) -> str:
    text = _text(value)
    return text.zfill(5) if text.isdigit() and len(text) < 5 and len(text) > 3 else text


def register_rows_check(raw: list[tuple[int, dict]], units: UnitIndex | None = None) -> list[RegisterRow]:
    """Check every raw row: identifiers normalised, codes looked up, addresses converted. No writes."""
    units = units or UnitIndex()
    seen: dict[str, int] = {}
    out = []
    for number, record in raw:
        row = RegisterRow(number=number)

        def problem(code, column, _row=row, **params):
            _row.problems.append({"code": code, "row": _row.number, "column": column, "params": params})

        name = _text(record.get("name"))
        if not name:
            problem("required", "name")
        legal_raw = _text(record.get("legal_form"))
        legal_form = LEGAL_FORMS.get(text_fold(legal_raw)) or (
            legal_raw if legal_raw in LegalForm.values else None)
        if not legal_raw:
            problem("required", "legal_form")
        elif legal_form is None:
            problem("legal_form", "legal_form", value=legal_raw)
        raw_identifier = record.get("identifier")
        identifier = ""
        if raw_identifier is None or (isinstance(raw_identifier, str) and not raw_identifier.strip()):
            problem("required", "identifier")
        else:
            try:
                identifier = identifier_normalise(value=raw_identifier, legal_form=legal_form).value
            except ValidationError as exc:
                problem("identifier", "identifier", message=" ".join(exc.messages),
                        messages=messages_by_language(exc))
        if identifier:
            if identifier in seen:
                problem("duplicate_identifier", "identifier", row=seen[identifier])
            else:
                seen[identifier] = number
        status_raw = _text(record.get("status"))
        status = STATUSES.get(text_fold(status_raw))
        if not status_raw:
            problem("required", "status")
        elif status is None:
            problem("status", "status", value=status_raw)
        size_raw = _text(record.get("size"))
        size = SIZES.get(text_fold(size_raw), "") if size_raw else ""
        if size_raw and not size:
            problem("size", "size", value=size_raw)
        sector = _text(record.get("sector")).upper()[:1] if _text(record.get("sector")) else ""
        if sector and sector not in MainSector.values:
            problem("sector", "sector", value=_text(record.get("sector")))
        as_of = None
        if _text(record.get("as_of")):
            try:
                as_of = _date(record.get("as_of"))
            except ValueError:
                problem("as_of", "as_of", value=_text(record.get("as_of")))
        address = _address(record, units, problem)
        row.values = {
            "identifier": identifier, "name": name[:255], "legal_form": legal_form or "", "status": status or "",
            "size_class": size, "main_sector": sector, "source": _text(record.get("source"))[:255], "as_of": as_of,
            "contact_email": _email(record.get("contact_email")), **address,
        }
        out.append(row)
    return out


def _address(record: dict, units: UnitIndex, problem) -> dict:
    """Ward, old district/commune and the review flag. A split old commune is left for a person."""
    result = {"ward_id": None, "legacy_district_id": None, "legacy_commune_id": None,
              "needs_address_review": False, "ward_candidates": []}
    ward_raw = _code(record.get("ward"))
    if ward_raw:
        unit = units.current_by_code.get(ward_raw)
        if unit is None:
            matches = units.current_by_name.get(text_fold(ward_raw), [])
            unit = matches[0] if len(matches) == 1 else None
        if unit is None:
            problem("ward", "ward", value=ward_raw)
            return result
        result["ward_id"] = unit.pk
    district_raw = _text(record.get("old_district"))
    commune_raw = _code(record.get("old_commune"))
    district = None
    if district_raw:
        district = units.districts_by_code.get(district_raw)
        if district is None:
            matches = units.districts_by_name.get(text_fold(district_raw), [])
            if len(matches) == 1:
                district = matches[0]
        if district is None:
            problem("old_district", "old_district", value=district_raw)
            return result
        result["legacy_district_id"] = district.pk
    commune = None
    if commune_raw:
        commune = units.communes_by_code.get(commune_raw)
        if commune is None and district is not None:
            commune = units.communes_by_district_name.get((district.pk, text_fold(commune_raw)))
        if commune is None or (district is not None and commune.parent_id != district.pk):
            problem("old_commune", "old_commune", value=commune_raw)
            return result
        result["legacy_commune_id"] = commune.pk
        result["legacy_district_id"] = commune.parent_id
    if result["ward_id"] is None and (commune or district):
        candidates = units.new_units.get(commune.pk, []) if commune else units.district_new_units.get(district.pk, [])
        if len(candidates) == 1:
            result["ward_id"] = candidates[0].pk
        else:
            result["needs_address_review"] = True
            result["ward_candidates"] = [u.code for u in candidates]
    return result
