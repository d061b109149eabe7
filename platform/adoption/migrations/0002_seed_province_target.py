"""The province's target: more than 55% of SMEs doing business on e-commerce platforms by the end of 2025
(KH 241/KH-UBND of 6 July 2022). Officers edit it or add later targets on the targets page."""

import datetime
from decimal import Decimal

from django.db import migrations


def forward(apps, schema_editor):
    Target = apps.get_model("adoption", "AdoptionTarget")
    Version = apps.get_model("adoption", "AdoptionTargetVersion")
    if Target.objects.exists():
        return
    target = Target.objects.create(
        name="SMEs doing business on e-commerce platforms", percent=Decimal("55"),
        deadline=datetime.date(2025, 12, 31), legal_basis="KH 241/KH-UBND (06/07/2022)", is_active=True)
    Version.objects.create(target=target, name=target.name, percent=target.percent, deadline=target.deadline,
                           legal_basis=target.legal_basis, is_active=True)


class Migration(migrations.Migration):
    dependencies = [("adoption", "0001_register_declarations_targets_snapshots_tokens")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
