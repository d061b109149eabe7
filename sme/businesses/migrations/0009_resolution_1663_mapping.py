"""Drop the six old -> new rows Resolution 1663/NQ-UBTVQH15 contradicts (see sme/businesses/data/README.md).

Old Phường 4 and 6 of Mỹ Tho, Phường 3 and 4 of Cai Lậy and Phường 3 and 4 of Sa Đéc each went whole into
one new unit; the source package also listed Phường Cao Lãnh (29869) for them. Their remaining row becomes
the only, unambiguous one. A database loaded from the corrected fixture has nothing to drop.
"""

from django.db import migrations

# (old commune code, old district code) -> the wrong candidate.
WRONG_ROWS = {("28252", "815"), ("28270", "815"), ("28437", "817"), ("28439", "817"), ("29902", "867"),
              ("29908", "867")}
WRONG_NEW = "29869"


def forwards(apps, schema_editor):
    Unit = apps.get_model("businesses", "AdministrativeUnit")
    Mapping = apps.get_model("businesses", "LegacyToNewUnit")
    wrong_new = Unit.objects.filter(code=WRONG_NEW, is_current=True).first()
    if wrong_new is None:  # units not loaded (nothing to correct)
        return
    for commune_code, district_code in WRONG_ROWS:
        old = Unit.objects.filter(code=commune_code, is_current=False, level="commune",
                                  parent__code=district_code).first()
        if old is None:
            continue
        Mapping.objects.filter(legacy=old, new=wrong_new).delete()
        Mapping.objects.filter(legacy=old).update(is_ambiguous=False, is_default=True)


class Migration(migrations.Migration):
    dependencies = [("businesses", "0008_consent_erasure")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
