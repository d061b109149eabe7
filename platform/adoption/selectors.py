"""Reads for the officers' pages: the register and its matching, declarations, drill-down lists, funnel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Left
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_roles
from cms.choices import Milestone
from cms.milestones import milestones_evaluate
from marketplace_connectors.models import ListingBinding
from marketplace_connectors.selectors import business_order_dates
from sme.businesses.models import AdministrativeUnit, Business
from sme.businesses.phones import phone_display
from sme.catalog.models import Product

from .evidence import Evidence, evidence_for_day
from .indicator import (
    MARKETPLACE,
    SME,
    Member,
    cell_label,
    member_keys,
    population,
)
from .models import (
    ApiToken,
    DeclarationStatus,
    DeclaredShop,
    ImportStatus,
    RegisterEntry,
    RegisterImport,
)


def user_is_officer(*, user: User) -> bool:
    """Trade officers (and superusers) reach the adoption pages; business owners do not."""
    return bool(user.is_authenticated and (user.is_superuser or Role.TRADE_OFFICER in user_roles(user=user)))


# --- Register ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterSummary:
    entries: int
    operating: int
    needs_review: int
    last_import: RegisterImport | None
    as_of: datetime.date | None


def register_summary() -> RegisterSummary:
    entries = RegisterEntry.objects
    return RegisterSummary(
        entries=entries.count(),
        operating=entries.filter(status="operating").count(),
        needs_review=entries.filter(needs_address_review=True).count(),
        last_import=RegisterImport.objects.filter(status=ImportStatus.SUCCEEDED).order_by("-finished_at").first(),
        as_of=entries.aggregate(m=Max("as_of"))["m"],
    )


def register_import_list() -> QuerySet[RegisterImport]:
    return RegisterImport.objects.select_related("created_by")[:20]


def register_import_get(*, job_id: int) -> RegisterImport:
    return get_object_or_404(RegisterImport, pk=job_id)


def _branch_roots() -> QuerySet:
    """The parent tax codes of the branches registered on the platform (``NNNNNNNNNN-BBB`` -> ten digits)."""
    return Business.objects.filter(identifier__regex=BRANCH_PATTERN).annotate(
        root=Left("identifier", 10)).values("root")


BRANCH_PATTERN = r"^[0-9]{10}-[0-9]{3}$"


def register_unmatched_entries() -> QuerySet[RegisterEntry]:
    """On the register, not on the platform (neither the business nor a branch of it): the outreach list."""
    return RegisterEntry.objects.exclude(identifier__in=Business.objects.values("identifier")).exclude(
        identifier__in=_branch_roots()).select_related("ward", "legacy_district").order_by("ward__name", "name")


def platform_unmatched_businesses() -> QuerySet[Business]:
    """On the platform, not on the register: to check (new, outside the province, or a wrong identifier). A
    branch whose parent enterprise is on the register is matched through it."""
    listed = RegisterEntry.objects.values("identifier")
    return Business.objects.exclude(identifier__in=listed).annotate(root=Left("identifier", 10)).exclude(
        Q(identifier__regex=BRANCH_PATTERN) & Q(root__in=listed)).select_related("ward").order_by("legal_name")


def register_address_review_list() -> QuerySet[RegisterEntry]:
    return RegisterEntry.objects.filter(needs_address_review=True).select_related(
        "legacy_commune", "legacy_district").order_by("legacy_district__name", "legacy_commune__name", "name")


def register_entry_get(*, pk: int) -> RegisterEntry:
    return get_object_or_404(RegisterEntry, pk=pk)


def register_entry_for(*, identifier: str) -> RegisterEntry | None:
    """The register's entry for ``identifier`` (normalised), if the register lists it."""
    return RegisterEntry.objects.select_related("ward").filter(identifier=identifier).first()


def ward_candidates(*, entry: RegisterEntry) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.current().filter(code__in=entry.ward_candidates).order_by("name"))


@dataclass(frozen=True)
class Correction:
    entry: RegisterEntry
    business: Business
    fields: list[tuple[str, str, str]]  # (field label, register value, platform value)


