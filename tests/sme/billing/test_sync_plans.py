"""`manage.py billing_sync_plans` pushes the plans to Stripe (the local fake) as Products and VND Prices."""

import io

import pytest
from django.core.management import CommandError, call_command

from sme.billing.models import Plan
from tests.sme.billing.factories import ensure_plans

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plans():
    ensure_plans()


def _run() -> str:
    out = io.StringIO()
    call_command("billing_sync_plans", stdout=out)
    return out.getvalue()


def test_sync_creates_a_product_and_two_vnd_prices_per_paid_plan(stripe_on):
    # when
    _run()

    # then the paid plans exist in Stripe and keep the ids locally; Free is not sold
    growth, pro, free = (Plan.objects.get(code=c) for c in ("growth", "pro", "free"))
    assert set(stripe_on.products) == {growth.stripe_product_id, pro.stripe_product_id} == {"dtsme_growth", "dtsme_pro"}
    assert free.stripe_product_id == free.stripe_price_monthly_id == ""
    monthly = stripe_on.prices[growth.stripe_price_monthly_id]
    yearly = stripe_on.prices[growth.stripe_price_yearly_id]
    # VND is zero-decimal: whole đồng, never multiplied by 100
    assert (monthly["currency"], monthly["unit_amount"], monthly["recurring"]["interval"]) == ("vnd", 199_000, "month")
    assert (yearly["unit_amount"], yearly["recurring"]["interval"]) == (1_990_000, "year")
    assert stripe_on.prices[pro.stripe_price_monthly_id]["unit_amount"] == 499_000
    assert monthly["product"] == "dtsme_growth"
    assert growth.stripe_synced_at is not None


def test_sync_twice_changes_nothing_the_second_time(stripe_on):
    # given
    _run()
    ids = list(Plan.objects.values_list("stripe_product_id", "stripe_price_monthly_id", "stripe_price_yearly_id"))
    writes_before = len(stripe_on.calls("POST"))

    # when
    output = _run()

    # then no object was created or changed at Stripe and the ids stayed
    assert len(stripe_on.calls("POST")) == writes_before
    assert list(Plan.objects.values_list("stripe_product_id", "stripe_price_monthly_id",
                                         "stripe_price_yearly_id")) == ids
    assert len(stripe_on.prices) == 4
    assert "Nothing to change" in output


def test_a_new_price_replaces_the_old_one_which_is_archived(stripe_on):
    # given
    _run()
    growth = Plan.objects.get(code="growth")
    old_monthly, old_yearly = growth.stripe_price_monthly_id, growth.stripe_price_yearly_id
    Plan.objects.filter(pk=growth.pk).update(price_monthly_vnd=249_000)

    # when
    _run()

    # then
    growth.refresh_from_db()
    assert growth.stripe_price_monthly_id != old_monthly
    assert stripe_on.prices[growth.stripe_price_monthly_id]["unit_amount"] == 249_000
    assert stripe_on.prices[growth.stripe_price_monthly_id]["lookup_key"] == "dtsme_growth_month"
    assert stripe_on.prices[old_monthly]["active"] is False
    assert growth.stripe_price_yearly_id == old_yearly and stripe_on.prices[old_yearly]["active"] is True


def test_sync_after_losing_local_ids_adopts_what_stripe_has(stripe_on):
    # given the plans were synced, then the local ids were lost (a restored database)
    _run()
    ids = dict(Plan.objects.values_list("code", "stripe_price_monthly_id"))
    Plan.objects.update(stripe_product_id="", stripe_price_monthly_id="", stripe_price_yearly_id="")

    # when
    _run()

    # then no duplicate product or price was made
    assert len(stripe_on.products) == 2 and len(stripe_on.prices) == 4
    assert dict(Plan.objects.values_list("code", "stripe_price_monthly_id")) == ids


def test_sync_without_keys_fails_clearly_and_changes_nothing(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""

    with pytest.raises(CommandError, match="not configured"):
        _run()

    assert not Plan.objects.exclude(stripe_product_id="").exists()


def test_stripe_refusing_is_reported_and_stores_no_ids(stripe_on):
    stripe_on.fail_next = [500]

    with pytest.raises(CommandError, match="Stripe refused"):
        _run()

    assert not Plan.objects.exclude(stripe_product_id="").exists()
