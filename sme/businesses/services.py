"""Writes about businesses: registration, profile, OCOP products, size class, team, consent and erasure.

Every function validates before writing and writes in one transaction. Errors users can fix are raised as
``django.core.exceptions.ValidationError`` with a message in the user's language.
"""

import datetime
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from .identifiers import identifier_normalise
from .models import (
    AdministrativeUnit,
    Business,
    ClaimKind,
    ConsentRecord,
    ErasureRequest,
    ErasureStatus,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    MemberRole,
    Membership,
    OcopProduct,
    OwnershipClaim,
    OwnershipStatus,
    SizeAssessment,
    SizeProvenance,
)
from .ownership import ownership_claims_erase_for_user, ownership_status_settle
from .phones import phone_normalise
from .prefill import register_answer
from .privacy import PrivacyNotice, privacy_notice_current
from .selectors import legacy_unit_candidates, size_thresholds_for, token_hash
from .sizing import size_class_compute

INVITATION_LIFETIME = datetime.timedelta(days=7)


class BusinessAlreadyRegistered(ValidationError):
    """The identifier belongs to a business already on the platform; the user may ask to join it."""

    def __init__(self, *, identifier: str):
        super().__init__(
            _("A business with the identifier %(identifier)s is already registered on the platform."),
            code="already_registered", params={"identifier": identifier},
        )
        self.identifier = identifier


@dataclass
class OcopProductInput:
    name: str
    stars: int
    product_group: str
    certificate_no: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


@dataclass
class BusinessProfile:
    """What an owner states about their business at registration or when editing it."""

    legal_form: str
    legal_name: str
    identifier: str | int
    main_sector: str
    ward: AdministrativeUnit
    phone: str
    email: str
    trade_name: str = ""
    street: str = ""
    legacy_district: AdministrativeUnit | None = None
    legacy_commune: AdministrativeUnit | None = None
    founding_year: int | None = None
    women_owned: bool = False
    ocop_products: Sequence[OcopProductInput] = field(default_factory=list)


