"""Province-sponsored vouchers: officers create programmes (Stripe coupon + promotion code); redemptions."""

import pytest

from sme.billing.models import VoucherProgramme, VoucherRedemption
from tests.factories import UserFactory
from tests.sme.billing.factories import business_with_owner, officer
from tests.sme.billing.fake_stripe import post_event
from tests.sme.billing.helpers import start_checkout

pytestmark = pytest.mark.django_db

FORM = {"name": "6 tháng gói Tăng trưởng miễn phí cho chủ thể OCOP", "description": "Chủ thể OCOP 3 sao trở lên",
        "code": "ocop2026", "percent_off": "100", "duration_in_months": "6", "max_redemptions": "200",
        "expires_on": "2099-12-31"}


def _create(client, synced, **changes):
    return client.post("/billing/vouchers/", {**FORM, "plan": synced["growth"].pk, **changes})


def test_an_officer_creates_a_programme_backed_by_a_stripe_coupon_and_promotion_code(client, synced, stripe_on):
    # given
    user = officer()
    client.force_login(user)

    # when
    response = _create(client, synced)

    # then
    programme = VoucherProgramme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/billing/vouchers/{programme.pk}/"
    coupon = stripe_on.coupons[programme.stripe_coupon_id]
    assert (coupon["percent_off"], coupon["duration"], coupon["duration_in_months"]) == (100.0, "repeating", 6)
    assert coupon["applies_to"] == {"products": ["dtsme_growth"]}
    promo = stripe_on.promotion_codes[programme.stripe_promotion_code_id]
    assert (promo["code"], promo["promotion"], promo["max_redemptions"], promo["active"]) == (
        "OCOP2026", {"type": "coupon", "coupon": coupon["id"]}, 200, True)
    assert (programme.code, programme.plan.code, programme.created_by) == ("OCOP2026", "growth", user)
    assert "OCOP2026" in client.get(response["Location"]).content.decode()


def test_staff_users_may_create_programmes_too(client, synced, stripe_on):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = UserFactory(is_staff=True, preferred_language="en")
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    assert _create(client, synced).status_code == 302
    assert VoucherProgramme.objects.count() == 1


def test_business_owners_cannot_reach_the_voucher_pages(client, synced, stripe_on):
    _, owner = business_with_owner()
    client.force_login(owner)

    assert client.get("/billing/vouchers/").status_code == 403
    assert _create(client, synced).status_code == 403
    assert not VoucherProgramme.objects.exists() and stripe_on.coupons == {}


def test_a_code_with_spaces_or_accents_is_refused_before_calling_stripe(client, synced, stripe_on):
    client.force_login(officer())

    response = _create(client, synced, code="OCOP đồng tháp")

    assert response.status_code == 200
    assert "without spaces or accents" in response.content.decode()
    assert not VoucherProgramme.objects.exists() and stripe_on.coupons == {}


def test_a_code_already_used_is_refused_before_calling_stripe(client, synced, stripe_on):
    client.force_login(officer())
    _create(client, synced)
    coupons = len(stripe_on.coupons)

    response = _create(client, synced, name="Another", code="Ocop2026")

    assert response.status_code == 200 and "already used by another programme" in response.content.decode()
    assert VoucherProgramme.objects.count() == 1 and len(stripe_on.coupons) == coupons


def test_a_redemption_is_recorded_when_an_owner_subscribes_with_the_code(client, synced, stripe_on):
    # given a programme
    client.force_login(officer())
    _create(client, synced)
    programme = VoucherProgramme.objects.get()
    # when an owner subscribes to Growth with the code and Stripe confirms
    business, owner = business_with_owner()
    _, checkout = start_checkout(client, owner, plan="growth", voucher_code="ocop2026")
    _, _, params = stripe_on.calls("POST", "/v1/checkout/sessions")[0]
    sub = stripe_on.complete_checkout(checkout.stripe_session_id)
    event = stripe_on.event("checkout.session.completed", stripe_on._public_session(
        stripe_on.sessions[checkout.stripe_session_id]))
    post_event(client, event)
    post_event(client, stripe_on.event("customer.subscription.updated", sub))

    # then the code was applied at checkout and the redemption counted once
    assert params["discounts"] == [{"promotion_code": programme.stripe_promotion_code_id}]
    assert "allow_promotion_codes" not in params
    redemption = VoucherRedemption.objects.get()
    assert (redemption.programme, redemption.business, redemption.stripe_subscription_id) == (
        programme, business, sub["id"])
    # and the officer sees the business on the programme page
    client.force_login(officer())
    page = client.get(f"/billing/vouchers/{programme.pk}/").content.decode()
    assert business.legal_name in page and "1 business used this code" in page


def test_a_code_typed_on_stripes_page_is_tracked_too(client, synced, stripe_on):
    client.force_login(officer())
    _create(client, synced)
    programme = VoucherProgramme.objects.get()
    business, owner = business_with_owner()
    _, checkout = start_checkout(client, owner, plan="growth")
    # the owner types the code on Stripe's checkout page
    stripe_on.sessions[checkout.stripe_session_id]["discounts"] = [
        {"promotion_code": programme.stripe_promotion_code_id}]
    stripe_on.complete_checkout(checkout.stripe_session_id)

    post_event(client, stripe_on.event("checkout.session.completed", stripe_on._public_session(
        stripe_on.sessions[checkout.stripe_session_id])))

    assert VoucherRedemption.objects.filter(programme=programme, business=business).count() == 1


def test_a_code_for_another_plan_or_an_unknown_code_is_refused_at_checkout(client, synced, stripe_on):
    client.force_login(officer())
    _create(client, synced)
    _, owner = business_with_owner()

    wrong_plan, none_1 = start_checkout(client, owner, plan="pro", voucher_code="OCOP2026")
    unknown, none_2 = start_checkout(client, owner, plan="growth", voucher_code="NOPE")

    assert none_1 is None and none_2 is None
    assert "is for the Growth plan" in [str(m) for m in wrong_plan.wsgi_request._messages][-1]
    assert "does not exist or has ended" in [str(m) for m in unknown.wsgi_request._messages][-1]
    assert stripe_on.calls("POST", "/v1/checkout/sessions") == []


def test_ending_a_programme_deactivates_the_code_at_stripe(client, synced, stripe_on):
    client.force_login(officer())
    _create(client, synced)
    programme = VoucherProgramme.objects.get()

    response = client.post(f"/billing/vouchers/{programme.pk}/deactivate/")

    programme.refresh_from_db()
    assert response.status_code == 302 and programme.is_active is False
    assert stripe_on.promotion_codes[programme.stripe_promotion_code_id]["active"] is False
    _, owner = business_with_owner()
    _, checkout = start_checkout(client, owner, plan="growth", voucher_code="OCOP2026")
    assert checkout is None


def test_an_unknown_programme_id_is_404(client, synced):
    client.force_login(officer())

    assert client.get("/billing/vouchers/999999/").status_code == 404
    assert client.post("/billing/vouchers/999999/deactivate/").status_code == 404


def test_without_stripe_no_programme_can_be_created(client, settings, synced, stripe_on):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    client.force_login(officer())

    page = client.get("/billing/vouchers/")
    response = _create(client, synced)

    assert "programmes cannot be created" in page.content.decode()
    assert response.status_code == 302 and not VoucherProgramme.objects.exists() and stripe_on.coupons == {}