def register_corrections() -> list[Correction]:
    """Matched businesses whose owner confirmed different data from the register's (name, legal form,
    ward, sector): what the officers may want to pass on to the registration office."""
    from django.utils.translation import gettext as _

    businesses = {b.identifier: b for b in Business.objects.filter(
        identifier__in=RegisterEntry.objects.values("identifier")).select_related("ward")}
    out = []
    for entry in RegisterEntry.objects.filter(identifier__in=list(businesses)).select_related("ward"):
        business = businesses[entry.identifier]
        diffs = []
        if entry.name.strip().casefold() != business.legal_name.strip().casefold():
            diffs.append((_("Name"), entry.name, business.legal_name))
        if entry.legal_form != business.legal_form:
            diffs.append((_("Legal form"), entry.get_legal_form_display(), business.get_legal_form_display()))
        if entry.ward_id and business.ward_id and entry.ward_id != business.ward_id:
            diffs.append((_("Ward or commune"), entry.ward.name, business.ward.name))
        if entry.main_sector and business.main_sector and entry.main_sector != business.main_sector:
            diffs.append((_("Main sector"), entry.main_sector, business.main_sector))
        if diffs:
            out.append(Correction(entry=entry, business=business, fields=diffs))
    return out


# --- Declared shops ------------------------------------------------------------------------------------


def declaration_queue() -> QuerySet[DeclaredShop]:
    return DeclaredShop.objects.filter(status=DeclarationStatus.PENDING).select_related(
        "business", "business__ward", "submitted_by").order_by("created_at")


def declaration_decided_list() -> QuerySet[DeclaredShop]:
    return DeclaredShop.objects.exclude(status=DeclarationStatus.PENDING).exclude(decided_at__isnull=True).select_related(
        "business", "decided_by", "withdrawn_by").order_by("-decided_at")[:50]


def declared_shop_get(*, pk: int, business: Business | None = None) -> DeclaredShop:
    """A declaration by id (404 when unknown); with ``business``, only one of that business's."""
    shops = DeclaredShop.objects.select_related("business")
    if business is not None:
        shops = shops.filter(business=business)
    return get_object_or_404(shops, pk=pk)


def declared_shop_list_for_business(*, business: Business) -> QuerySet[DeclaredShop]:
    return DeclaredShop.objects.filter(business=business).prefetch_related("events")


# --- Tokens --------------------------------------------------------------------------------------------


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get(*, user: User, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, user=user, pk=pk)


# --- Drill-down and funnel -----------------------------------------------------------------------------


@dataclass
class DrillRow:
    member: Member
    verified: bool
    online: bool
    channels: str
    ward: str
    stage: str
    phone: str
    email: str
    last_activity: datetime.datetime | None
    other_lines: str = ""  # own web shop / social selling / other site, when any

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)


FILTERS = ("all", "not_online", "online", "verified", "declared_only")


def _stage_names():
    from django.utils.translation import gettext as _

    return [
        ("not_registered", _("Not on the platform")),
        ("registered", _("Registered")),
        (Milestone.PROFILE_COMPLETE, _("Profile complete")),
        (Milestone.FIRST_PRODUCT, _("First product")),
        (Milestone.FIRST_MARKETPLACE_CONNECTED, _("Marketplace connected")),
        (Milestone.FIRST_LISTING_LIVE, _("First listing live")),
        ("order_90", _("Order in the last 90 days")),
    ]


FUNNEL_MILESTONES = (Milestone.PROFILE_COMPLETE, Milestone.FIRST_PRODUCT, Milestone.FIRST_MARKETPLACE_CONNECTED,
                     Milestone.FIRST_LISTING_LIVE)


def _platform_id(member: Member) -> int | None:
    """The platform business to show for a member: its own, else its first branch's."""
    return member.business_id or (member.business_ids[0] if member.business_ids else None)


def _stages(members: list[Member], evidence: Evidence) -> dict[int, str]:
    """The furthest funnel stage each member's business reached (in order; a gap stops the climb)."""
    business_ids = [b for b in (_platform_id(m) for m in members) if b]
    reached = milestones_evaluate(keys=FUNNEL_MILESTONES, business_ids=business_ids)
    names = dict(_stage_names())
    out = {}
    for member in members:
        business_id = _platform_id(member)
        if business_id is None:
            continue
        stage = "registered"
        for key in FUNNEL_MILESTONES:
            status = reached[key].get(business_id)
            if status is None or not status.reached:
                break
            stage = key
        else:
            if evidence.has_recent_order(member.business_ids):
                stage = "order_90"
        out[business_id] = str(names[stage])
    return out


def _series_members(*, day: datetime.date, series: str) -> tuple[list[Member], Evidence]:
    """The series' members on ``day`` and the evidence about their businesses only (not the province's)."""
    members, _source, _as_of = population(day=day)
    chosen = [m for m in members if series in m.series()]
    evidence = evidence_for_day(day=day, business_ids=[b for m in chosen for b in m.business_ids])
    return chosen, evidence


