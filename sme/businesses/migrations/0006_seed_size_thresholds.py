"""Seed the SME size thresholds of Decree 80/2021/NĐ-CP Art. 5 (in force 15 October 2021)."""

import datetime

from django.db import migrations

BN = 1_000_000_000
LEGAL_BASIS = "Decree 80/2021/NĐ-CP Art. 5; Law 04/2017/QH14 Art. 4"
VALID_FROM = datetime.date(2021, 10, 15)
# (sector group, size class, max insured headcount, max prior-year revenue, max total capital)
THRESHOLDS = [
    ("agriculture_industry", "micro", 10, 3 * BN, 3 * BN),
    ("agriculture_industry", "small", 100, 50 * BN, 20 * BN),
    ("agriculture_industry", "medium", 200, 200 * BN, 100 * BN),
    ("trade_services", "micro", 10, 10 * BN, 3 * BN),
    ("trade_services", "small", 50, 100 * BN, 50 * BN),
    ("trade_services", "medium", 100, 300 * BN, 100 * BN),
]


def seed(apps, schema_editor):
    SizeThreshold = apps.get_model("businesses", "SizeThreshold")
    for group, size_class, headcount, revenue, capital in THRESHOLDS:
        SizeThreshold.objects.update_or_create(
            sector_group=group, size_class=size_class, valid_from=VALID_FROM,
            defaults={"max_insured_headcount": headcount, "max_revenue_vnd": revenue,
                      "max_capital_vnd": capital, "legal_basis": LEGAL_BASIS},
        )


def unseed(apps, schema_editor):
    apps.get_model("businesses", "SizeThreshold").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("businesses", "0005_size_class")]

    operations = [migrations.RunPython(seed, unseed)]
