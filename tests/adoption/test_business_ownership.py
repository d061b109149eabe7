"""Who owns a business on the register (issue 14, item 4): registering a listed tax code or personal ID does not
make anyone its confirmed owner; the pre-fill shows nothing personal; look-ups are throttled and audited;
ownership is proven by a one-time code to the register's e-mail or by a document an officer checks; a second
claimant opens a dispute an officer settles, transferring the business; an unproven business is not counted
as selling online."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AuditAction, AuditEvent
from adoption.indicator import indicator_compute, snapshot_store
from adoption.models import RegisterStatus
from marketplace_connectors.models import AccountStatus
from sme.businesses import ownership
from sme.businesses.models import (
    Business,
    ClaimKind,
    ClaimStatus,
    LegalForm,
    MemberRole,
    Membership,
    OwnershipClaim,
    OwnershipStatus,
)
from tests.factories import owner_user

from .factories import BusinessFactory, RegisterEntryFactory, listing, local, officer, on_register, shop, ward

pytestmark = pytest.mark.django_db

REGISTER = reverse("businesses:register")
OWNERSHIP = reverse("businesses:ownership")
TAX_CODE = "0109527605"
CONTACT = "lienhe@xoaicaolanh.example.vn"
HOUSEHOLD_ID = "087186001239"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def listed():
    """A company on the province's register, with its contact e-mail; not on the platform yet."""
    return RegisterEntryFactory(identifier=TAX_CODE, name="Công ty TNHH Xoài Cao Lãnh",
                                legal_form=LegalForm.LLC_ONE_MEMBER, ward=ward("29869"), main_sector="A",
                                contact_email=CONTACT)


def form_data(**overrides):
    data = {
        "legal_form": LegalForm.LLC_ONE_MEMBER, "legal_name": "Công ty TNHH Xoài Cao Lãnh", "trade_name": "",
        "identifier": TAX_CODE, "main_sector": "A", "street": "Ấp 3", "ward": str(ward("29869").pk),
        "legacy_district": "", "legacy_commune": "", "phone": "0901 234 567", "email": "ke@gian.example",
        "founding_year": "", "accept_privacy": "on",
        "ocop-TOTAL_FORMS": "1", "ocop-INITIAL_FORMS": "0", "ocop-MIN_NUM_FORMS": "0", "ocop-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def register_as(client, user, **overrides) -> Business:
    client.force_login(user)
    response = client.post(REGISTER, form_data(**overrides))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Business.objects.get(identifier=overrides.get("identifier", TAX_CODE))


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="giay-chung-nhan.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def sent_code(mailoutbox) -> str:
    return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)


# --- Registration of a listed identifier ------------------------------------------------------------------

def test_a_stranger_registering_a_listed_tax_code_is_not_its_confirmed_owner(client, listed):
    # given a stranger
    stranger = owner_user()

    # when they register the register's tax code
    client.force_login(stranger)
    response = client.post(REGISTER, form_data())

    # then the business exists, unconfirmed, with the stranger's claim waiting for proof
    business = Business.objects.get(identifier=TAX_CODE)
    assert response["Location"] == OWNERSHIP
    assert (business.ownership_status, business.claimed_from_register) == (OwnershipStatus.UNCONFIRMED, True)
    assert business.ownership_confirmed_at is None
    claim = OwnershipClaim.objects.get()
    assert (claim.business, claim.claimant, claim.kind, claim.status) == (
        business, stranger, ClaimKind.REGISTRATION, ClaimStatus.OPEN)
    assert AuditEvent.objects.filter(action=AuditAction.OWNERSHIP_CLAIMED, actor=stranger, target=TAX_CODE).exists()


def test_a_tax_code_the_register_does_not_list_is_confirmed_at_once(client, listed):
    # when
    business = register_as(client, owner_user(), identifier="1409876542", legal_name="Công ty Mới")

    # then nobody else can claim it from the register: nothing to prove
    assert business.ownership_status == OwnershipStatus.CONFIRMED
    assert not business.claimed_from_register
    assert not OwnershipClaim.objects.exists()


