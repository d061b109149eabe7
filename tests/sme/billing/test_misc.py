"""Settings checks, the banner template tag, the periodic task, the admin, and the pages in Vietnamese."""

import datetime

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from sme.billing.checks import stripe_settings_check
from sme.billing.models import SubscriptionStatus
from sme.billing.tasks import billing_grace_expired_task
from sme.businesses.models import Membership
from tests.factories import UserFactory
from tests.sme.billing.factories import business_with_owner, ensure_plans, subscription

pytestmark = pytest.mark.django_db


def test_half_configured_stripe_is_a_system_check_error(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""

    problems = stripe_settings_check(None)

    assert [p.id for p in problems] == ["billing.E001"]
    assert "STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET" in problems[0].msg


def test_no_stripe_keys_at_all_is_fine(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""

    assert stripe_settings_check(None) == []


def _banner(business, owner) -> str:
    request = RequestFactory().get("/")
    request.user = owner
    request.membership = Membership.objects.get(business=business, user=owner)
    return Template("{% load billing %}{% billing_banner %}").render(Context({"request": request}))


def test_the_banner_tag_warns_during_grace_and_after_downgrade_and_is_silent_otherwise(stripe_on):
    plans = ensure_plans()
    ok, ok_owner = business_with_owner()
    subscription(ok, plans["growth"])
    grace, grace_owner = business_with_owner()
    subscription(grace, plans["growth"], status=SubscriptionStatus.PAST_DUE,
                 grace_until=timezone.now() + datetime.timedelta(days=2))
    lapsed, lapsed_owner = business_with_owner()
    subscription(lapsed, plans["growth"], status=SubscriptionStatus.PAST_DUE,
                 grace_until=timezone.now() - datetime.timedelta(days=1))

    assert "billing-banner" not in _banner(ok, ok_owner)
    assert 'data-testid="billing-grace"' in _banner(grace, grace_owner)
    assert 'data-testid="billing-downgraded"' in _banner(lapsed, lapsed_owner)


def test_the_hourly_task_emails_owners_whose_grace_period_ended_once(stripe_on):
    plans = ensure_plans()
    business, owner = business_with_owner()
    record = subscription(business, plans["growth"], status=SubscriptionStatus.PAST_DUE,
                          grace_until=timezone.now() - datetime.timedelta(hours=1))
    still_in_grace, _ = business_with_owner()
    subscription(still_in_grace, plans["growth"], status=SubscriptionStatus.PAST_DUE,
                 grace_until=timezone.now() + datetime.timedelta(days=1))

    first = billing_grace_expired_task.delay().get()
    second = billing_grace_expired_task.delay().get()

    record.refresh_from_db()
    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert record.downgrade_notified_at is not None and record.status == SubscriptionStatus.PAST_DUE


def test_the_plans_page_speaks_vietnamese_by_default(client, synced):
    _, owner = business_with_owner(language="vi")
    client.force_login(owner)

    html = client.get("/billing/").content.decode()

    assert "Gói dịch vụ và thanh toán" in html and "199.000\xa0₫ mỗi tháng" in html and "1.000 sản phẩm đang bán" in html
    assert 'data-testid="current-plan">Miễn phí<' in html and "Trả theo tháng" in html


def test_the_admin_lists_billing_records(client, synced, stripe_on):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    business, _ = business_with_owner()
    subscription(business, synced["growth"])
    client.force_login(admin)

    for model in ("plan", "businesssubscription", "checkoutsession", "webhookevent", "voucherprogramme"):
        assert client.get(f"/django-admin/billing/{model}/").status_code == 200, model
    assert client.get(f"/django-admin/billing/plan/{synced['growth'].pk}/change/").status_code == 200
