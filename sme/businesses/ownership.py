"""Proving who owns a business: claims, one-time codes, documents, officers' decisions and transfers.

A business registered with an identifier the province's register lists starts *unconfirmed*, with a
``registration`` claim of the person who registered it (``services.business_register``). The claimant
proves it with a one-time code sent to the register's contact e-mail (``ownership_code_send`` /
``ownership_code_verify``), or uploads a document an officer reviews (``ownership_document_upload`` /
``ownership_claim_decide``). Anyone else who says the identifier is theirs opens a ``dispute`` claim: the
business becomes *disputed* and only an officer settles it, confirming the holder or transferring the
business to the disputer. Every step is in the audit trail (``accounts.audit``).

Codes go by e-mail only: the platform has no SMS sender yet, and the register gives no mobile number.
Functions raise ``ValidationError`` with a message in the user's language for anything a user can fix, and
write nothing then.
"""

import datetime
import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from sme.catalog.documents import document_check
from sme.catalog.text import text_clean

from .models import (
    OPEN_CLAIM_STATUSES,
    Business,
    ClaimKind,
    ClaimStatus,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    MemberRole,
    Membership,
    OwnershipClaim,
    OwnershipStatus,
)
from .prefill import register_answer

CODE_DIGITS = 6
# ASVS 2.7.2: an out-of-band code expires after 10 minutes.
CODE_LIFETIME = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
# A new code no sooner than this after the last one (the throttle also caps codes per hour and per day).
CODE_RESEND_AFTER = datetime.timedelta(seconds=60)


# --- Reads ------------------------------------------------------------------------------------------------

def claim_list_for_user(*, user: User) -> QuerySet[OwnershipClaim]:
    """The claims ``user`` made, newest first."""
    return OwnershipClaim.objects.filter(claimant=user).select_related("business")


def claim_get_for_claimant(*, user: User, pk: int) -> OwnershipClaim:
    """The claim ``pk`` of ``user``; Http404 for anyone else's (a stranger's id reveals nothing)."""
    claim = OwnershipClaim.objects.select_related("business").filter(claimant=user, pk=pk).first()
    if claim is None:
        raise Http404("No such claim")
    return claim


def claim_get(*, pk: int) -> OwnershipClaim:
    """Any claim, for officers (the view checks the officer role)."""
    claim = OwnershipClaim.objects.select_related("business", "claimant", "decided_by").filter(pk=pk).first()
    if claim is None:
        raise Http404("No such claim")
    return claim


def claim_queue() -> QuerySet[OwnershipClaim]:
    """What officers must decide: documents to review and every open dispute (with the holder's claims on
    disputed businesses), oldest first."""
    return (OwnershipClaim.objects.filter(status__in=OPEN_CLAIM_STATUSES)
            .filter(Q(status=ClaimStatus.REVIEW) | Q(kind=ClaimKind.DISPUTE)
                    | Q(business__ownership_status=OwnershipStatus.DISPUTED))
            .select_related("business", "claimant").order_by("created_at", "id"))


def claim_waiting_for_proof() -> QuerySet[OwnershipClaim]:
    """Open registration claims with nothing to review yet (the owner has not proven anything)."""
    return (OwnershipClaim.objects.filter(status=ClaimStatus.OPEN, kind=ClaimKind.REGISTRATION)
            .exclude(business__ownership_status=OwnershipStatus.DISPUTED)
            .select_related("business", "claimant").order_by("created_at", "id"))


def claim_decided_list(*, limit: int = 50) -> QuerySet[OwnershipClaim]:
    return (OwnershipClaim.objects.filter(decided_at__isnull=False)
            .select_related("business", "claimant", "decided_by").order_by("-decided_at", "-id")[:limit])


def claims_on_business(*, business: Business) -> QuerySet[OwnershipClaim]:
    return business.ownership_claims.select_related("claimant", "decided_by").order_by("created_at", "id")


def email_mask(email: str) -> str:
    """``lienhe@sen.example.vn`` -> ``l*****@s**.example.vn``: enough for the owner to recognise it."""
    local, _sep, domain = email.partition("@")
    if not domain:
        return ""
    first, dot, rest = domain.partition(".")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{first[:1]}{'*' * max(len(first) - 1, 1)}{dot}{rest}"


def register_contact_masked(*, business: Business) -> str:
    """The register's contact e-mail for ``business``, masked; empty when the register gives none."""
    found = register_answer(identifier=business.identifier)
    return email_mask(found.contact_email) if found and found.contact_email else ""


