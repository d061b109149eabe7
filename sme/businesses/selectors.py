"""Reads about businesses and who may see them. Every view that takes an object id goes through here."""

import datetime
import hashlib

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import (
    AdministrativeUnit,
    Business,
    ConsentRecord,
    ErasureRequest,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    LegacyToNewUnit,
    MemberRole,
    Membership,
    OcopProduct,
    SizeAssessment,
    SizeProvenance,
    SizeThreshold,
)
from .sizing import Threshold


def business_list_for_user(*, user: User) -> QuerySet[Business]:
    """Businesses ``user`` belongs to, in any role."""
    return Business.objects.filter(memberships__user=user).distinct()


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("business").order_by("business__legal_name")


def membership_get(*, user: User, business_id: int, roles: tuple[str, ...] | None = None) -> Membership:
    """The user's membership in ``business_id``; raises Http404 when they have none (or not in ``roles``).

    404 rather than 403 so a stranger cannot learn which ids exist.
    """
    qs = Membership.objects.select_related("business").filter(user=user, business_id=business_id)
    if roles is not None:
        qs = qs.filter(role__in=roles)
    membership = qs.first()
    if membership is None:
        raise Http404("No such business")
    return membership


def membership_is_owner(*, membership: Membership) -> bool:
    return membership.role == MemberRole.OWNER


def business_get_by_identifier(*, identifier: str) -> Business | None:
    return Business.objects.filter(identifier=identifier).first()


# --- Objects of one business: each raises Http404 for another business's id ---------------------------------

def membership_get_for_business(*, business: Business, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), business=business, pk=pk)


def invitation_get_for_business(*, business: Business, pk: int) -> Invitation:
    return get_object_or_404(Invitation, business=business, pk=pk)


def join_request_get_for_business(*, business: Business, pk: int) -> JoinRequest:
    return get_object_or_404(JoinRequest.objects.select_related("user", "business"), business=business, pk=pk)


def ocop_product_get_for_business(*, business: Business, pk: int) -> OcopProduct:
    return get_object_or_404(OcopProduct, business=business, pk=pk)


def erasure_request_get_for_user(*, user: User, pk: int) -> ErasureRequest:
    return get_object_or_404(ErasureRequest, user=user, pk=pk)


# --- Team -------------------------------------------------------------------------------------------------

def team_for_business(*, business: Business) -> QuerySet[Membership]:
    return business.memberships.select_related("user").order_by("role", "user__full_name", "user__email")


def invitation_list_open(*, business: Business, now: datetime.datetime) -> QuerySet[Invitation]:
    return business.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def join_request_list_pending(*, business: Business) -> QuerySet[JoinRequest]:
    return business.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("user")


def token_hash(token: str) -> str:
    """Invitations store only this hash of the token sent by email."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def invitation_get_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("business").filter(token_hash=token_hash(token)).first()


# --- Addresses --------------------------------------------------------------------------------------------

def legacy_unit_candidates(*, legacy: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The current unit(s) an old commune became, the package's default guess first."""
    return [
        row.new for row in LegacyToNewUnit.objects.filter(legacy=legacy).select_related("new")
        .order_by("-is_default", "new__name")
    ]


# --- Size class -------------------------------------------------------------------------------------------

def size_thresholds_for(*, sector_group: str, fiscal_year: int) -> list[Threshold]:
    """For each size class, the thresholds of ``sector_group`` in force at the end of ``fiscal_year``."""
    year_end = datetime.date(fiscal_year, 12, 31)
    rows = SizeThreshold.objects.filter(sector_group=sector_group, valid_from__lte=year_end).order_by(
        "size_class", "-valid_from")
    latest: dict[str, SizeThreshold] = {}
    for row in rows:
        latest.setdefault(row.size_class, row)
    return [Threshold(size_class=r.size_class, max_insured_headcount=r.max_insured_headcount,
                      max_revenue_vnd=r.max_revenue_vnd, max_capital_vnd=r.max_capital_vnd)
            for r in latest.values()]


def size_assessment_current(*, business: Business) -> SizeAssessment | None:
    """The latest fiscal year's size class; an officer's verification wins over the owner's declaration."""
    assessments = list(business.size_assessments.order_by("-fiscal_year")[:2])
    if not assessments:
        return None
    year = assessments[0].fiscal_year
    same_year = [a for a in assessments if a.fiscal_year == year]
    verified = [a for a in same_year if a.provenance == SizeProvenance.VERIFIED]
    return (verified or same_year)[0]


# --- Personal data ---------------------------------------------------------------------------------------

def user_data_export(*, user: User) -> dict:
    """Everything the platform holds about ``user`` and the businesses they own, as JSON-ready data."""

    def unit(u):
        return {"code": u.code, "name": u.name} if u else None

    owned = Business.objects.filter(memberships__user=user, memberships__role=MemberRole.OWNER).select_related(
        "ward", "legacy_district", "legacy_commune").prefetch_related(
        "ocop_products", "size_assessments", "memberships__user", "invitations")
    return {
        "user": {
            "email": user.email, "full_name": user.full_name, "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "memberships": [
            {"business": m.business.display_name, "identifier": m.business.identifier, "role": m.role,
             "since": m.created_at.isoformat()}
            for m in membership_list_for_user(user=user)
        ],
        "businesses_owned": [
            {
                "legal_form": b.legal_form, "legal_name": b.legal_name, "trade_name": b.trade_name,
                "identifier": b.identifier, "main_sector": b.main_sector, "sector_group": b.sector_group,
                "street": b.street, "ward": unit(b.ward), "legacy_district": unit(b.legacy_district),
                "legacy_commune": unit(b.legacy_commune), "phone": b.phone, "email": b.email,
                "founding_year": b.founding_year, "women_owned": b.women_owned,
                "created_at": b.created_at.isoformat(),
                "ocop_products": [
                    {"name": p.name, "stars": p.stars, "product_group": p.product_group,
                     "certificate_no": p.certificate_no,
                     "issued_on": p.issued_on.isoformat() if p.issued_on else None,
                     "expires_on": p.expires_on.isoformat() if p.expires_on else None}
                    for p in b.ocop_products.all()
                ],
                "size_assessments": [
                    {"fiscal_year": a.fiscal_year, "provenance": a.provenance, "size_class": a.size_class,
                     "insured_headcount": a.insured_headcount,
                     "prior_year_revenue_vnd": a.prior_year_revenue_vnd,
                     "total_capital_vnd": a.total_capital_vnd}
                    for a in b.size_assessments.all()
                ],
                "team": [{"email": m.user.email, "full_name": m.user.full_name, "role": m.role}
                         for m in b.memberships.all()],
                "invitations": [{"email": i.email, "role": i.role, "created_at": i.created_at.isoformat(),
                                 "accepted": i.accepted_at is not None, "revoked": i.revoked_at is not None}
                                for i in b.invitations.all()],
            }
            for b in owned
        ],
        "consents": [
            {"notice_version": c.notice_version, "text_sha256": c.text_sha256, "language": c.language,
             "accepted_at": c.accepted_at.isoformat()}
            for c in ConsentRecord.objects.filter(user=user)
        ],
        "erasure_requests": [
            {"status": r.status, "requested_at": r.requested_at.isoformat(),
             "completed_at": r.completed_at.isoformat() if r.completed_at else None}
            for r in ErasureRequest.objects.filter(user=user)
        ],
    }
