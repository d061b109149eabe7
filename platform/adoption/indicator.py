"""The indicator: who is counted (the denominator), who trades online (the numerator), per dimension.

Definitions (shown on the dashboard, in the exports' notes and in the API document; keep them in step):

- **Denominator.** With an imported register: its entries *operating* on D, each in the state the latest
  register dated on or before D gave it (``RegisterEntry.valid_from`` and ``RegisterEntryHistory``; the
  first register also stands for the days before it, and an entry a later register adds counts from that
  register's date). Without one: the businesses registered on the platform by the end of D (every page then
  says so).
- **Series.** *SMEs*: enterprises (every legal form but household) of size micro, small or medium; an
  enterprise whose size is not known (neither the register nor an assessment on the platform gives it) is
  counted as an SME and shown as "size not known"; one above the medium class is left out. *Households*:
  household businesses, their own series. *OCOP*: businesses with an OCOP certificate valid on D, their own
  series (whatever their legal form).
- **Numerator.** Members of the series matched to a platform business (same identifier) with evidence on
  D (``adoption.evidence``): *verified* (live listing, or order in the 90 days up to D) and *verified +
  declared* (also an approved declared shop). A register entry with no platform business cannot be counted
  online: it is on the outreach list.
- **Share** = numerator / denominator, in percent with one decimal.
- **Gap** = businesses still needed: ceil(target% x denominator) - (verified + declared), at least 0.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sme.businesses.models import (
    AdministrativeUnit,
    Business,
    LegacyToNewUnit,
    LegalForm,
    OcopProduct,
    SectorGroup,
    SizeAssessment,
    SizeClass,
    SizeProvenance,
    sector_group_for,
)

from .evidence import Evidence, day_end, evidence_for_day
from .models import (
    AdoptionTarget,
    DenominatorSource,
    RegisterEntry,
    RegisterEntryHistory,
    RegisterStatus,
    ShopChannel,
    SnapshotRow,
    SnapshotRun,
)

SME, HOUSEHOLD, OCOP = "sme", "household", "ocop"
SERIES = (SME, HOUSEHOLD, OCOP)
SERIES_LABELS = {SME: _("SMEs"), HOUSEHOLD: _("Household businesses"), OCOP: _("OCOP businesses")}

TOTAL, WARD, OLD_DISTRICT, SECTOR, SIZE, LEGAL_FORM, MARKETPLACE = (
    "total", "ward", "old_district", "sector", "size", "legal_form", "marketplace")
DIMENSIONS = (TOTAL, WARD, OLD_DISTRICT, SECTOR, SIZE, LEGAL_FORM, MARKETPLACE)
BREAKDOWNS = (WARD, OLD_DISTRICT, SECTOR, SIZE, LEGAL_FORM, MARKETPLACE)
DIMENSION_LABELS = {
    TOTAL: _("Whole province"), WARD: _("Ward or commune (since July 2025)"),
    OLD_DISTRICT: _("District before July 2025"), SECTOR: _("Sector group"), SIZE: _("Size class"),
    LEGAL_FORM: _("Legal form"), MARKETPLACE: _("Marketplace or channel"),
}
# The command line's spelling of each breakdown.
CLI_DIMENSIONS = {"ward": WARD, "old-district": OLD_DISTRICT, "sector": SECTOR, "size": SIZE,
                  "legal-form": LEGAL_FORM, "marketplace": MARKETPLACE}

UNKNOWN = ""
UNKNOWN_SIZE = "unknown"
UNRESOLVED_WARD = "unresolved"
SME_SIZES = {SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM}

MARKETPLACE_NAMES = {"shopee": "Shopee", "lazada": "Lazada", "tiktok": "TikTok Shop", "tiki": "Tiki",
                     "woocommerce": "WooCommerce"}


@dataclass(slots=True)
class Member:
    """One business of the denominator, with what the dimensions need."""

    entry_id: int | None
    business_id: int | None
    identifier: str
    name: str
    legal_form: str
    kind: str  # sme / household / not_sme
    size: str
    sector_group: str
    ward_key: str
    old_district_key: str
    ocop: bool

    def series(self) -> list[str]:
        out = []
        if self.kind == SME:
            out.append(SME)
        elif self.kind == HOUSEHOLD:
            out.append(HOUSEHOLD)
        if self.ocop:
            out.append(OCOP)
        return out


@dataclass
class Cell:
    series: str
    dimension: str
    key: str
    label: str = ""
    denominator: int = 0
    verified: int = 0
    online: int = 0

    @property
    def declared_only(self) -> int:
        return self.online - self.verified

    @property
    def verified_share(self) -> float | None:
        return share(self.verified, self.denominator)

    @property
    def online_share(self) -> float | None:
        return share(self.online, self.denominator)


@dataclass
class IndicatorDay:
    """The indicator for one day: every cell of every series and dimension."""

    day: datetime.date
    denominator_source: str
    computed_at: datetime.datetime
    register_as_of: datetime.date | None = None
    stored: bool = False
    cells: list[Cell] = field(default_factory=list)

    def cells_for(self, *, series: str, dimension: str) -> list[Cell]:
        return [c for c in self.cells if c.series == series and c.dimension == dimension]

    def total(self, *, series: str = SME) -> Cell:
        found = self.cells_for(series=series, dimension=TOTAL)
        return found[0] if found else Cell(series=series, dimension=TOTAL, key="")


def share(part: int, whole: int) -> float | None:
    """Percent with one decimal, half away from zero; None when there is nothing to divide by."""
    if not whole:
        return None
    return math.floor(part * 1000 / whole + 0.5) / 10


def gap_to_target(*, online: int, denominator: int, percent) -> int:
    """How many more businesses must trade online for ``online / denominator`` to reach ``percent``."""
    needed = math.ceil(float(percent) * denominator / 100 - 1e-9)
    return max(0, needed - online)


# --- The denominator ---------------------------------------------------------------------------------


def register_in_use() -> bool:
    return RegisterEntry.objects.exists()


def _unit_maps() -> tuple[dict[int, tuple[str, str]], dict[int, int]]:
    """(unit id -> (code, name)) for every unit, and new ward id -> its old district id when unique."""
    units = {pk: (code, name) for pk, code, name in AdministrativeUnit.objects.values_list("pk", "code", "name")}
    districts: dict[int, set[int]] = defaultdict(set)
    for new_id, district_id in LegacyToNewUnit.objects.values_list("new_id", "legacy__parent_id"):
        if district_id:
            districts[new_id].add(district_id)
    unique = {new_id: next(iter(ids)) for new_id, ids in districts.items() if len(ids) == 1}
    return units, unique


def _sizes_by_business(business_ids: set[int] | None = None) -> dict[int, str]:
    """The latest fiscal year's size class per business, an officer's verification over the declaration."""
    rows = SizeAssessment.objects.order_by("business_id", "-fiscal_year", "provenance")
    if business_ids is not None:
        rows = rows.filter(business_id__in=business_ids)
    best: dict[int, tuple[int, bool, str]] = {}
    for business_id, year, provenance, size_class in rows.values_list(
        "business_id", "fiscal_year", "provenance", "size_class"
    ):
        verified = provenance == SizeProvenance.VERIFIED
        current = best.get(business_id)
        if current is None or (year, verified) > (current[0], current[1]):
            best[business_id] = (year, verified, size_class)
    return {business_id: size for business_id, (_, _, size) in best.items()}


def _ocop_business_ids(day: datetime.date, certificates: list[tuple] | None = None) -> set[int]:
    """Businesses with an OCOP certificate valid on ``day`` (no dates given counts as valid)."""
    if certificates is None:
        certificates = _ocop_certificates()
    return {business_id for business_id, issued, expires in certificates
            if (issued is None or issued <= day) and (expires is None or expires >= day)}


def _ocop_certificates() -> list[tuple]:
    return list(OcopProduct.objects.values_list("business_id", "issued_on", "expires_on"))


def _kind(legal_form: str, size: str) -> str:
    if legal_form == LegalForm.HOUSEHOLD:
        return HOUSEHOLD
    if size == SizeClass.NOT_SME:
        return "not_sme"
    return SME


# What a register state holds for the denominator, in this order (the entry's and its history's alike).
_STATE_COLUMNS = ("name", "legal_form", "main_sector", "size_class", "ward_id", "legacy_district_id",
                  "legacy_commune__parent_id", "needs_address_review", "as_of", "status")


class PopulationData:
    """Everything the denominator reads that does not depend on the day: loaded once, reused for a range."""

    def __init__(self):
        self.units, self.ward_district = _unit_maps()
        self.unit_names = {(code_, current): name for code_, name, current in
                           AdministrativeUnit.objects.values_list("code", "name", "is_current")}
        self.sizes = _sizes_by_business()
        self.certificates = _ocop_certificates()
        self.register = register_in_use()
        self.businesses = list(Business.objects.values_list(
            "pk", "identifier", "legal_name", "trade_name", "legal_form", "main_sector", "ward_id",
            "legacy_district_id", "created_at").iterator(chunk_size=5000))
        # (pk, identifier, valid_from, state) for every entry, whatever its status today.
        self.entries: list[tuple] = []
        # entry pk -> its earlier states as (valid_from, valid_to, state), oldest first.
        self.history: dict[int, list[tuple]] = defaultdict(list)
        if self.register:
            for pk, identifier, valid_from, *state in RegisterEntry.objects.values_list(
                    "pk", "identifier", "valid_from", *_STATE_COLUMNS).iterator(chunk_size=5000):
                self.entries.append((pk, identifier, valid_from, tuple(state)))
            for entry_id, valid_from, valid_to, *state in RegisterEntryHistory.objects.order_by(
                    "entry_id", "valid_to").values_list("entry_id", "valid_from", "valid_to", *_STATE_COLUMNS
                                                        ).iterator(chunk_size=5000):
                self.history[entry_id].append((valid_from, valid_to, tuple(state)))

    def entry_state_on(self, day: datetime.date, pk: int, valid_from: datetime.date | None,
                       state: tuple) -> tuple | None:
        """The entry's state on ``day`` (its current one, or the earlier one valid then), or None when the
        register did not have it yet."""
        if valid_from is None or valid_from <= day:
            return state
        for earlier_from, earlier_to, earlier in self.history.get(pk, ()):
            if (earlier_from is None or earlier_from <= day) and day <= earlier_to:
                return earlier
        return None


def population(*, day: datetime.date, data: PopulationData | None = None
               ) -> tuple[list[Member], str, datetime.date | None]:
    """The denominator's members on ``day``: (members, denominator source, register as-of date).

    With a register, each entry counts in the state the register gave it for ``day``: a later import
    that changed it (dissolved, moved, resized) leaves the days before its date as they were.
    """
    data = data or PopulationData()
    units, ward_district, sizes = data.units, data.ward_district, data.sizes

    def code(unit_id):
        return units[unit_id][0] if unit_id else UNKNOWN

    ocop_ids = _ocop_business_ids(day, data.certificates)
    members: list[Member] = []
    if data.register:
        businesses = {row[1]: (row[0], row[4], row[5], row[6], row[7]) for row in data.businesses}
        as_of = first_as_of = None
        for pk, identifier, valid_from, current in data.entries:
            state = data.entry_state_on(day, pk, valid_from, current)
            if state is None or state[9] != RegisterStatus.OPERATING:
                continue
            (name, legal_form, main_sector, size_class, ward_id, district_id, commune_district_id, review,
             entry_as_of, _status) = state
            business = businesses.get(identifier)
            business_id = business[0] if business else None
            # The register's date as of the day: a newer file's date does not belong to an earlier day.
            if entry_as_of and entry_as_of <= day and (as_of is None or entry_as_of > as_of):
                as_of = entry_as_of
            if entry_as_of and (first_as_of is None or entry_as_of < first_as_of):
                first_as_of = entry_as_of
            size = size_class or (sizes.get(business_id, "") if business_id else "")
            sector = main_sector or (business[2] if business else "")
            ward_key = code(ward_id) if ward_id else (UNRESOLVED_WARD if review else (
                code(business[3]) if business and business[3] else UNKNOWN))
            district = district_id or commune_district_id or (business[4] if business else None) or (
                ward_district.get(ward_id) if ward_id else None)
            kind = _kind(legal_form, size)
            members.append(Member(
                entry_id=pk, business_id=business_id, identifier=identifier, name=name, legal_form=legal_form,
                kind=kind, size=HOUSEHOLD if kind == HOUSEHOLD else (size or UNKNOWN_SIZE),
                sector_group=sector_group_for(sector) if sector else UNKNOWN, ward_key=ward_key,
                old_district_key=code(district), ocop=business_id in ocop_ids,
            ))
        return members, DenominatorSource.REGISTER, as_of or first_as_of

    end = day_end(day)
    for pk, identifier, name, trade_name, legal_form, main_sector, ward_id, district_id, created_at in data.businesses:
        if created_at >= end:
            continue
        size = sizes.get(pk, "")
        kind = _kind(legal_form, size)
        district = district_id or (ward_district.get(ward_id) if ward_id else None)
        members.append(Member(
            entry_id=None, business_id=pk, identifier=identifier, name=trade_name or name, legal_form=legal_form,
            kind=kind, size=HOUSEHOLD if kind == HOUSEHOLD else (size or UNKNOWN_SIZE),
            sector_group=sector_group_for(main_sector) if main_sector else UNKNOWN, ward_key=code(ward_id),
            old_district_key=code(district), ocop=pk in ocop_ids,
        ))
    return members, DenominatorSource.PLATFORM, None


# --- Counting ----------------------------------------------------------------------------------------


def member_keys(member: Member, dimension: str, evidence: Evidence) -> list[str]:
    """The cell(s) of ``dimension`` a member belongs to (several for marketplaces, none when it has none)."""
    if dimension == TOTAL:
        return [""]
    if dimension == WARD:
        return [member.ward_key]
    if dimension == OLD_DISTRICT:
        return [member.old_district_key]
    if dimension == SECTOR:
        return [member.sector_group]
    if dimension == SIZE:
        return [member.size]
    if dimension == LEGAL_FORM:
        return [member.legal_form]
    verified, declared = evidence.channels(member.business_id)
    return sorted(verified | declared)


def count_cells(*, members: list[Member], evidence: Evidence) -> list[Cell]:
    """Count every series x dimension x key. Marketplace cells have the whole series as denominator."""
    denominators: Counter = Counter()
    verified: Counter = Counter()
    online: Counter = Counter()
    series_totals: Counter = Counter()
    for member in members:
        is_verified = evidence.verified(member.business_id)
        is_online = is_verified or evidence.online(member.business_id)
        mp_verified, mp_declared = evidence.channels(member.business_id)
        for series in member.series():
            series_totals[series] += 1
            for dimension in DIMENSIONS:
                if dimension == MARKETPLACE:
                    for key in mp_verified:
                        verified[(series, dimension, key)] += 1
                    for key in mp_verified | mp_declared:
                        online[(series, dimension, key)] += 1
                    continue
                key = member_keys(member, dimension, evidence)[0]
                denominators[(series, dimension, key)] += 1
                if is_verified:
                    verified[(series, dimension, key)] += 1
                if is_online:
                    online[(series, dimension, key)] += 1
    for (series, dimension, key) in list(online):
        if dimension == MARKETPLACE:
            denominators[(series, dimension, key)] = series_totals[series]
    for series in SERIES:
        denominators.setdefault((series, TOTAL, ""), 0)
    return [
        Cell(series=s, dimension=d, key=k, denominator=n, verified=verified[(s, d, k)], online=online[(s, d, k)])
        for (s, d, k), n in sorted(denominators.items())
    ]


def indicator_compute(*, day: datetime.date, data: PopulationData | None = None
                      ) -> tuple[IndicatorDay, list[Member], Evidence]:
    """Compute the indicator for ``day`` from the data as it is now. Reads only."""
    data = data or PopulationData()
    members, source, as_of = population(day=day, data=data)
    evidence = evidence_for_day(day=day)
    cells = count_cells(members=members, evidence=evidence)
    result = IndicatorDay(day=day, denominator_source=source, register_as_of=as_of, computed_at=timezone.now(),
                          cells=cells)
    _label_cells(result.cells, data.unit_names)
    return result, members, evidence


def _label_cells(cells: list[Cell], names: dict[tuple[str, bool], str]) -> None:
    for cell in cells:
        if cell.dimension == WARD and cell.key not in (UNKNOWN, UNRESOLVED_WARD):
            cell.label = names.get((cell.key, True), cell.key)
        elif cell.dimension == OLD_DISTRICT and cell.key:
            cell.label = names.get((cell.key, False), cell.key)


def cell_label(dimension: str, key: str, stored: str = "") -> str:
    """The label of a cell in the active language (ward and district names are stored as computed)."""
    if dimension == TOTAL:
        return str(DIMENSION_LABELS[TOTAL])
    if key == UNKNOWN:
        return str(_("Not known"))
    if dimension == WARD and key == UNRESOLVED_WARD:
        return str(_("Old address to resolve"))
    if dimension in (WARD, OLD_DISTRICT):
        return stored or key
    if dimension == SECTOR:
        return str(SectorGroup(key).label) if key in SectorGroup.values else key
    if dimension == SIZE:
        if key == UNKNOWN_SIZE:
            return str(_("Size not known"))
        if key == HOUSEHOLD:
            return str(_("Household business"))
        return str(SizeClass(key).label) if key in SizeClass.values else key
    if dimension == LEGAL_FORM:
        return str(LegalForm(key).label) if key in LegalForm.values else key
    if dimension == MARKETPLACE:
        if key in ShopChannel.values:
            return str(ShopChannel(key).label)
        return MARKETPLACE_NAMES.get(key, key.title())
    return key


# --- Snapshots -----------------------------------------------------------------------------------------


def snapshot_store(*, day: datetime.date, data: PopulationData | None = None) -> SnapshotRun:
    """Compute ``day`` and store it, replacing any earlier snapshot of that day. Idempotent: the same data
    gives the same rows."""
    started = time.perf_counter()
    result, _members, _evidence = indicator_compute(day=day, data=data)
    duration = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        run, _created = SnapshotRun.objects.select_for_update().update_or_create(
            day=day, defaults={"denominator_source": result.denominator_source,
                               "register_as_of": result.register_as_of, "computed_at": result.computed_at,
                               "duration_ms": duration})
        SnapshotRow.objects.filter(day=day).delete()
        SnapshotRow.objects.bulk_create([
            SnapshotRow(run=run, day=day, series=c.series, dimension=c.dimension, key=c.key, label=c.label,
                        denominator=c.denominator, verified=c.verified, online=c.online)
            for c in result.cells
        ], batch_size=1000)
    return run


def snapshot_range(*, start: datetime.date, end: datetime.date) -> int:
    """Store a snapshot for every day from ``start`` to ``end`` (inclusive); returns the number of days."""
    day, count = start, 0
    data = PopulationData()
    while day <= end:
        snapshot_store(day=day, data=data)
        day += datetime.timedelta(days=1)
        count += 1
    return count


def indicator_read(*, day: datetime.date) -> IndicatorDay:
    """The indicator for ``day`` as every output shows it: the stored snapshot when there is one, otherwise
    computed now from the current data (and marked as not stored)."""
    run = SnapshotRun.objects.filter(day=day).first()
    if run is None:
        result, _members, _evidence = indicator_compute(day=day)
        return result
    cells = [
        Cell(series=s, dimension=d, key=k, label=label, denominator=n, verified=v, online=o)
        for s, d, k, label, n, v, o in SnapshotRow.objects.filter(run=run).order_by(
            "series", "dimension", "key").values_list(
            "series", "dimension", "key", "label", "denominator", "verified", "online")
    ]
    return IndicatorDay(day=day, denominator_source=run.denominator_source, register_as_of=run.register_as_of,
                        computed_at=run.computed_at, stored=True, cells=cells)


def latest_snapshot_day() -> datetime.date | None:
    return SnapshotRun.objects.order_by("-day").values_list("day", flat=True).first()


def trend(*, series: str = SME, granularity: str = "monthly", dimension: str = TOTAL, key: str = "") -> list[Cell]:
    """Stored totals over time: every day, or the last stored day of each month / quarter."""
    rows = SnapshotRow.objects.filter(series=series, dimension=dimension, key=key).order_by("day").values_list(
        "day", "denominator", "verified", "online")
    picked: dict = {}
    for day, n, v, o in rows:
        if granularity == "daily":
            bucket = day
        elif granularity == "quarterly":
            bucket = (day.year, (day.month - 1) // 3)
        else:
            bucket = (day.year, day.month)
        picked[bucket] = (day, n, v, o)
    out = []
    for day, n, v, o in picked.values():
        cell = Cell(series=series, dimension=dimension, key=key, label=day.isoformat(), denominator=n, verified=v,
                    online=o)
        cell.day = day
        out.append(cell)
    return out


# --- Targets -----------------------------------------------------------------------------------------


def target_current(*, day: datetime.date) -> AdoptionTarget | None:
    """The active target with the nearest deadline on or after ``day``; else the last one that passed."""
    active = AdoptionTarget.objects.filter(is_active=True)
    return active.filter(deadline__gte=day).order_by("deadline", "pk").first() or active.order_by(
        "-deadline", "-pk").first()