def business_counts_on(*, business: Business, moment: datetime.datetime) -> bool:
    """Whether ``business``'s activity counts for the officers' indicator at ``moment``: its ownership was
    confirmed by then (confirmed with no date: since it was registered)."""
    if business.ownership_confirmed_at is not None:
        return business.ownership_confirmed_at <= moment
    return business.ownership_status == OwnershipStatus.CONFIRMED


# --- Writes -----------------------------------------------------------------------------------------------

def _code_hash(claim_id: int, code: str) -> str:
    # Keyed with the secret key and bound to the claim: a leaked hash is useless for another claim, and a
    # 6-digit code cannot be found by hashing the million candidates offline.
    message = f"ownership-code:{claim_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def ownership_status_settle(*, business: Business) -> None:
    """Derive the business's ownership status from its open claims and whether its holder proved it (or
    needs not: an identifier not claimed from the register). Saves it when it changed. Idempotent."""
    disputes = business.ownership_claims.filter(kind=ClaimKind.DISPUTE, status__in=OPEN_CLAIM_STATUSES).exists()
    if disputes:
        status = OwnershipStatus.DISPUTED
    elif business.ownership_confirmed_at is not None or not business.claimed_from_register:
        status = OwnershipStatus.CONFIRMED
    else:
        status = OwnershipStatus.UNCONFIRMED
    if business.ownership_status != status:
        business.ownership_status = status
        business.save(update_fields=["ownership_status", "updated_at"])


def _mail(*, template: str, to: list[str], context: dict, languages: tuple[str, ...]) -> None:
    """One message in each of ``languages`` (Vietnamese first), one after the other."""
    subjects, bodies = [], []
    for language in languages:
        with translation.override(language):
            subjects.append(render_to_string(f"businesses/email/{template}_subject.txt", context).strip())
            bodies.append(render_to_string(f"businesses/email/{template}.txt", context).strip())
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " / ".join(dict.fromkeys(subjects)),
              "\n\n----------\n\n".join(bodies) + "\n", None, to)


def ownership_claim_start(*, business: Business, user: User, request: HttpRequest | None = None) -> OwnershipClaim:
    """An owner of an unconfirmed or disputed business starts (or resumes) proving it is theirs.

    Idempotent: returns the owner's open claim if there is one. Raises ``ValidationError`` when the user is
    not an owner or the business is already confirmed.
    """
    if not business.memberships.filter(user=user, role=MemberRole.OWNER).exists():
        raise ValidationError(_("Only an owner of the business can prove its ownership."), code="not_owner")
    existing = business.ownership_claims.filter(claimant=user, status__in=OPEN_CLAIM_STATUSES).first()
    if existing is not None:
        return existing
    if business.ownership_status == OwnershipStatus.CONFIRMED:
        raise ValidationError(_("The ownership of this business is already confirmed."), code="confirmed")
    claim = OwnershipClaim.objects.create(business=business, claimant=user, kind=ClaimKind.REGISTRATION)
    audit_record(action=AuditAction.OWNERSHIP_CLAIMED, actor=user, target=business.identifier,
                 details={"claim": claim.pk, "kind": claim.kind}, request=request)
    return claim


def ownership_dispute_open(*, identifier: str, user: User, message: str = "",
                           request: HttpRequest | None = None, ownership_url: str = "") -> OwnershipClaim:
    """``user`` says the business registered under ``identifier`` is theirs: a dispute officers settle.

    The business becomes disputed (its activity keeps counting only if its holder had proven ownership) and
    its owners are e-mailed, with ``ownership_url`` to prove their side. Idempotent while the user's claim
    is open (nobody is e-mailed again). Raises ``ValidationError`` if no business has the identifier or the
    user already owns it.
    """
    business = Business.objects.filter(identifier=identifier).first()
    if business is None:
        raise ValidationError(_("No business is registered with this identifier."), code="not_found")
    if business.memberships.filter(user=user, role=MemberRole.OWNER).exists():
        raise ValidationError(_("You are already an owner of this business."), code="already_owner")
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        existing = business.ownership_claims.filter(claimant=user, status__in=OPEN_CLAIM_STATUSES).first()
        if existing is not None:
            return existing
        if business.ownership_status == OwnershipStatus.CONFIRMED and business.ownership_confirmed_at is None:
            # Confirmed since its registration: keep that date, so a dispute alone does not stop it counting.
            business.ownership_confirmed_at = business.created_at
            business.save(update_fields=["ownership_confirmed_at", "updated_at"])
        claim = OwnershipClaim.objects.create(business=business, claimant=user, kind=ClaimKind.DISPUTE,
                                              message=text_clean(message)[:1000])
        ownership_status_settle(business=business)
        owners = [m.user for m in business.memberships.filter(role=MemberRole.OWNER).select_related("user")
                  if m.user.is_active]
    for owner in owners:
        _mail(template="ownership_disputed", to=[owner.email],
              languages=tuple(dict.fromkeys((owner.preferred_language or "vi", "vi"))),
              context={"business": business, "url": ownership_url})
    audit_record(action=AuditAction.OWNERSHIP_CLAIMED, actor=user, target=business.identifier,
                 details={"claim": claim.pk, "kind": claim.kind}, request=request)
    return claim