def _clean_profile(profile: BusinessProfile) -> dict:
    """Normalise and cross-check the profile; returns Business field values. Raises ValidationError."""
    errors: dict[str, list] = {}
    values = {k: v for k, v in asdict(profile).items() if k != "ocop_products"}
    # asdict deep-copies model instances; keep the originals.
    values.update(ward=profile.ward, legacy_district=profile.legacy_district, legacy_commune=profile.legacy_commune)
    try:
        values["identifier"] = identifier_normalise(value=profile.identifier, legal_form=profile.legal_form).value
    except ValidationError as exc:
        errors["identifier"] = exc.messages
    if profile.phone:
        try:
            values["phone"] = phone_normalise(value=profile.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    values["email"] = (profile.email or "").strip().lower()
    ward, district, commune = profile.ward, profile.legacy_district, profile.legacy_commune
    if ward is None or not ward.is_current:
        errors["ward"] = [_("Choose the ward or commune from the list of units since 1 July 2025.")]
    if commune is not None:
        if district is not None and commune.parent_id != district.pk:
            errors["legacy_commune"] = [_("%(commune)s was not in %(district)s: check the old district.")
                                        % {"commune": commune.name, "district": district.name}]
        else:
            values["legacy_district"] = commune.parent
        candidates = legacy_unit_candidates(legacy=commune)
        if ward is not None and ward.is_current and ward not in candidates:
            errors.setdefault("legacy_commune", []).append(
                _("%(commune)s became %(candidates)s after July 2025, not %(ward)s: choose the matching ward or "
                  "leave the old commune empty.")
                % {"commune": str(commune), "candidates": " / ".join(c.name for c in candidates), "ward": ward.name}
            )
    this_year = timezone.localdate().year
    if profile.founding_year is not None and not 1900 <= profile.founding_year <= this_year:
        errors["founding_year"] = [_("Enter a year between 1900 and %(year)s.") % {"year": this_year}]
    for name in ("legal_name", "main_sector", "legal_form"):
        if not str(values.get(name) or "").strip():
            errors[name] = [_("This field is required.")]
    values["legal_name"] = values["legal_name"].strip()
    values["trade_name"] = (values.get("trade_name") or "").strip()
    if errors:
        raise ValidationError(errors)
    return values


def _ocop_create(*, business: Business, products: Sequence[OcopProductInput]) -> None:
    for item in products:
        product = OcopProduct(business=business, **asdict(item))
        product.full_clean()
        product.save()


def consent_record(*, user: User, notice: PrivacyNotice, language: str, business: Business | None = None
                   ) -> ConsentRecord:
    """Record that ``user`` accepted ``notice`` as shown in ``language`` (stores the text's SHA-256)."""
    return ConsentRecord.objects.create(
        user=user, business=business, notice_version=notice.version, text_sha256=notice.sha256(language),
        language=language, accepted_at=timezone.now(),
    )


def consent_record_at_signup(*, user: User, language: str) -> ConsentRecord:
    """Record that ``user`` accepted the current privacy notice (and the terms) when signing up
    (settings.ACCOUNTS_SIGNUP_CONSENT_RECORDER)."""
    return consent_record(user=user, notice=privacy_notice_current(), language=language)


def business_register(*, user: User, profile: BusinessProfile, notice: PrivacyNotice, language: str) -> Business:
    """Register a business; ``user`` becomes its owner and their acceptance of ``notice`` is recorded.

    An identifier the province's register lists (a pre-fill provider knows it) is a claim on a business
    that exists outside the platform: the business starts with its ownership *unconfirmed* and an open
    claim of ``user`` to prove (``sme.businesses.ownership``). Raises ``BusinessAlreadyRegistered`` if the
    (normalised) identifier exists, ``ValidationError`` for any other problem; nothing is written then.
    """
    values = _clean_profile(profile)
    if Business.objects.filter(identifier=values["identifier"]).exists():
        raise BusinessAlreadyRegistered(identifier=values["identifier"])
    on_register = register_answer(identifier=values["identifier"]) is not None
    try:
        with transaction.atomic():
            business = Business(created_by=user, **values)
            if on_register:
                business.claimed_from_register = True
                business.ownership_status = OwnershipStatus.UNCONFIRMED
            business.full_clean(exclude=["identifier"])
            business.save()
            Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
            if on_register:
                OwnershipClaim.objects.create(business=business, claimant=user, kind=ClaimKind.REGISTRATION)
            _ocop_create(business=business, products=profile.ocop_products)
            consent_record(user=user, notice=notice, language=language, business=business)
    except IntegrityError as exc:  # a concurrent registration of the same identifier
        if Business.objects.filter(identifier=values["identifier"]).exists():
            raise BusinessAlreadyRegistered(identifier=values["identifier"]) from exc
        raise
    return business


def business_update(*, business: Business, profile: BusinessProfile) -> Business:
    """Change a business's profile (OCOP products are managed separately). Same checks as registration.

    A new identifier is a new claim: one the province's register lists leaves the business unconfirmed
    until its owner proves it (as at registration), so editing cannot bypass the proof.
    """
    values = _clean_profile(profile)
    if Business.objects.filter(identifier=values["identifier"]).exclude(pk=business.pk).exists():
        raise ValidationError({"identifier": [
            _("Another business is already registered with the identifier %(identifier)s.")
            % {"identifier": values["identifier"]}]})
    identifier_changed = values["identifier"] != business.identifier
    for name, value in values.items():
        setattr(business, name, value)
    business.full_clean(exclude=["identifier", "created_by"])
    with transaction.atomic():
        if identifier_changed:
            business.claimed_from_register = register_answer(identifier=values["identifier"]) is not None
            business.ownership_confirmed_at = None
        business.save()
        if identifier_changed:
            ownership_status_settle(business=business)
    return business


def ocop_product_save(*, business: Business, data: OcopProductInput, product: OcopProduct | None = None
                      ) -> OcopProduct:
    """Create (``product`` None) or update an OCOP product of ``business``."""
    if product is not None and product.business_id != business.pk:
        raise ValueError("product belongs to another business")
    product = product or OcopProduct(business=business)
    for name, value in asdict(data).items():
        setattr(product, name, value)
    product.full_clean()
    product.save()
    return product


def ocop_product_delete(*, product: OcopProduct) -> None:
    product.delete()


def size_assessment_record(
    *, business: Business, fiscal_year: int, insured_headcount: int, prior_year_revenue_vnd: int | None,
    total_capital_vnd: int, provenance: str, recorded_by: User,
) -> SizeAssessment:
    """Compute and store the business's Decree 80 size class for ``fiscal_year`` with its inputs.

    ``provenance``: declared by the owner or verified by an officer; one of each per year (recording again
    replaces it). Raises ``ValidationError`` for household businesses (not enterprises, no size class), a
    business without a main sector, or a year with no thresholds in force.
    """
    if business.is_household:
        raise ValidationError(_("Household businesses are not enterprises and have no SME size class."),
                              code="household")
    if not business.main_sector:
        raise ValidationError(_("Set the main sector of the business first: the size limits depend on it."),
                              code="no_sector")
    if provenance not in SizeProvenance.values:
        raise ValueError(f"unknown provenance {provenance!r}")
    thresholds = size_thresholds_for(sector_group=business.sector_group, fiscal_year=fiscal_year)
    if not thresholds:
        raise ValidationError(_("No size limits are in force for the fiscal year %(year)s."),
                              code="no_thresholds", params={"year": fiscal_year})
    size_class = size_class_compute(
        thresholds=thresholds, insured_headcount=insured_headcount,
        prior_year_revenue_vnd=prior_year_revenue_vnd, total_capital_vnd=total_capital_vnd,
    )
    assessment, _created = SizeAssessment.objects.update_or_create(
        business=business, fiscal_year=fiscal_year, provenance=provenance,
        defaults={"sector_group": business.sector_group, "insured_headcount": insured_headcount,
                  "prior_year_revenue_vnd": prior_year_revenue_vnd, "total_capital_vnd": total_capital_vnd,
                  "size_class": size_class, "recorded_by": recorded_by},
    )
    return assessment


# --- Team ---------------------------------------------------------------------------------------------------

def _owners(business: Business) -> list[User]:
    return [m.user for m in business.memberships.filter(role=MemberRole.OWNER).select_related("user")]


def _send(*, template: str, context: dict, to: list[str], language: str | None = None) -> None:
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"businesses/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"businesses/email/{template}.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, to)


