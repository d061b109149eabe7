"""Declared shops: owners declare with evidence checked by content; officers approve or reject with a reason;
every decision is audited and moves the headline."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from adoption.indicator import indicator_compute, indicator_read, snapshot_store
from adoption.models import DeclarationEvent, DeclarationStatus, DeclaredShop, RegisterEntry
from adoption.services import (
    add_months,
    declaration_valid_until,
    declared_shop_decide,
    declared_shop_submit,
    declared_shop_withdraw,
)
from sme.businesses.models import MemberRole, Membership
from tests.factories import owner_user

from .factories import BusinessFactory, declaration, local, officer, on_register

pytestmark = pytest.mark.django_db
OWNER_PAGE = "/business/declared-shops/"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def owner_of(business):
    user = owner_user(preferred_language="en")
    Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
    return user


def test_owner_declares_a_shop_with_a_screenshot(client):
    # given
    business = BusinessFactory()
    client.force_login(owner_of(business))

    # when
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(OWNER_PAGE, {
        "channel": "postmart", "url": "https://postmart.vn/shop/xoai-cao-lanh",
        "evidence_image": SimpleUploadedFile("shop.png", png(), content_type="image/png"),
    })

    # then
    assert response.status_code == 302
    shop = DeclaredShop.objects.get()
    assert (shop.business, shop.channel, shop.status) == (business, "postmart", DeclarationStatus.PENDING)
    assert shop.evidence_image.name.endswith(".png")
    assert list(shop.events.values_list("action", flat=True)) == ["submitted"]


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(client):
    # given
    client.force_login(owner_of(BusinessFactory()))
    from django.core.files.uploadedfile import SimpleUploadedFile

    # when: a text file named like a photo
    response = client.post(OWNER_PAGE, {
        "channel": "voso", "url": "https://voso.vn/shop/1",
        "evidence_image": SimpleUploadedFile("shop.png", b"not an image at all", content_type="image/png"),
    })

    # then
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.content.decode()
    assert not DeclaredShop.objects.exists()


def test_a_declaration_needs_evidence(client):
    client.force_login(owner_of(BusinessFactory()))
    response = client.post(OWNER_PAGE, {"channel": "sendo", "url": "https://sendo.vn/shop/1"})
    assert response.status_code == 200
    assert "Add a screenshot of your shop or a link" in response.content.decode()
    assert not DeclaredShop.objects.exists()


def test_staff_member_cannot_declare(client):
    business = BusinessFactory()
    staff = owner_user()
    Membership.objects.create(business=business, user=staff, role=MemberRole.STAFF)
    client.force_login(staff)
    assert client.get(OWNER_PAGE).status_code == 404


def test_owner_sees_only_the_shops_of_their_business(client):
    mine, theirs = BusinessFactory(), BusinessFactory()
    declaration(mine)
    other = declaration(theirs)
    client.force_login(owner_of(mine))
    html = client.get(OWNER_PAGE).content.decode()
    assert other.url not in html
    assert len(client.get(OWNER_PAGE).context["shops"]) == 1


def test_officer_approves_and_the_headline_moves(client, django_capture_on_commit_callbacks):
    # given: one SME on the register with a pending Postmart declaration, today's snapshot stored
    business = BusinessFactory()
    on_register(business)
    shop = declaration(business)
    today = timezone.localdate()
    snapshot_store(day=today)
    assert indicator_read(day=today).total().online == 0
    user = officer()
    client.force_login(user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("adoption:declaration_decide", args=[shop.pk]), {"decision": "approve"})

    # then
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.decided_by) == (DeclarationStatus.APPROVED, user)
    event = shop.events.get(action=DeclarationEvent.Action.APPROVED)
    assert event.actor == user
    total = indicator_read(day=today).total()
    assert (total.verified, total.online) == (0, 1)


def test_rejection_needs_a_reason_and_is_audited(client, django_capture_on_commit_callbacks):
    # given
    shop = declaration(BusinessFactory())
    client.force_login(officer())

    # when: no reason
    client.post(reverse("adoption:declaration_decide", args=[shop.pk]), {"decision": "reject"})

    # then: nothing changed
    shop.refresh_from_db()
    assert shop.status == DeclarationStatus.PENDING
    assert not shop.events.exclude(action="submitted").exists()

    # when: with a reason
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("adoption:declaration_decide", args=[shop.pk]),
                    {"decision": "reject", "reason": "The page shows another business."})

    # then
    shop.refresh_from_db()
    assert (shop.status, shop.rejection_reason) == (DeclarationStatus.REJECTED, "The page shows another business.")
    assert shop.events.get(action="rejected").reason == "The page shows another business."


def test_a_decided_declaration_cannot_be_decided_again(client):
    first = officer()
    shop = declaration(BusinessFactory(), status=DeclarationStatus.REJECTED, decided=timezone.now(),
                       decided_by=first, reason="no")
    client.force_login(officer())
    client.post(reverse("adoption:declaration_decide", args=[shop.pk]), {"decision": "approve"})
    shop.refresh_from_db()
    assert (shop.status, shop.decided_by) == (DeclarationStatus.REJECTED, first)


def test_officer_sees_the_evidence_screenshot(client):
    from adoption.services import declared_shop_submit

    business = BusinessFactory()
    shop = declared_shop_submit(business=business, actor=owner_of(business), channel="facebook",
                                url="https://facebook.com/shop", evidence_image_data=png(),
                                evidence_image_name="a.png")
    client.force_login(officer())
    response = client.get(reverse("adoption:declaration_evidence", args=[shop.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_unknown_register_entry_is_not_needed_for_declaring():
    # A declaration belongs to a platform business; the register is not touched.
    business = BusinessFactory()
    declaration(business)
    assert not RegisterEntry.objects.exists()


# --- expiry, withdrawal, renewal -----------------------------------------------------------------------


def test_an_approval_counts_for_twelve_months_then_expires(settings, django_capture_on_commit_callbacks):
    """Approved today (say 15/06/2026) with ADOPTION_DECLARATION_VALID_MONTHS = 12: counts from today to the
    same day next year minus one (14/06/2027) inclusive; the day after, it no longer counts, while the days
    it covered keep it."""
    settings.ADOPTION_DECLARATION_VALID_MONTHS = 12
    business = BusinessFactory()
    on_register(business)
    shop = declaration(business)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        declared_shop_decide(shop=shop, actor=officer(), approve=True)
    shop.refresh_from_db()
    assert shop.valid_until == add_months(today, 12) - datetime.timedelta(days=1)

    def online(day):
        return indicator_compute(day=day)[0].total().online

    one = datetime.timedelta(days=1)
    assert [online(d) for d in (today - one, today, shop.valid_until, shop.valid_until + one)] == [0, 1, 1, 0]


def test_a_shorter_setting_gives_a_shorter_approval(settings):
    settings.ADOPTION_DECLARATION_VALID_MONTHS = 6
    assert declaration_valid_until(approved_on=datetime.date(2026, 8, 31)) == datetime.date(2027, 2, 27)
    settings.ADOPTION_DECLARATION_VALID_MONTHS = 12
    assert declaration_valid_until(approved_on=datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 27)


def test_owner_withdraws_an_approved_shop_and_the_history_is_kept(client, django_capture_on_commit_callbacks):
    """Approved 9 days ago, withdrawn today: counts from 9 days ago to today (the day of the withdrawal
    included), not tomorrow; the declaration, its dates and its events stay."""
    business = BusinessFactory()
    on_register(business)
    user = owner_of(business)
    today = timezone.localdate()
    approved = today - datetime.timedelta(days=9)
    shop = declaration(business, status=DeclarationStatus.APPROVED, decided=local(approved), decided_by=officer())
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("adoption_owner:declared_shop_withdraw", args=[shop.pk]))

    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.withdrawn_by) == (DeclarationStatus.WITHDRAWN, user)
    assert list(shop.events.values_list("action", flat=True)) == ["withdrawn"]
    counts = [indicator_compute(day=day)[0].total().online
              for day in (approved - datetime.timedelta(days=1), approved, today, today + datetime.timedelta(days=1))]
    assert counts == [0, 1, 1, 0]
    # a second withdrawal is refused and changes nothing
    with pytest.raises(ValidationError):
        declared_shop_withdraw(shop=shop, actor=user)
    assert shop.events.count() == 1


def test_officer_withdraws_only_with_a_reason(client):
    shop = declaration(BusinessFactory(), status=DeclarationStatus.APPROVED, decided=timezone.now(),
                       decided_by=officer())
    shop.valid_until = timezone.localdate() + datetime.timedelta(days=100)
    shop.save()
    client.force_login(officer())

    client.post(reverse("adoption:declaration_withdraw", args=[shop.pk]), {"reason": "  "})
    shop.refresh_from_db()
    assert shop.status == DeclarationStatus.APPROVED

    client.post(reverse("adoption:declaration_withdraw", args=[shop.pk]), {"reason": "The shop was closed."})
    shop.refresh_from_db()
    assert (shop.status, shop.withdrawal_reason) == (DeclarationStatus.WITHDRAWN, "The shop was closed.")
    assert shop.events.get(action="withdrawn").reason == "The shop was closed."


def test_a_shop_is_declared_again_only_near_the_end_of_its_approval():
    business = BusinessFactory()
    user = owner_of(business)
    shop = declaration(business, status=DeclarationStatus.APPROVED, decided=timezone.now(), decided_by=officer())
    today = timezone.localdate()

    def declare():
        return declared_shop_submit(business=business, actor=user, channel=shop.channel, url=shop.url,
                                    evidence_link="https://postmart.vn/evidence")

    shop.valid_until = today + datetime.timedelta(days=31)
    shop.save()
    with pytest.raises(ValidationError):
        declare()
    shop.valid_until = today + datetime.timedelta(days=30)
    shop.save()
    renewal = declare()
    assert renewal.status == DeclarationStatus.PENDING and renewal.pk != shop.pk
    # and one waiting declaration of a shop at a time
    with pytest.raises(ValidationError):
        declare()