def test_the_prefill_shows_nothing_personal_of_a_household(client):
    # given a household business on the register: its name is its owner's
    RegisterEntryFactory(identifier=HOUSEHOLD_ID, name="Hộ kinh doanh Nguyễn Thị Hoa", legal_form=LegalForm.HOUSEHOLD,
                         size_class="", ward=ward("30226"), main_sector="C", contact_email="hoa.nguyen@example.vn")
    client.force_login(owner_user())

    # when someone types the personal ID
    response = client.get(REGISTER + "?identifier=087 186 001 239")

    # then only the legal form, sector and ward are filled in; no name, no e-mail
    initial = response.context["form"].initial
    assert initial == {"identifier": HOUSEHOLD_ID, "legal_form": LegalForm.HOUSEHOLD, "main_sector": "C",
                       "ward": ward("30226").pk}
    assert "Nguyễn Thị Hoa" not in response.content.decode()
    assert "hoa.nguyen" not in response.content.decode()


def test_the_prefill_of_a_company_gives_its_public_name_but_never_its_contact(client, listed):
    client.force_login(owner_user())
    response = client.get(REGISTER + "?identifier=0109.527.605")
    initial = response.context["form"].initial
    assert initial["legal_name"] == "Công ty TNHH Xoài Cao Lãnh"
    assert "email" not in initial and "phone" not in initial and "street" not in initial
    assert CONTACT not in response.content.decode()


def test_each_lookup_is_audited_and_they_are_throttled(client, listed, settings):
    # given a low limit
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "business_register_lookup": "2/h/user"}
    user = owner_user()
    client.force_login(user)

    # when the user looks up three identifiers
    first = client.get(REGISTER + f"?identifier={TAX_CODE}")
    second = client.get(REGISTER + "?identifier=1409876542")
    third = client.get(REGISTER + f"?identifier={TAX_CODE}")

    # then the first two are answered and audited, the third refused without any data
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert "Xoài" not in third.content.decode()
    events = AuditEvent.objects.filter(action=AuditAction.REGISTER_LOOKUP, actor=user).order_by("pk")
    assert [(e.target, e.details["outcome"]) for e in events] == [(TAX_CODE, "prefilled"), ("1409876542", "unknown")]


def test_registration_attempts_count_against_the_same_limit(client, listed, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "business_register_lookup": "1/h/user"}
    client.force_login(owner_user())
    client.get(REGISTER + f"?identifier={TAX_CODE}")
    response = client.post(REGISTER, form_data())
    assert response.status_code == 429
    assert not Business.objects.exists()


# --- Proof by a one-time code ----------------------------------------------------------------------------

def test_the_code_sent_to_the_register_s_e_mail_confirms_the_owner(client, listed, mailoutbox):
    # given a registration from the register
    owner = owner_user()
    business = register_as(client, owner)
    claim = OwnershipClaim.objects.get()

    # when the owner asks for a code
    response = client.post(reverse("businesses:ownership_code_send", args=[claim.pk]))

    # then it goes to the register's address (shown masked), and only its keyed hash is stored
    assert response.status_code == 302
    assert mailoutbox[-1].to == [CONTACT]
    code = sent_code(mailoutbox)
    claim.refresh_from_db()
    assert claim.code_sent_to == "l*****@x**********.example.vn"
    assert code not in claim.code_hash and len(claim.code_hash) == 64
    page = client.get(OWNERSHIP).content.decode()
    assert "l*****@x**********.example.vn" in page and CONTACT not in page

    # when a wrong code, then the right one
    wrong = "000000" if code != "000000" else "111111"
    client.post(reverse("businesses:ownership_code_verify", args=[claim.pk]), {"code": wrong})
    business.refresh_from_db()
    assert business.ownership_status == OwnershipStatus.UNCONFIRMED
    response = client.post(reverse("businesses:ownership_code_verify", args=[claim.pk]), {"code": code})

    # then the business is confirmed from now on
    assert response["Location"] == reverse("businesses:home")
    business.refresh_from_db()
    claim.refresh_from_db()
    assert business.ownership_status == OwnershipStatus.CONFIRMED
    assert business.ownership_confirmed_at is not None
    assert (claim.status, claim.code_hash) == (ClaimStatus.CONFIRMED, "")
    actions = list(AuditEvent.objects.filter(target=TAX_CODE).values_list("action", flat=True))
    assert {AuditAction.OWNERSHIP_CODE_SENT, AuditAction.OWNERSHIP_CODE_FAILED,
            AuditAction.OWNERSHIP_CONFIRMED} <= set(actions)


