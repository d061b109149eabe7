"""Regenerate ``admin_units_dong_thap.json`` from the MIT-licensed ``vietnamadminunits`` package.

Not part of the running platform, and not a dependency: install the package into a throwaway virtualenv
and run this file with it, from the repository root::

    python3 -m venv /tmp/vau-venv && /tmp/vau-venv/bin/pip install vietnamadminunits==1.0.4
    /tmp/vau-venv/bin/python sme/businesses/data/generate_admin_units.py

Why this package: ``vietnamadminunits`` (MIT) ships both the pre-July-2025 three-level units and the
2025 two-level units with a conversion table; ``vietnam-provinces`` is GPL-3.0 and, on Python 3.11, only
has the new units. The fixture keeps Đồng Tháp only: its 102 current wards/communes, the districts and
communes of old Đồng Tháp (GSO 87) and Tiền Giang (GSO 82), and the old -> new mapping. A split old
commune keeps all its candidate new units (``is_default`` marks the package's default guess).

The package's conversion table is then checked against Resolution 1663/NQ-UBTVQH15 (transcribed in
``resolution_1663_dong_thap.json``): a candidate the resolution does not name is dropped (the package lists
Phường Cao Lãnh as a second candidate for old Phường 3/4/6 of Mỹ Tho, Cai Lậy and Sa Đéc, a mix-up of
same-named wards), and an old unit the resolution sends somewhere the package does not stops the script.
"""

import datetime
import json
import sqlite3
from importlib.metadata import version
from pathlib import Path

import vietnamadminunits

OUT = Path(__file__).with_name("admin_units_dong_thap.json")
RESOLUTION = Path(__file__).with_name("resolution_1663_dong_thap.json")
PACKAGE_DIR = Path(vietnamadminunits.__file__).parent
NEW_PROVINCE_KEY = "tinhdongthap"
LEGACY_PROVINCE_CODES = ("87", "82")  # old Đồng Tháp, Tiền Giang
KINDS = {"Phường": "phuong", "Xã": "xa", "Thị trấn": "thi_tran", "Huyện": "huyen", "Thị xã": "thi_xa",
         "Thành phố": "thanh_pho"}


def main() -> None:
    db = sqlite3.connect(PACKAGE_DIR / "data" / "dataset.db")
    converter = json.loads((PACKAGE_DIR / "data" / "converter_2025.json").read_text(encoding="utf-8"))

    current_rows = db.execute(
        "SELECT wardCode, ward, wardType, wardKey FROM admin_units WHERE provinceKey = ? ORDER BY wardCode",
        (NEW_PROVINCE_KEY,),
    ).fetchall()
    current = [{"code": code, "name": name, "kind": KINDS[kind]} for code, name, kind, _ in current_rows]
    # Keys are the package's ASCII-folded names, except where folding would collide: "Xã Tân Thành" and
    # "Xã Tân Thạnh" keep their diacritics ("xãtânthành", "xãtânthạnh"), in the table and converter alike.
    code_by_new_key = {key: code for code, _, _, key in current_rows}

    legacy_rows = db.execute(
        "SELECT provinceCode, province, provinceKey, districtCode, district, districtType, districtKey, "
        "wardCode, ward, wardType, wardKey FROM admin_units_legacy WHERE provinceCode IN (?, ?) "
        "ORDER BY provinceCode, districtCode, wardCode",
        LEGACY_PROVINCE_CODES,
    ).fetchall()
    districts: dict[str, dict] = {}
    communes = []
    code_by_legacy_key = {}
    for (p_code, p_name, p_key, d_code, d_name, d_kind, d_key, w_code, w_name, w_kind, w_key) in legacy_rows:
        districts.setdefault(d_code, {"code": d_code, "name": d_name, "kind": KINDS[d_kind],
                                      "province_code": p_code, "province_name": p_name})
        communes.append({"code": w_code, "name": w_name, "kind": KINDS[w_kind], "district_code": d_code})
        code_by_legacy_key[f"{p_key}_{d_key}_{w_key}"] = w_code

    mapping: dict[tuple[str, str], bool] = {}
    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][NEW_PROVINCE_KEY].items():
        for old_key in old_keys:
            mapping[(code_by_legacy_key[old_key], code_by_new_key[new_key])] = True
    for old_key, candidates in converter["DICT_PROVINCE_WARD_DIVIDED"].get(NEW_PROVINCE_KEY, {}).items():
        old_code = code_by_legacy_key[old_key]
        for candidate in candidates:
            new_code = code_by_new_key[candidate["newWardKey"]]
            mapping[(old_code, new_code)] = mapping.get((old_code, new_code), False) or candidate["isDefaultNewWard"]

    mapping = _as_resolved(mapping, districts, communes, current)
    unmapped = {c["code"] for c in communes} - {old for old, _ in mapping}
    assert not unmapped, f"legacy communes with no new unit: {sorted(unmapped)}"
    fixture = {
        "source": "vietnamadminunits (https://github.com/tranngocminhhieu/vietnamadminunits), data/dataset.db "
                  "and data/converter_2025.json",
        "source_version": version("vietnamadminunits"),
        "licence": "MIT, Copyright (c) 2025 Tran Ngoc Minh Hieu",
        "generated_on": datetime.date.today().isoformat(),
        "generator": "sme/businesses/data/generate_admin_units.py",
        "province": {"code": "82", "name": "Tỉnh Đồng Tháp", "valid_from": "2025-07-01"},
        "legacy_valid_to": "2025-06-30",
        "current": current,
        "legacy_districts": sorted(districts.values(), key=lambda d: d["code"]),
        "legacy_communes": communes,
        "mapping": [[old, new, is_default] for (old, new), is_default in sorted(mapping.items())],
    }
    OUT.write_text(json.dumps(fixture, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(current)} current, {len(districts)} districts, {len(communes)} communes, "
          f"{len(mapping)} mapping rows")


def _spelling(name: str) -> str:
    # The resolution writes "Mỹ Quí" where the unit lists write "Mỹ Quý".
    return name.casefold().replace("quí", "quý")


def _as_resolved(mapping: dict, districts: dict, communes: list, current: list) -> dict:
    """Keep the rows Resolution 1663 confirms; fail on a unit it sends elsewhere."""
    district_names = {code: d["name"] for code, d in districts.items()}
    legacy = {(_spelling(district_names[c["district_code"]]), _spelling(c["name"])): c["code"] for c in communes}
    new_codes = {_spelling(u["name"]): u["code"] for u in current}
    allowed: dict[str, set[str]] = {}
    for clause in json.loads(RESOLUTION.read_text(encoding="utf-8"))["clauses"]:
        new_code = new_codes[_spelling(clause["new"])]
        for old in clause["whole"] + clause.get("part", []):
            district, commune = (_spelling(part.strip()) for part in old.split("/"))
            allowed.setdefault(legacy[(district, commune)], set()).add(new_code)
    kept = {}
    for (old, new), is_default in mapping.items():
        if new in allowed.get(old, ()):
            kept[(old, new)] = is_default or len(allowed[old]) == 1
        else:
            print(f"dropped {old} -> {new}: not in Resolution 1663")
    for old, news in allowed.items():
        missing = news - {n for o, n in kept if o == old}
        assert not missing, f"{old}: the resolution also names {sorted(missing)}, the package does not"
    return kept


if __name__ == "__main__":
    main()
