"""Load Đồng Tháp's current and legacy administrative units and the old -> new mapping from the fixture."""

import datetime
import json
from collections import Counter
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "admin_units_dong_thap.json"


def load(apps, schema_editor):
    Unit = apps.get_model("businesses", "AdministrativeUnit")
    Mapping = apps.get_model("businesses", "LegacyToNewUnit")
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    province = data["province"]
    valid_from = datetime.date.fromisoformat(province["valid_from"])
    valid_to = datetime.date.fromisoformat(data["legacy_valid_to"])

    current = Unit.objects.bulk_create(
        Unit(code=u["code"], name=u["name"], level="commune", kind=u["kind"], province_code=province["code"],
             province_name=province["name"], is_current=True, valid_from=valid_from)
        for u in data["current"]
    )
    districts = Unit.objects.bulk_create(
        Unit(code=d["code"], name=d["name"], level="district", kind=d["kind"], province_code=d["province_code"],
             province_name=d["province_name"], is_current=False, valid_to=valid_to)
        for d in data["legacy_districts"]
    )
    district_by_code = {d.code: d for d in districts}
    communes = Unit.objects.bulk_create(
        Unit(code=c["code"], name=c["name"], level="commune", kind=c["kind"],
             province_code=district_by_code[c["district_code"]].province_code,
             province_name=district_by_code[c["district_code"]].province_name,
             parent=district_by_code[c["district_code"]], is_current=False, valid_to=valid_to)
        for c in data["legacy_communes"]
    )
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+; read them back to be safe elsewhere.
    current_by_code = {u.code: u.pk for u in Unit.objects.filter(is_current=True)}
    legacy_by_code = {u.code: u.pk for u in Unit.objects.filter(is_current=False, level="commune")}
    del current, communes
    candidates = Counter(old for old, _new, _default in data["mapping"])
    Mapping.objects.bulk_create(
        Mapping(legacy_id=legacy_by_code[old], new_id=current_by_code[new], is_default=is_default,
                is_ambiguous=candidates[old] > 1)
        for old, new, is_default in data["mapping"]
    )


def unload(apps, schema_editor):
    apps.get_model("businesses", "LegacyToNewUnit").objects.all().delete()
    Unit = apps.get_model("businesses", "AdministrativeUnit")
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("businesses", "0002_administrative_units")]

    operations = [migrations.RunPython(load, unload)]