def invitation_create(*, business: Business, email: str, role: str, invited_by: User, accept_url: Callable[[str], str]
                      ) -> Invitation:
    """Invite ``email`` to ``business`` with ``role`` and email them a link valid for 7 days.

    ``accept_url(token) -> str`` builds the absolute link. Inviting the same address again replaces the
    open invitation (the old link stops working). Raises ``ValidationError`` if the address already
    belongs to a member.
    """
    email = email.strip().lower()
    if role not in MemberRole.values:
        raise ValidationError(_("Choose a role."), code="role")
    if business.memberships.filter(user__email__iexact=email).exists() or business.memberships.filter(
            user__emailaddress__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member of this business.") % {"email": email},
                              code="already_member")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(business=business, email=email, accepted_at__isnull=True,
                                  revoked_at__isnull=True).update(revoked_at=now)
        invitation = Invitation.objects.create(
            business=business, email=email, role=role, token_hash=token_hash(token), invited_by=invited_by,
            expires_at=now + INVITATION_LIFETIME,
        )
    _send(template="invitation", to=[email], context={
        "business": business, "invited_by": invited_by, "role": invitation.get_role_display(),
        "url": accept_url(token), "expires_at": invitation.expires_at,
    })
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make ``user`` a member with the invitation's role.

    The user must own the invited address (their sign-in email or a verified address). Raises
    ``ValidationError`` if the invitation was accepted, revoked or has expired, or was sent to another
    address. Accepting when already a member keeps the existing role.
    """
    now = timezone.now()
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn. Ask the owner for a new one."), code="revoked")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.expires_at <= now:
        raise ValidationError(_("This invitation expired on %(date)s. Ask the owner to invite you again."),
                              code="expired", params={"date": timezone.localtime(invitation.expires_at)
                                                      .strftime("%d/%m/%Y")})
    owns_address = user.email.lower() == invitation.email or EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True).exists()
    if not owns_address:
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it."),
            code="wrong_user", params={"email": invitation.email})
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True,
                                            revoked_at__isnull=True).update(accepted_at=now, accepted_by=user)
        if not claimed:
            raise ValidationError(_("This invitation has already been used."), code="used")
        membership, _created = Membership.objects.get_or_create(
            business=invitation.business, user=user, defaults={"role": invitation.role})
    return membership


def invitation_revoke(*, invitation: Invitation) -> None:
    """Withdraw an open invitation; its link stops working. Accepted ones are left alone."""
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now())


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(business_id=membership.business_id, role=MemberRole.OWNER).exclude(
        pk=membership.pk)
    if membership.role == MemberRole.OWNER and not others.exists():
        raise ValidationError(
            _("A business needs at least one owner: make someone else an owner first."), code="last_owner")


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Make a member owner or staff. Raises ``ValidationError`` when it would leave the business with no owner."""
    if role not in MemberRole.values:
        raise ValidationError(_("Choose a role."), code="role")
    with transaction.atomic():
        list(Membership.objects.select_for_update().filter(business_id=membership.business_id))
        if role != MemberRole.OWNER:
            _ensure_another_owner(membership)
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    """Remove a member. Raises ``ValidationError`` for the last owner."""
    with transaction.atomic():
        list(Membership.objects.select_for_update().filter(business_id=membership.business_id))
        _ensure_another_owner(membership)
        membership.delete()


