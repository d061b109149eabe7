"""Register entries (and their earlier states) waiting for a person to pick the new ward of an old commune
that, after businesses.0009, has a single new unit: placed in it, as an import would place them now."""

from django.db import migrations


def forwards(apps, schema_editor):
    Mapping = apps.get_model("businesses", "LegacyToNewUnit")
    for model_name in ("RegisterEntry", "RegisterEntryHistory"):
        Model = apps.get_model("adoption", model_name)
        waiting = Model.objects.filter(needs_address_review=True, legacy_commune__isnull=False)
        for commune_id in set(waiting.values_list("legacy_commune_id", flat=True)):
            new_units = list(Mapping.objects.filter(legacy_id=commune_id).values_list("new_id", "new__code"))
            if len(new_units) != 1:
                continue
            new_id, new_code = new_units[0]
            waiting.filter(legacy_commune_id=commune_id).update(
                ward_id=new_id, needs_address_review=False, ward_candidates=[new_code])


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0003_register_history"),
        ("businesses", "0009_resolution_1663_mapping"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