def test_a_code_allows_five_tries_then_even_the_right_one_is_refused(client, listed, mailoutbox):
    owner = owner_user()
    business = register_as(client, owner)
    claim = OwnershipClaim.objects.get()
    ownership.ownership_code_send(claim=claim)
    code = sent_code(mailoutbox)
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(ownership.CODE_MAX_ATTEMPTS):
        client.post(reverse("businesses:ownership_code_verify", args=[claim.pk]), {"code": wrong})
    client.post(reverse("businesses:ownership_code_verify", args=[claim.pk]), {"code": code})

    business.refresh_from_db()
    claim.refresh_from_db()
    assert business.ownership_status == OwnershipStatus.UNCONFIRMED
    assert (claim.status, claim.code_attempts) == (ClaimStatus.OPEN, ownership.CODE_MAX_ATTEMPTS)


def test_an_expired_code_is_refused(client, listed, mailoutbox):
    register_as(client, owner_user())
    claim = OwnershipClaim.objects.get()
    ownership.ownership_code_send(claim=claim)
    code = sent_code(mailoutbox)
    OwnershipClaim.objects.filter(pk=claim.pk).update(code_expires_at=timezone.now() - datetime.timedelta(seconds=1))

    client.post(reverse("businesses:ownership_code_verify", args=[claim.pk]), {"code": code})

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN
    assert claim.business.ownership_status == OwnershipStatus.UNCONFIRMED


def test_a_new_code_waits_a_minute_and_codes_are_throttled_per_claim(client, listed, mailoutbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "ownership_code": "3/h/key"}
    register_as(client, owner_user())
    claim = OwnershipClaim.objects.get()
    url = reverse("businesses:ownership_code_send", args=[claim.pk])

    # a second code at once is refused (too soon), and the attempt counts
    client.post(url)
    client.post(url)
    assert len(mailoutbox) == 1

    # a minute later the second is sent; the fourth attempt is over the limit
    OwnershipClaim.objects.filter(pk=claim.pk).update(code_sent_at=timezone.now() - datetime.timedelta(minutes=2))
    client.post(url)
    OwnershipClaim.objects.filter(pk=claim.pk).update(code_sent_at=timezone.now() - datetime.timedelta(minutes=2))
    client.post(url)
    assert len(mailoutbox) == 2


def test_without_a_register_e_mail_the_owner_is_told_to_send_a_document(client, listed, mailoutbox):
    listed.contact_email = ""
    listed.save()
    register_as(client, owner_user(preferred_language="en"))
    claim = OwnershipClaim.objects.get()

    response = client.post(reverse("businesses:ownership_code_send", args=[claim.pk]), follow=True)

    assert mailoutbox == []
    assert "Upload a document instead" in response.content.decode()


# --- Proof by a document, decided by an officer ---------------------------------------------------------