def _require_open(claim: OwnershipClaim) -> None:
    if not claim.is_open:
        raise ValidationError(_("This claim is closed: %(status)s.") % {"status": claim.get_status_display()},
                              code="closed")


def ownership_code_send(*, claim: OwnershipClaim, request: HttpRequest | None = None) -> str:
    """E-mail a new one-time code to the register's contact address of the claim's business; returns the
    address masked. The previous code stops working. Raises ``ValidationError`` when the claim is closed,
    the register gives no e-mail (a document is needed then), or a code was sent less than a minute ago."""
    _require_open(claim)
    found = register_answer(identifier=claim.business.identifier)
    if found is None or not found.contact_email:
        raise ValidationError(_("The register has no e-mail address for this business. Upload a document "
                                "instead: an officer will check it."), code="no_contact")
    now = timezone.now()
    if claim.code_sent_at is not None and now - claim.code_sent_at < CODE_RESEND_AFTER:
        raise ValidationError(_("A code was sent less than a minute ago. Check your mailbox, then try again."),
                              code="too_soon")
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    masked = email_mask(found.contact_email)
    OwnershipClaim.objects.filter(pk=claim.pk).update(
        code_hash=_code_hash(claim.pk, code), code_sent_to=masked, code_sent_at=now,
        code_expires_at=now + CODE_LIFETIME, code_attempts=0, updated_at=now)
    claim.refresh_from_db()
    _mail(template="ownership_code", to=[found.contact_email], languages=("vi", "en"), context={
        "business": claim.business, "code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60),
        "site_url": getattr(settings, "SITE_URL", "")})
    audit_record(action=AuditAction.OWNERSHIP_CODE_SENT, actor=claim.claimant, target=claim.business.identifier,
                 details={"claim": claim.pk, "to": masked}, request=request)
    return masked


def ownership_code_verify(*, claim: OwnershipClaim, code: str, request: HttpRequest | None = None
                          ) -> OwnershipClaim:
    """Check ``code`` against the claim's last code. Right: the owner who registered the business is
    confirmed (a disputed business waits for an officer, who sees that the code was proven). Raises
    ``ValidationError`` for a wrong, expired or exhausted code; each wrong try counts."""
    _require_open(claim)
    now = timezone.now()
    if not claim.code_hash:
        raise ValidationError(_("Ask for a code first."), code="no_code")
    if claim.code_attempts >= CODE_MAX_ATTEMPTS:
        raise ValidationError(_("Too many wrong codes. Ask for a new code."), code="attempts")
    if claim.code_expires_at is None or claim.code_expires_at <= now:
        raise ValidationError(_("This code has expired. Ask for a new code."), code="expired")
    typed = "".join(ch for ch in str(code) if ch.isdigit())
    # Count the try before comparing, in the database: parallel tries cannot get more than the limit.
    counted = OwnershipClaim.objects.filter(pk=claim.pk, code_attempts__lt=CODE_MAX_ATTEMPTS).update(
        code_attempts=F("code_attempts") + 1)
    if not counted:
        raise ValidationError(_("Too many wrong codes. Ask for a new code."), code="attempts")
    claim.refresh_from_db()
    if not hmac.compare_digest(claim.code_hash, _code_hash(claim.pk, typed)):
        audit_record(action=AuditAction.OWNERSHIP_CODE_FAILED, actor=claim.claimant,
                     target=claim.business.identifier, details={"claim": claim.pk}, request=request)
        left = CODE_MAX_ATTEMPTS - claim.code_attempts
        if left <= 0:
            raise ValidationError(_("Wrong code, and no tries are left. Ask for a new code."), code="attempts")
        raise ValidationError(_("Wrong code. %(left)s tries left.") % {"left": left}, code="wrong")
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=claim.business_id)
        claim.code_hash = ""
        claim.code_verified_at = now
        is_holder = business.memberships.filter(user=claim.claimant, role=MemberRole.OWNER).exists()
        disputed = business.ownership_claims.filter(kind=ClaimKind.DISPUTE, status__in=OPEN_CLAIM_STATUSES
                                                    ).exclude(pk=claim.pk).exists()
        if is_holder and not disputed and claim.kind == ClaimKind.REGISTRATION:
            claim.status = ClaimStatus.CONFIRMED
            claim.decided_at = now
            business.ownership_confirmed_at = business.ownership_confirmed_at or now
            business.save(update_fields=["ownership_confirmed_at", "updated_at"])
        else:
            claim.status = ClaimStatus.REVIEW
        claim.save(update_fields=["code_hash", "code_verified_at", "status", "decided_at", "updated_at"])
        ownership_status_settle(business=business)
    audit_record(action=AuditAction.OWNERSHIP_CONFIRMED if claim.status == ClaimStatus.CONFIRMED
                 else AuditAction.OWNERSHIP_CLAIMED, actor=claim.claimant, target=business.identifier,
                 details={"claim": claim.pk, "proof": "code", "status": claim.status}, request=request)
    return claim