def drilldown(*, day: datetime.date, series: str, dimension: str, key: str, which: str = "all") -> list[DrillRow]:
    """The businesses behind one cell, read from the current data for ``day``: name, ward, stage,
    contact, last activity. ``which``: all / not_online / online / verified / declared_only (on a
    marketplace, as the headline counts)."""
    members, evidence = _series_members(day=day, series=series)
    chosen = []
    for member in members:
        standing = evidence.standing(member.business_ids)
        if key not in member_keys(member, dimension, standing):
            continue
        if dimension == MARKETPLACE:
            verified, online = key in standing.verified_channels, True
        else:
            verified, online = standing.verified, standing.online
        if which == "not_online" and online:
            continue
        if which == "online" and not online:
            continue
        if which == "verified" and not verified:
            continue
        if which == "declared_only" and (verified or not online):
            continue
        chosen.append((member, standing, verified, online))
    business_ids = [b for b in (_platform_id(m) for m, _s, _v, _o in chosen) if b]
    businesses = {b.pk: b for b in Business.objects.filter(pk__in=business_ids)}
    # The ward the member was counted in on the day (the register as it stood then), by its name today.
    ward_names = dict(AdministrativeUnit.objects.current().filter(
        code__in={m.ward_key for m, _s, _v, _o in chosen}).values_list("code", "name"))
    stages = _stages([m for m, _s, _v, _o in chosen], evidence)
    listing_activity = dict(ListingBinding.objects.filter(account__business_id__in=business_ids).order_by()
                            .values("account__business_id").annotate(m=Max("updated_at"))
                            .values_list("account__business_id", "m"))
    order_activity = {row["business_id"]: row["last_ordered_at"]
                      for row in business_order_dates(business_ids=business_ids)}
    product_activity = dict(Product.objects.filter(business_id__in=business_ids).order_by()
                            .values("business_id").annotate(m=Max("updated_at")).values_list("business_id", "m"))
    not_registered = str(dict(_stage_names())["not_registered"])
    line_names = _line_names()
    rows = []
    for member, standing, verified, online in chosen:
        business_id = _platform_id(member)
        business = businesses.get(business_id)
        dates = [d for d in (business.updated_at if business else None, listing_activity.get(business_id),
                             product_activity.get(business_id), order_activity.get(business_id)) if d]
        rows.append(DrillRow(
            member=member, verified=verified, online=online,
            channels=", ".join(cell_label(MARKETPLACE, c) for c in
                               sorted(standing.verified_channels | standing.declared_channels)),
            ward=ward_names.get(member.ward_key, ""),
            stage=stages.get(business_id, not_registered),
            phone=business.phone if business else "", email=business.email if business else "",
            last_activity=max(dates) if dates else None,
            other_lines=", ".join(name for flag, name in zip(
                (standing.own_web_shop, standing.social, standing.other_site), line_names, strict=True) if flag),
        ))
    rows.sort(key=lambda r: (r.online, r.ward, r.member.name))
    return rows


def _line_names() -> tuple[str, str, str]:
    from .channels import ChannelKind

    return (str(ChannelKind.OWN_WEB_SHOP.label), str(ChannelKind.SOCIAL.label), str(ChannelKind.OTHER.label))


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int


def funnel(*, day: datetime.date, series: str = SME) -> list[FunnelStep]:
    """Onboarding funnel of the series' members on the platform, from the journey's milestones (today's
    state) plus orders in the 90 days up to ``day``. Each step counts businesses that reached it AND every
    step before."""
    in_series, evidence = _series_members(day=day, series=series)
    on_platform = {_platform_id(m): m for m in in_series if _platform_id(m)}
    reached = milestones_evaluate(keys=FUNNEL_MILESTONES, business_ids=list(on_platform))
    names = dict(_stage_names())
    steps = [FunnelStep("denominator", _denominator_label(), len(in_series)),
             FunnelStep("registered", str(names["registered"]), len(on_platform))]
    remaining = set(on_platform)
    for key in FUNNEL_MILESTONES:
        remaining = {b for b in remaining if (s := reached[key].get(b)) is not None and s.reached}
        steps.append(FunnelStep(str(key), str(names[key]), len(remaining)))
    remaining = {b for b in remaining if evidence.has_recent_order(on_platform[b].business_ids)}
    steps.append(FunnelStep("order_90", str(names["order_90"]), len(remaining)))
    return steps


def _denominator_label() -> str:
    from django.utils.translation import gettext as _

    return _("In the denominator")


def snapshot_job_get(*, day: datetime.date):
    from .models import SnapshotJob

    return SnapshotJob.objects.filter(day=day).first()