def join_request_create(*, identifier: str, user: User, message: str = "", business_url: str = "") -> JoinRequest:
    """Ask the owners of the business registered under ``identifier`` to let ``user`` join (owners are emailed).

    Idempotent while a request is pending. Raises ``ValidationError`` if no business has that identifier or
    the user is already a member.
    """
    business = Business.objects.filter(identifier=identifier).first()
    if business is None:
        raise ValidationError(_("No business is registered with this identifier."), code="not_found")
    if business.memberships.filter(user=user).exists():
        raise ValidationError(_("You are already a member of this business."), code="already_member")
    join_request, created = JoinRequest.objects.get_or_create(
        business=business, user=user, status=JoinRequestStatus.PENDING, defaults={"message": message.strip()})
    if created:
        owners = _owners(business)
        _send(template="join_request", to=[o.email for o in owners if o.is_active], context={
            "business": business, "requester": user, "message": join_request.message, "url": business_url})
    return join_request


def join_request_decide(*, join_request: JoinRequest, approve: bool, decided_by: User) -> Membership | None:
    """Approve (the requester becomes staff) or reject a pending request; the requester is emailed.

    Raises ``ValidationError`` if it was already decided.
    """
    with transaction.atomic():
        status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.REJECTED
        updated = JoinRequest.objects.filter(pk=join_request.pk, status=JoinRequestStatus.PENDING).update(
            status=status, decided_by=decided_by, decided_at=timezone.now())
        if not updated:
            raise ValidationError(_("This request has already been answered."), code="decided")
        membership = None
        if approve:
            membership, _created = Membership.objects.get_or_create(
                business=join_request.business, user=join_request.user, defaults={"role": MemberRole.STAFF})
    join_request.refresh_from_db()
    _send(template="join_decision", to=[join_request.user.email],
          language=join_request.user.preferred_language,
          context={"business": join_request.business, "approved": approve})
    return membership


# --- Personal data ------------------------------------------------------------------------------------------

def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    """Record that ``user`` asked for erasure; it is carried out when they confirm. Idempotent while open."""
    request, _created = ErasureRequest.objects.get_or_create(
        user=user, status=ErasureStatus.REQUESTED, defaults={"reason": reason.strip()})
    return request


def erasure_blockers(*, user: User) -> list[Business]:
    """Businesses where ``user`` is the only owner but not the only member: ownership must be handed over."""
    blockers = []
    for membership in user.memberships.filter(role=MemberRole.OWNER).select_related("business"):
        business = membership.business
        owners = business.memberships.filter(role=MemberRole.OWNER).count()
        members = business.memberships.count()
        if owners == 1 and members > 1:
            blockers.append(business)
    return blockers


def erasure_request_confirm(*, erasure_request: ErasureRequest) -> None:
    """Erase the personal data of the request's user.

    Erased: name, email (replaced by a placeholder), password, verified addresses, two-factor devices,
    memberships, pending join requests, the documents of ownership claims (open claims are withdrawn), and
    the contact details (phone, email, street) of businesses the user ran alone. Kept, as the law requires: the business registration record (legal form, name,
    identifier, ward, size class) and the consent records. The account is deactivated. Raises
    ``ValidationError`` if the request is not open or the user is the only owner of a business with members.
    """
    if erasure_request.status != ErasureStatus.REQUESTED:
        raise ValidationError(_("This erasure request is not open."), code="not_open")
    user = erasure_request.user
    blockers = erasure_blockers(user=user)
    if blockers:
        raise ValidationError(
            _("Make another member an owner of %(businesses)s before erasing your data.")
            % {"businesses": ", ".join(b.display_name for b in blockers)}, code="sole_owner")
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        for membership in user.memberships.select_related("business"):
            business = membership.business
            if business.memberships.count() == 1:
                Business.objects.filter(pk=business.pk).update(phone="", email="", street="")
        user.memberships.all().delete()
        ownership_claims_erase_for_user(user=user)
        JoinRequest.objects.filter(user=user, status=JoinRequestStatus.PENDING).delete()
        Invitation.objects.filter(invited_by=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.email = f"erased-{user.pk}@erased.invalid"
        user.full_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        erasure_request.status = ErasureStatus.COMPLETED
        erasure_request.completed_at = timezone.now()
        erasure_request.save(update_fields=["status", "completed_at"])


def erasure_request_cancel(*, erasure_request: ErasureRequest) -> None:
    ErasureRequest.objects.filter(pk=erasure_request.pk, status=ErasureStatus.REQUESTED).update(
        status=ErasureStatus.CANCELLED)

