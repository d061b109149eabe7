"""The three plans of issue 8. Prices are whole đồng (VND is zero-decimal). Re-running leaves edited rows alone."""

from django.db import migrations

PLANS = [
    # code, name, description (pages list the limits themselves), order, marketplaces, active products, automatic sync, monthly, yearly
    ("free", "Miễn phí", "", 0, 1, 50, False, 0, 0),
    ("growth", "Tăng trưởng", "", 1, 3, 1000, True,
     199_000, 1_990_000),
    ("pro", "Chuyên nghiệp", "", 2, None, None, True,
     499_000, 4_990_000),
]


def forward(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for code, name, description, order, marketplaces, products, auto, monthly, yearly in PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "description": description, "sort_order": order,
                "max_marketplaces": marketplaces, "max_active_products": products, "automatic_sync": auto,
                "price_monthly_vnd": monthly, "price_yearly_vnd": yearly,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_plans_subscriptions_webhooks_vouchers")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