def ownership_confirm_by_register_link(*, business: Business, user: User, request: HttpRequest | None = None,
                                       details: dict | None = None) -> Business:
    """``user``, an owner of ``business``, followed a single-use personal link that was sent to the register's
    own contact address for it (an officers' invitation): the same proof as a one-time code sent there.

    Confirms the business as ``ownership_code_verify`` does: a holder's registration claim is confirmed and
    the business counts from now; a disputed business waits for an officer (the claim goes to review with the
    proof noted). Idempotent; raises ``ValidationError`` when ``user`` is not an owner. The caller checks that
    the link went to the register's contact address of this very identifier.
    """
    if not business.memberships.filter(user=user, role=MemberRole.OWNER).exists():
        raise ValidationError(_("Only an owner of the business can prove its ownership."), code="not_owner")
    if business.ownership_status == OwnershipStatus.CONFIRMED and business.ownership_confirmed_at is not None:
        return business
    if business.ownership_status == OwnershipStatus.CONFIRMED and not business.claimed_from_register:
        return business
    now = timezone.now()
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        claim = business.ownership_claims.filter(claimant=user, status__in=OPEN_CLAIM_STATUSES).first()
        if claim is None:
            claim = OwnershipClaim.objects.create(business=business, claimant=user, kind=ClaimKind.REGISTRATION)
        disputed = business.ownership_claims.filter(kind=ClaimKind.DISPUTE, status__in=OPEN_CLAIM_STATUSES
                                                    ).exclude(pk=claim.pk).exists()
        claim.code_hash = ""
        claim.code_verified_at = now
        if claim.kind == ClaimKind.REGISTRATION and not disputed:
            claim.status = ClaimStatus.CONFIRMED
            claim.decided_at = now
            business.ownership_confirmed_at = business.ownership_confirmed_at or now
            business.save(update_fields=["ownership_confirmed_at", "updated_at"])
        else:
            claim.status = ClaimStatus.REVIEW
        claim.save(update_fields=["code_hash", "code_verified_at", "status", "decided_at", "updated_at"])
        ownership_status_settle(business=business)
    audit_record(action=AuditAction.OWNERSHIP_CONFIRMED if claim.status == ClaimStatus.CONFIRMED
                 else AuditAction.OWNERSHIP_CLAIMED, actor=user, target=business.identifier,
                 details={"claim": claim.pk, "proof": "register_link", "status": claim.status, **(details or {})},
                 request=request)
    return business


def ownership_document_upload(*, claim: OwnershipClaim, data: bytes, name: str,
                              request: HttpRequest | None = None) -> OwnershipClaim:
    """Attach a document proving ownership (PDF, JPEG or PNG up to 5 MB, checked by its content) and put the
    claim before an officer. A new upload replaces the previous document. Raises ``ValidationError`` for a
    closed claim or a refused file (nothing stored then)."""
    _require_open(claim)
    checked = document_check(data=data, name=name)
    old_name = claim.document.name if claim.document else ""
    claim.document.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(data), save=False)
    claim.document_content_type = checked.content_type
    claim.document_name = text_clean(name)[:255]
    claim.document_sha256 = checked.sha256
    claim.document_uploaded_at = timezone.now()
    claim.status = ClaimStatus.REVIEW
    try:
        claim.save()
    except BaseException:
        claim.document.storage.delete(claim.document.name)
        raise
    if old_name:
        storage = claim.document.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    audit_record(action=AuditAction.OWNERSHIP_DOCUMENT, actor=claim.claimant, target=claim.business.identifier,
                 details={"claim": claim.pk, "sha256": checked.sha256}, request=request)
    return claim


