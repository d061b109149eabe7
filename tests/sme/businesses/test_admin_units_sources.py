"""The administrative units against two independent sources, row by row.

- Resolution 1663/NQ-UBTVQH15 (16 June 2025), which created Đồng Tháp's 102 units: every old commune goes
  exactly where the resolution sends it (whole into one unit, or, for the three it divides, a part into
  each of two), and nowhere else. Transcribed in ``sme/businesses/data/resolution_1663_dong_thap.json``.
- The ``vietnam-provinces`` package (2025.10.1, data of 2025-10-18, from the national statistics office's
  list): the 102 current units with the same codes, names and kinds. It has no pre-2025 units or conversion
  table on Python 3.11 (2026.x has them but needs Python 3.12), so the mapping is checked against the
  resolution alone.

The rows checked are the database's (loaded by migrations, corrected by businesses.0009) and the fixture's.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest
from vietnam_provinces import ProvinceCode, VietNamDivisionType, Ward

from sme.businesses.models import AdministrativeUnit, LegacyToNewUnit, UnitKind

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "sme" / "businesses" / "data"


def _folded(name: str) -> str:
    # The resolution spells "Mỹ Quí" where the unit lists spell "Mỹ Quý"; nothing else differs.
    return " ".join(name.split()).casefold().replace("quí", "quý")


def _resolution() -> list[dict]:
    return json.loads((DATA / "resolution_1663_dong_thap.json").read_text(encoding="utf-8"))["clauses"]


def _where_the_resolution_sends_each_old_commune() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(old commune code -> new unit codes it went to, old commune code -> those it only partly went to),
    read from the transcription and resolved by name against the units in the database."""
    legacy = {(_folded(c.parent.name), _folded(c.name)): c.code
              for c in AdministrativeUnit.objects.legacy_communes().select_related("parent")}
    current = {_folded(u.name): u.code for u in AdministrativeUnit.objects.current()}
    went: dict[str, set[str]] = defaultdict(set)
    partly: dict[str, set[str]] = defaultdict(set)
    for clause in _resolution():
        new_code = current[_folded(clause["new"])]
        for share in ("whole", "part"):
            for written in clause.get(share, []):
                district, commune = written.split(" / ")
                old_code = legacy[(_folded(district), _folded(commune))]
                went[old_code].add(new_code)
                if share == "part":
                    partly[old_code].add(new_code)
    return went, partly


def _database_rows() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = defaultdict(set)
    for old, new in LegacyToNewUnit.objects.values_list("legacy__code", "new__code"):
        rows[old].add(new)
    return rows


def _fixture_rows() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = defaultdict(set)
    for old, new, _default in json.loads((DATA / "admin_units_dong_thap.json").read_text(encoding="utf-8"))["mapping"]:
        rows[old].add(new)
    return rows


def test_the_transcription_has_102_clauses_naming_every_old_commune_and_every_new_unit():
    # when
    went, partly = _where_the_resolution_sends_each_old_commune()
    clauses = _resolution()

    # then: 102 clauses, one per new unit; all 305 old communes placed; three divided in two
    assert len(clauses) == 102
    assert len({_folded(c["new"]) for c in clauses}) == 102
    assert set(went) == set(AdministrativeUnit.objects.legacy_communes().values_list("code", flat=True))
    assert len(went) == 305
    assert {old: len(news) for old, news in partly.items()} == {"29995": 2, "30079": 2, "30157": 2}
    assert all(len(news) == 1 for old, news in went.items() if old not in partly)


@pytest.mark.parametrize("rows", [_database_rows, _fixture_rows], ids=["database", "fixture"])
def test_every_old_to_new_row_is_what_the_resolution_says(rows):
    # given
    went, _partly = _where_the_resolution_sends_each_old_commune()

    # when
    mapping = rows()

    # then: the same candidates for each of the 305 old communes, no more and no fewer
    disagreements = {old: (sorted(mapping.get(old, ())), sorted(went.get(old, ())))
                     for old in set(went) | set(mapping) if mapping.get(old, set()) != went.get(old, set())}
    assert disagreements == {}


def test_only_the_three_divided_communes_are_ambiguous():
    # given
    _went, partly = _where_the_resolution_sends_each_old_commune()

    # when
    ambiguous = set(LegacyToNewUnit.objects.filter(is_ambiguous=True).values_list("legacy__code", flat=True))
    defaults = LegacyToNewUnit.objects.filter(is_default=True).values_list("legacy__code", flat=True)

    # then: each old commune has exactly one default guess
    assert ambiguous == set(partly)
    assert sorted(defaults) == sorted(set(defaults)) and len(defaults) == 305


def test_the_six_same_name_rows_are_gone():
    # Old Phường 3/4/6 of Mỹ Tho, Cai Lậy and Sa Đéc went whole into one unit, not into Phường Cao Lãnh
    cao_lanh = AdministrativeUnit.objects.current().get(code="29869")
    expected = {("28252", "815"): "28249", ("28270", "815"): "28270", ("28437", "817"): "28435",
                ("28439", "817"): "28439", ("29902", "867"): "29905", ("29908", "867"): "29905"}
    for (commune, district), new in expected.items():
        old = AdministrativeUnit.objects.legacy_communes().get(code=commune, parent__code=district)
        assert list(old.new_units.values_list("new__code", "is_ambiguous")) == [(new, False)]
    # and Phường Cao Lãnh comes only from old Cao Lãnh city, so it keeps its old district
    assert set(cao_lanh.legacy_units.values_list("legacy__parent__name", flat=True)) == {"Thành phố Cao Lãnh"}


def test_the_102_current_units_match_vietnam_provinces():
    # given
    kinds = {VietNamDivisionType.PHUONG: UnitKind.PHUONG, VietNamDivisionType.XA: UnitKind.XA}
    theirs = {str(int(w.code)): (w.name, kinds[w.division_type])
              for w in Ward.iter_by_province(ProvinceCode.P_82)}

    # when
    ours = {u.code: (u.name, u.kind) for u in AdministrativeUnit.objects.current()}

    # then
    assert len(theirs) == 102
    assert ours == theirs