def test_an_officer_confirms_an_owner_from_the_uploaded_document(client, listed, mailoutbox):
    # given an owner who uploads the registration certificate
    owner = owner_user()
    business = register_as(client, owner)
    claim = OwnershipClaim.objects.get()
    response = client.post(reverse("businesses:ownership_document", args=[claim.pk]), {"document": png_upload()})
    claim.refresh_from_db()
    assert response.status_code == 302
    assert claim.status == ClaimStatus.REVIEW
    assert claim.document_content_type == "image/png"
    stored = claim.document.path
    assert "/private/" in stored and "/media/" not in stored

    # when an officer opens the queue, the document and confirms
    the_officer = officer()
    client.force_login(the_officer)
    snapshot_store(day=timezone.localdate())
    dashboard = client.get(reverse("adoption:dashboard")).content.decode()
    assert 'data-figure="ownership-claims"' in dashboard and "1 ownership claim to decide" in dashboard
    queue = client.get(reverse("adoption:ownership_claims"))
    assert f'data-claim="{claim.pk}"' in queue.content.decode()
    document = client.get(reverse("adoption:ownership_claim_document", args=[claim.pk]))
    assert document.status_code == 200 and b"".join(document.streaming_content) == png_bytes()
    response = client.post(reverse("adoption:ownership_claim", args=[claim.pk]), {"decision": "approve"})

    # then the owner is confirmed, e-mailed, and every step is in the audit trail
    assert response.status_code == 302
    business.refresh_from_db()
    claim.refresh_from_db()
    assert business.ownership_status == OwnershipStatus.CONFIRMED
    assert (claim.status, claim.decided_by) == (ClaimStatus.CONFIRMED, the_officer)
    assert mailoutbox[-1].to == [owner.email]
    assert AuditEvent.objects.filter(action=AuditAction.OWNERSHIP_DOCUMENT_VIEWED, actor=the_officer).exists()
    assert AuditEvent.objects.filter(action=AuditAction.OWNERSHIP_CONFIRMED, actor=the_officer,
                                     target=TAX_CODE).exists()


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_stored(client, listed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    register_as(client, owner_user())
    claim = OwnershipClaim.objects.get()

    client.post(reverse("businesses:ownership_document", args=[claim.pk]),
                {"document": SimpleUploadedFile("giay.pdf", b"<html><script>alert(1)</script>", "application/pdf")})

    claim.refresh_from_db()
    assert (claim.status, claim.document.name) == (ClaimStatus.OPEN, "")


def test_a_refusal_needs_a_reason_and_leaves_the_business_unconfirmed(client, listed):
    register_as(client, owner_user())
    claim = OwnershipClaim.objects.get()
    client.post(reverse("businesses:ownership_document", args=[claim.pk]), {"document": png_upload()})
    client.force_login(officer())
    url = reverse("adoption:ownership_claim", args=[claim.pk])

    client.post(url, {"decision": "refuse", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVIEW

    client.post(url, {"decision": "refuse", "reason": "Giấy chứng nhận mang tên người khác"})
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (ClaimStatus.REFUSED, "Giấy chứng nhận mang tên người khác")
    assert claim.business.ownership_status == OwnershipStatus.UNCONFIRMED
    assert AuditEvent.objects.filter(action=AuditAction.OWNERSHIP_REFUSED, target=TAX_CODE).exists()


def test_documents_are_deleted_after_the_retention_period(client, listed, settings):
    register_as(client, owner_user())
    claim = OwnershipClaim.objects.get()
    client.post(reverse("businesses:ownership_document", args=[claim.pk]), {"document": png_upload()})
    claim.refresh_from_db()
    path = claim.document.path
    ownership.ownership_claim_decide(claim=claim, officer=officer(), approve=True)

    assert ownership.ownership_documents_expire() == 0
    later = timezone.now() + datetime.timedelta(days=settings.OWNERSHIP_DOCUMENT_RETENTION_DAYS + 1)
    assert ownership.ownership_documents_expire(now=later) == 1

    claim.refresh_from_db()
    assert claim.document.name == "" and claim.document_sha256
    import os

    assert not os.path.exists(path)


# --- A second claimant: dispute and transfer -----------------------------------------------------------

def test_a_second_claimant_opens_a_dispute_and_the_officer_transfers_the_business(client, listed, mailoutbox):
    # given an impostor who registered the business and invited a helper
    impostor, helper, real_owner = owner_user(), owner_user(), owner_user(preferred_language="en")
    business = register_as(client, impostor)
    Membership.objects.create(business=business, user=helper, role=MemberRole.STAFF)
    impostors_shop = shop(business)

    # when the real owner tries to register it: they are offered to claim it, not only to ask to join
    client.force_login(real_owner)
    response = client.post(REGISTER, form_data())
    assert response.context["already_registered"] == TAX_CODE
    assert reverse("businesses:ownership_dispute") in response.content.decode()
    response = client.post(reverse("businesses:ownership_dispute"),
                           {"identifier": TAX_CODE, "message": "Tôi là chủ doanh nghiệp"})

    # then the business is disputed, and the impostor (its only owner) is told to prove their side
    assert response["Location"] == OWNERSHIP
    warning = mailoutbox[-1]
    assert warning.to == [impostor.email] and "http://testserver" + OWNERSHIP in warning.body
    business.refresh_from_db()
    assert business.ownership_status == OwnershipStatus.DISPUTED
    dispute = OwnershipClaim.objects.get(kind=ClaimKind.DISPUTE)
    assert (dispute.claimant, dispute.status) == (real_owner, ClaimStatus.OPEN)

    # when the real owner proves the register's code: an officer still decides (a dispute is theirs)
    client.post(reverse("businesses:ownership_code_send", args=[dispute.pk]))
    client.post(reverse("businesses:ownership_code_verify", args=[dispute.pk]), {"code": sent_code(mailoutbox)})
    dispute.refresh_from_db()
    assert dispute.code_verified_at is not None and dispute.status == ClaimStatus.REVIEW
    assert not Membership.objects.filter(business=business, user=real_owner).exists()

    # when the officer confirms the real owner's claim
    the_officer = officer()
    client.force_login(the_officer)
    page = client.get(reverse("adoption:ownership_claim", args=[dispute.pk])).content.decode()
    assert "transfer" in page.lower()
    client.post(reverse("adoption:ownership_claim", args=[dispute.pk]), {"decision": "approve"})

    # then the business is the real owner's alone, the impostor's claim refused, confirmed from now
    business.refresh_from_db()
    assert list(business.memberships.values_list("user", "role")) == [(real_owner.pk, MemberRole.OWNER)]
    assert business.ownership_status == OwnershipStatus.CONFIRMED
    assert OwnershipClaim.objects.get(claimant=impostor).status == ClaimStatus.REFUSED
    impostors_shop.refresh_from_db()
    assert impostors_shop.status == AccountStatus.DISCONNECTED and impostors_shop.access_token == ""
    event = AuditEvent.objects.get(action=AuditAction.OWNERSHIP_TRANSFERRED)
    assert (event.actor, event.target, event.details["previous_owners"]) == (the_officer, TAX_CODE, [impostor.email])


def test_disputing_a_business_one_already_owns_is_refused(client, listed):
    owner = owner_user()
    business = register_as(client, owner)
    client.post(reverse("businesses:ownership_dispute"), {"identifier": TAX_CODE})
    assert not OwnershipClaim.objects.filter(kind=ClaimKind.DISPUTE).exists()
    business.refresh_from_db()
    assert business.ownership_status == OwnershipStatus.UNCONFIRMED


def test_disputes_are_throttled(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "ownership_dispute": "1/h/user"}
    first, second = BusinessFactory(), BusinessFactory()
    client.force_login(owner_user())
    client.post(reverse("businesses:ownership_dispute"), {"identifier": first.identifier})
    client.post(reverse("businesses:ownership_dispute"), {"identifier": second.identifier})
    assert list(OwnershipClaim.objects.values_list("business", flat=True)) == [first.pk]


# --- The indicator ---------------------------------------------------------------------------------------

def test_an_unconfirmed_business_is_not_counted_as_selling_until_ownership_is_proven(client, listed):
    # given a business claimed from the register with a live listing
    owner = owner_user()
    business = register_as(client, owner)
    today = timezone.localdate()
    listing(business, published=local(today - datetime.timedelta(days=3)))

    # then it is in the denominator but not verified
    result, _m, _e = indicator_compute(day=today)
    assert (result.total().denominator, result.total().verified, result.total().online) == (1, 0, 0)

    # when an officer confirms it
    claim = OwnershipClaim.objects.get()
    ownership.ownership_claim_decide(claim=claim, officer=officer(), approve=True)

    # then it counts from then on, and the days before stay uncounted
    result, _m, _e = indicator_compute(day=today)
    yesterday, _m, _e = indicator_compute(day=today - datetime.timedelta(days=1))
    assert result.total().verified == 1
    assert yesterday.total().verified == 0


def test_a_business_not_claimed_from_the_register_counts_as_before(db):
    today = timezone.localdate()
    business = BusinessFactory()
    on_register(business, status=RegisterStatus.OPERATING)
    listing(business, published=local(today - datetime.timedelta(days=3)))
    result, _m, _e = indicator_compute(day=today)
    assert result.total().verified == 1


# --- Who may see what -------------------------------------------------------------------------------------

def test_a_stranger_cannot_use_anyone_else_s_claim(client, listed, mailoutbox):
    # given the owner's claim and a stranger
    register_as(client, owner_user())
    claim = OwnershipClaim.objects.get()
    client.force_login(owner_user())

    # when the stranger uses the claim's id on every owner URL
    urls_and_data = [
        (reverse("businesses:ownership_code_send", args=[claim.pk]), {}),
        (reverse("businesses:ownership_code_verify", args=[claim.pk]), {"code": "123456"}),
        (reverse("businesses:ownership_document", args=[claim.pk]), {"document": png_upload()}),
    ]
    statuses = [client.post(url, data).status_code for url, data in urls_and_data]

    # then each answers 404 and nothing changed
    assert statuses == [404, 404, 404]
    claim.refresh_from_db()
    assert (claim.status, claim.code_attempts, claim.code_sent_at, claim.document.name) == (
        ClaimStatus.OPEN, 0, None, "")
    assert mailoutbox == []
    assert f'data-claim="{claim.pk}"' not in client.get(OWNERSHIP).content.decode()


def test_owners_cannot_reach_the_officers_ownership_pages(client, listed):
    owner = owner_user()
    register_as(client, owner)
    claim = OwnershipClaim.objects.get()
    client.post(reverse("businesses:ownership_document", args=[claim.pk]), {"document": png_upload()})

    statuses = [client.get(reverse("adoption:ownership_claims")).status_code,
                client.get(reverse("adoption:ownership_claim", args=[claim.pk])).status_code,
                client.post(reverse("adoption:ownership_claim", args=[claim.pk]), {"decision": "approve"}).status_code,
                client.get(reverse("adoption:ownership_claim_document", args=[claim.pk])).status_code]

    assert statuses == [403, 403, 403, 403]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVIEW
    assert not AuditEvent.objects.filter(action=AuditAction.OWNERSHIP_DOCUMENT_VIEWED).exists()


def test_officers_get_404_for_a_claim_that_does_not_exist(client):
    client.force_login(officer())
    assert client.get(reverse("adoption:ownership_claim", args=[999999])).status_code == 404
    assert client.get(reverse("adoption:ownership_claim_document", args=[999999])).status_code == 404


def test_erasing_a_claimant_withdraws_their_claim_and_deletes_their_document(client, listed, django_capture_on_commit_callbacks):
    import os

    from sme.businesses.services import erasure_request_confirm, erasure_request_create

    # given a claimant who sent a document, on a business someone else registered
    holder, claimant = owner_user(), owner_user()
    business = register_as(client, holder)
    dispute = ownership.ownership_dispute_open(identifier=TAX_CODE, user=claimant)
    ownership.ownership_document_upload(claim=dispute, data=png_bytes(), name="giay.png")
    dispute.refresh_from_db()
    path = dispute.document.path

    # when the claimant's data is erased
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_confirm(erasure_request=erasure_request_create(user=claimant))

    # then their claim is withdrawn, its document gone, and the dispute over
    dispute.refresh_from_db()
    business.refresh_from_db()
    assert (dispute.status, dispute.document.name) == (ClaimStatus.WITHDRAWN, "")
    assert not os.path.exists(path)
    assert business.ownership_status == OwnershipStatus.UNCONFIRMED


def test_changing_the_identifier_to_a_listed_one_leaves_the_business_unconfirmed(client, listed):
    # given an owner of a business registered with an identifier the register does not list
    owner = owner_user()
    business = register_as(client, owner, identifier="1409876542", legal_name="Công ty Mới")
    assert business.ownership_status == OwnershipStatus.CONFIRMED

    # when they change its identifier to the register's tax code
    data = form_data()
    data.pop("accept_privacy")
    response = client.post(reverse("businesses:edit"), data)

    # then it must be proven like a registration: unconfirmed, and the owner can start proving it
    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.identifier, business.ownership_status, business.claimed_from_register) == (
        TAX_CODE, OwnershipStatus.UNCONFIRMED, True)
    client.post(reverse("businesses:ownership_start"))
    claim = OwnershipClaim.objects.get()
    assert (claim.business, claim.claimant, claim.status) == (business, owner, ClaimStatus.OPEN)