def ownership_claim_decide(*, claim: OwnershipClaim, officer: User, approve: bool, reason: str = "",
                           request: HttpRequest | None = None) -> OwnershipClaim:
    """An officer confirms or refuses a claim. Confirming the claim of someone who is not an owner
    *transfers* the business: every membership, open invitation and pending join request of the previous
    team ends and the claimant becomes its only owner. Confirming one claim refuses the other open claims
    on the business. A refusal needs a reason (the claimant reads it). The claimant is e-mailed. Raises
    ``ValidationError`` for a closed claim or a refusal without a reason."""
    _require_open(claim)
    reason = text_clean(reason)[:1000]
    if not approve and not reason:
        raise ValidationError(_("Say why the claim is refused: the person who made it reads it."), code="reason")
    now = timezone.now()
    previous_owners: list[str] = []
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=claim.business_id)
        claim = OwnershipClaim.objects.select_for_update().get(pk=claim.pk)
        _require_open(claim)
        claim.status = ClaimStatus.CONFIRMED if approve else ClaimStatus.REFUSED
        claim.decided_by, claim.decided_at, claim.decision_reason = officer, now, reason
        claim.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
        transferred = False
        if approve:
            is_owner = business.memberships.filter(user=claim.claimant, role=MemberRole.OWNER).exists()
            if not is_owner:
                transferred = True
                previous_owners = list(business.memberships.filter(role=MemberRole.OWNER)
                                       .values_list("user__email", flat=True))
                business.memberships.all().delete()
                Invitation.objects.filter(business=business, accepted_at__isnull=True,
                                          revoked_at__isnull=True).update(revoked_at=now)
                JoinRequest.objects.filter(business=business, status=JoinRequestStatus.PENDING).update(
                    status=JoinRequestStatus.REJECTED, decided_by=officer, decided_at=now)
                Membership.objects.create(business=business, user=claim.claimant, role=MemberRole.OWNER)
            others = business.ownership_claims.filter(status__in=OPEN_CLAIM_STATUSES).exclude(pk=claim.pk)
            others.update(status=ClaimStatus.REFUSED, decided_by=officer, decided_at=now, updated_at=now,
                          decision_reason=_("An officer confirmed another person as the owner."))
            business.ownership_confirmed_at = now
            business.save(update_fields=["ownership_confirmed_at", "updated_at"])
        ownership_status_settle(business=business)
    if transferred:
        action = AuditAction.OWNERSHIP_TRANSFERRED
    else:
        action = AuditAction.OWNERSHIP_CONFIRMED if approve else AuditAction.OWNERSHIP_REFUSED
    audit_record(action=action, actor=officer, target=business.identifier, request=request, details={
        "claim": claim.pk, "claimant": claim.claimant.email, "reason": reason, "previous_owners": previous_owners})
    _mail(template="ownership_decision", to=[claim.claimant.email],
          languages=tuple(dict.fromkeys((claim.claimant.preferred_language or "vi", "vi"))),
          context={"business": business, "approved": approve, "reason": reason})
    return claim


def ownership_documents_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the documents of claims decided more than ``OWNERSHIP_DOCUMENT_RETENTION_DAYS`` ago (the
    decision and the file's SHA-256 stay in the audit trail). Idempotent; returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.OWNERSHIP_DOCUMENT_RETENTION_DAYS)
    deleted = 0
    for claim in OwnershipClaim.objects.filter(decided_at__lt=cutoff).exclude(document=""):
        storage, name = claim.document.storage, claim.document.name
        OwnershipClaim.objects.filter(pk=claim.pk).update(document="")
        storage.delete(name)
        deleted += 1
    return deleted


def ownership_claims_erase_for_user(*, user: User) -> None:
    """On erasure of ``user``'s personal data: their open claims are withdrawn (a dispute they opened ends)
    and the documents of all their claims are deleted once the erasure is committed. Call inside the
    erasure's transaction. Idempotent."""
    now = timezone.now()
    claims = list(OwnershipClaim.objects.select_related("business").filter(claimant=user))
    files = [(c.document.storage, c.document.name) for c in claims if c.document]
    OwnershipClaim.objects.filter(claimant=user, status__in=OPEN_CLAIM_STATUSES).update(
        status=ClaimStatus.WITHDRAWN, decided_at=now, updated_at=now, code_hash="")
    OwnershipClaim.objects.filter(claimant=user).exclude(document="").update(document="", updated_at=now)
    for business in {c.business for c in claims}:
        ownership_status_settle(business=business)
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
