"""The indicator: who is counted (the denominator), who sells on marketplaces (the numerator), per dimension.

Definitions (shown on the dashboard, in the exports' notes, the CSV and the API document; keep them in step;
``report.definitions`` is the text). ``DEFINITIONS`` is their version: a stored day computed with an older
version is recomputed in the background, never shown.

- **Denominator.** With an imported register: its entries *operating* on D, each in the state the latest
  register dated on or before D gave it (``RegisterEntry.valid_from`` and ``RegisterEntryHistory``; the
  first register also stands for the days before it, and an entry a later register adds counts from that
  register's date). Without one: the businesses registered on the platform by the end of D (every page then
  says so). A branch (tax code ``NNNNNNNNNN-BBB``) is never a member of its own: its activity counts for its
  parent enterprise (same first ten digits), when the parent is in the denominator.
- **Series.** *SMEs*: enterprises (every legal form but household business and cooperative) of size micro,
  small or medium; an enterprise whose size is not known (neither the register nor an assessment on the
  platform gives it) is counted as an SME and shown as "size not known"; one above the medium class is left
  out. *Households*: household businesses. *Cooperatives*: cooperatives (hợp tác xã), which are not
  enterprises under the Law on Enterprises and which Decree 80 does not size. *OCOP*: businesses with an
  OCOP certificate valid on D, whatever their legal form. Each is its own series.
- **Numerator (the headline).** Members matched to a platform business (same identifier, or a branch of
  it) selling on a *marketplace* on D (``adoption.channels``, Decree 85/2021): *verified* (a live listing,
  or an order in the 90 days up to D, on a marketplace) and *verified + declared* (also an approved
  declaration of a marketplace shop, valid on D). The target is judged on verified + declared.
  A platform business registered with an identifier the register lists counts only from the moment its
  ownership was confirmed (a one-time code to the register's contact e-mail, or an officer's approval):
  before that, anyone could have registered it, so its listings, orders, declarations and OCOP
  certificates count for nobody.
- **Separate lines.** Members with an own web shop (WooCommerce, a declared own site), with social selling
  (a declared Facebook, Zalo or TikTok social shop), or on another declared site: counted apart, never in
  the headline.
- **Share** = numerator / denominator, in percent with one decimal.
- **Gap** = businesses still needed: ceil(target% x denominator) - (verified + declared), at least 0.
- **Not on the register.** With a register, businesses selling through the platform on D (a live listing
  or a recent order) that the register does not list are counted apart (``unregistered_selling``): they
  are in no denominator until they are matched.
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
    MainSector,
    OcopProduct,
    OwnershipStatus,
    SectorGroup,
    SizeAssessment,
    SizeClass,
    SizeProvenance,
    sector_group_for,
)

from .channels import channel_name
from .evidence import NOWHERE, Evidence, Standing, day_end, evidence_for_day
from .models import (
    AdoptionTarget,
    DenominatorSource,
    RegisterEntry,
    RegisterEntryHistory,
    RegisterStatus,
    SnapshotRow,
    SnapshotRun,
)

# The version of the definitions above. Raise it whenever what a stored day means changes: stored days of
# an older version are then recomputed in the background (never shown as if they meant the new thing).
DEFINITIONS = 3

# The first day the indicator is computed for: the pages show it for an earlier ``?date=``, the API refuses
# one (the evidence windows reach 90 days back, and a day in year 1 has no day before it).
EARLIEST_DAY = datetime.date(2000, 1, 1)

SME, HOUSEHOLD, COOPERATIVE, OCOP = "sme", "household", "cooperative", "ocop"
SERIES = (SME, HOUSEHOLD, COOPERATIVE, OCOP)
SERIES_LABELS = {SME: _("SMEs"), HOUSEHOLD: _("Household businesses"), COOPERATIVE: _("Cooperatives"),
                 OCOP: _("OCOP businesses")}

TOTAL, WARD, OLD_DISTRICT, SECTOR, SECTION, SIZE, LEGAL_FORM, MARKETPLACE = (
    "total", "ward", "old_district", "sector", "section", "size", "legal_form", "marketplace")
DIMENSIONS = (TOTAL, WARD, OLD_DISTRICT, SECTOR, SECTION, SIZE, LEGAL_FORM, MARKETPLACE)
BREAKDOWNS = (WARD, OLD_DISTRICT, SECTOR, SECTION, SIZE, LEGAL_FORM, MARKETPLACE)
DIMENSION_LABELS = {
    TOTAL: _("Whole province"), WARD: _("Ward or commune (since July 2025)"),
    OLD_DISTRICT: _("District before July 2025"), SECTOR: _("Sector group (Decree 80)"),
    SECTION: _("Industry (VSIC section)"), SIZE: _("Size class"), LEGAL_FORM: _("Legal form"),
    MARKETPLACE: _("Marketplace or channel"),
}
# The command line's spelling of each breakdown.
CLI_DIMENSIONS = {"ward": WARD, "old-district": OLD_DISTRICT, "sector": SECTOR, "section": SECTION, "size": SIZE,
                  "legal-form": LEGAL_FORM, "marketplace": MARKETPLACE}

UNKNOWN = ""
UNKNOWN_SIZE = "unknown"
UNRESOLVED_WARD = "unresolved"
SME_SIZES = {SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM}

NOT_SME = "not_sme"


@dataclass(slots=True)
class Member:
    """One business of the denominator, with what the dimensions need. ``business_ids``: the platform
    businesses whose activity counts for it, its own (``business_id``) and its branches'."""

    entry_id: int | None
    business_id: int | None
    identifier: str
    name: str
    legal_form: str
    kind: str  # sme / household / cooperative / not_sme
    size: str
    sector_group: str
    section: str
    ward_key: str
    old_district_key: str
    ocop: bool
    business_ids: tuple[int, ...] = ()

    def series(self) -> list[str]:
        out = [self.kind] if self.kind in (SME, HOUSEHOLD, COOPERATIVE) else []
        if self.ocop:
            out.append(OCOP)
        return out


@dataclass
class Cell:
    """Counts of one cell. ``verified`` and ``online`` (verified + declared) are on marketplaces (the
    headline); ``own_web_shop``, ``social`` and ``other_site`` are the separate lines. In a marketplace
    breakdown row they count that one channel: ``verified`` there, ``online`` verified or declared there."""

    series: str
    dimension: str
    key: str
    label: str = ""
    denominator: int = 0
    verified: int = 0
    online: int = 0
    own_web_shop: int = 0
    social: int = 0
    other_site: int = 0

    @property
    def declared_only(self) -> int:
        return self.online - self.verified

    @property
    def verified_share(self) -> float | None:
        return share(self.verified, self.denominator)

    @property
    def online_share(self) -> float | None:
        return share(self.online, self.denominator)

    @property
    def own_web_shop_share(self) -> float | None:
        return share(self.own_web_shop, self.denominator)

    @property
    def social_share(self) -> float | None:
        return share(self.social, self.denominator)

    @property
    def other_site_share(self) -> float | None:
        return share(self.other_site, self.denominator)


COUNT_FIELDS = ("denominator", "verified", "online", "own_web_shop", "social", "other_site")


@dataclass
class IndicatorDay:
    """The indicator for one day: every cell of every series and dimension."""

    day: datetime.date
    denominator_source: str
    computed_at: datetime.datetime
    register_as_of: datetime.date | None = None
    stored: bool = False
    cells: list[Cell] = field(default_factory=list)
    unregistered_selling: int | None = None

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
    if legal_form == LegalForm.COOPERATIVE:
        return COOPERATIVE
    if size == SizeClass.NOT_SME:
        return NOT_SME
    return SME


def _size_key(kind: str, size: str) -> str:
    """The size cell: households and cooperatives have no Decree 80 size, they are a cell of their own."""
    if kind in (HOUSEHOLD, COOPERATIVE):
        return kind
    return size or UNKNOWN_SIZE


def identifier_root(identifier: str) -> str:
    """The enterprise an identifier belongs to: a branch ``NNNNNNNNNN-BBB`` to its parent's ten digits."""
    return identifier[:10] if len(identifier) == 14 and identifier[10] == "-" else identifier


def is_branch(identifier: str) -> bool:
    return identifier_root(identifier) != identifier


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
        # Businesses whose activity counts only from when their ownership was confirmed (None: not yet):
        # a business claimed from the register and not proven, or proven later (``Business`` docstring).
        self.counts_from: dict[int, datetime.datetime | None] = {
            pk: confirmed_at for pk, status, confirmed_at in Business.objects.exclude(
                ownership_status=OwnershipStatus.CONFIRMED, ownership_confirmed_at__isnull=True
            ).values_list("pk", "ownership_status", "ownership_confirmed_at").iterator(chunk_size=5000)}
        # enterprise (ten digits, or a personal ID) -> its businesses' pks, its own first, then its branches'
        self.by_root: dict[str, list[int]] = defaultdict(list)
        for row in sorted(self.businesses, key=lambda r: (len(r[1]), r[1])):
            self.by_root[identifier_root(row[1])].append(row[0])
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

    def counts_on(self, business_id: int, end: datetime.datetime) -> bool:
        """Whether the business's ownership was confirmed by ``end`` (so its activity counts)."""
        if business_id not in self.counts_from:
            return True
        confirmed_at = self.counts_from[business_id]
        return confirmed_at is not None and confirmed_at < end

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
    that changed it (dissolved, moved, resized) leaves the days before its date as they were. A branch
    (an entry or a platform business with a ``-BBB`` code) is never a member: its platform business counts
    for its parent enterprise's member.
    """
    data = data or PopulationData()
    units, ward_district, sizes = data.units, data.ward_district, data.sizes
    end = day_end(day)

    def code(unit_id):
        return units[unit_id][0] if unit_id else UNKNOWN

    def ids_for(identifier: str) -> tuple[int, ...]:
        """The businesses whose activity counts for ``identifier`` on the day: an unproven claim counts for
        nobody (anyone could have registered it)."""
        return tuple(pk for pk in data.by_root.get(identifier, ()) if data.counts_on(pk, end))

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
            # The register's date as of the day: a newer file's date does not belong to an earlier day.
            if entry_as_of and entry_as_of <= day and (as_of is None or entry_as_of > as_of):
                as_of = entry_as_of
            if entry_as_of and (first_as_of is None or entry_as_of < first_as_of):
                first_as_of = entry_as_of
            if is_branch(identifier):
                continue
            business = businesses.get(identifier)
            business_id = business[0] if business else None
            size = size_class or (sizes.get(business_id, "") if business_id else "")
            sector = main_sector or (business[2] if business else "")
            ward_key = code(ward_id) if ward_id else (UNRESOLVED_WARD if review else (
                code(business[3]) if business and business[3] else UNKNOWN))
            district = district_id or commune_district_id or (business[4] if business else None) or (
                ward_district.get(ward_id) if ward_id else None)
            kind = _kind(legal_form, size)
            business_ids = ids_for(identifier)
            members.append(Member(
                entry_id=pk, business_id=business_id, identifier=identifier, name=name, legal_form=legal_form,
                kind=kind, size=_size_key(kind, size), sector_group=sector_group_for(sector) if sector else UNKNOWN,
                section=sector or UNKNOWN, ward_key=ward_key, old_district_key=code(district),
                ocop=any(b in ocop_ids for b in business_ids), business_ids=business_ids,
            ))
        return members, DenominatorSource.REGISTER, as_of or first_as_of

    for pk, identifier, name, trade_name, legal_form, main_sector, ward_id, district_id, created_at in data.businesses:
        if created_at >= end or is_branch(identifier):
            continue
        size = sizes.get(pk, "")
        kind = _kind(legal_form, size)
        district = district_id or (ward_district.get(ward_id) if ward_id else None)
        business_ids = ids_for(identifier)
        members.append(Member(
            entry_id=None, business_id=pk, identifier=identifier, name=trade_name or name, legal_form=legal_form,
            kind=kind, size=_size_key(kind, size),
            sector_group=sector_group_for(main_sector) if main_sector else UNKNOWN, section=main_sector or UNKNOWN,
            ward_key=code(ward_id), old_district_key=code(district),
            ocop=any(b in ocop_ids for b in business_ids), business_ids=business_ids,
        ))
    return members, DenominatorSource.PLATFORM, None


def unregistered_selling(*, day: datetime.date, data: PopulationData, evidence: Evidence) -> int | None:
    """With a register: enterprises (a parent and its branches count once) and households selling through
    the platform on ``day`` (a live listing or a recent order, any channel) that the register, as it stood
    on ``day``, does not list. None without a register (every platform business is then in the denominator)."""
    if not data.register:
        return None
    listed = {identifier_root(identifier) for pk, identifier, valid_from, state in data.entries
              if data.entry_state_on(day, pk, valid_from, state) is not None}
    return sum(1 for root, rows in data.by_root.items() if root not in listed
               and evidence.standing(rows).sells_through_platform)


# --- Counting ----------------------------------------------------------------------------------------


def member_keys(member: Member, dimension: str, standing: Standing = NOWHERE) -> list[str]:
    """The cell(s) of ``dimension`` a member belongs to (one per channel for marketplaces, none when it has
    none)."""
    if dimension == TOTAL:
        return [""]
    if dimension == WARD:
        return [member.ward_key]
    if dimension == OLD_DISTRICT:
        return [member.old_district_key]
    if dimension == SECTOR:
        return [member.sector_group]
    if dimension == SECTION:
        return [member.section]
    if dimension == SIZE:
        return [member.size]
    if dimension == LEGAL_FORM:
        return [member.legal_form]
    return sorted(standing.verified_channels | standing.declared_channels)


def count_cells(*, members: list[Member], evidence: Evidence) -> list[Cell]:
    """Count every series x dimension x key. Marketplace cells have the whole series as denominator."""
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    series_totals: Counter = Counter()
    for member in members:
        standing = evidence.standing(member.business_ids)
        flags = (1, int(standing.verified), int(standing.online), int(standing.own_web_shop), int(standing.social),
                 int(standing.other_site))
        for series in member.series():
            series_totals[series] += 1
            for dimension in DIMENSIONS:
                if dimension == MARKETPLACE:
                    for channel in standing.verified_channels | standing.declared_channels:
                        cell = counts[(series, dimension, channel)]
                        cell[1] += channel in standing.verified_channels
                        cell[2] += 1
                    continue
                cell = counts[(series, dimension, member_keys(member, dimension)[0])]
                for index, flag in enumerate(flags):
                    cell[index] += flag
    for (series, dimension, _key), cell in counts.items():
        if dimension == MARKETPLACE:
            cell[0] = series_totals[series]
    for series in SERIES:
        counts.setdefault((series, TOTAL, ""), [0, 0, 0, 0, 0, 0])
    return [Cell(series=s, dimension=d, key=k, **dict(zip(COUNT_FIELDS, values, strict=True)))
            for (s, d, k), values in sorted(counts.items())]


def indicator_compute(*, day: datetime.date, data: PopulationData | None = None, progress=None
                      ) -> tuple[IndicatorDay, list[Member], Evidence]:
    """Compute the indicator for ``day`` from the data as it is now. Reads only. ``progress``, when given,
    is called with a percentage as the work advances (the background job shows it)."""
    def advance(percent: int) -> None:
        if progress is not None:
            progress(percent)

    data = data or PopulationData()
    advance(20)
    members, source, as_of = population(day=day, data=data)
    advance(40)
    evidence = evidence_for_day(day=day)
    advance(70)
    cells = count_cells(members=members, evidence=evidence)
    result = IndicatorDay(day=day, denominator_source=source, register_as_of=as_of, computed_at=timezone.now(),
                          cells=cells, unregistered_selling=unregistered_selling(day=day, data=data,
                                                                                  evidence=evidence))
    _label_cells(result.cells, data.unit_names)
    advance(85)
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
    if dimension == SECTION:
        return str(MainSector(key).label) if key in MainSector.values else key
    if dimension == SIZE:
        if key == UNKNOWN_SIZE:
            return str(_("Size not known"))
        if key == HOUSEHOLD:
            return str(_("Household business"))
        if key == COOPERATIVE:
            return str(_("Cooperative (not sized by Decree 80)"))
        return str(SizeClass(key).label) if key in SizeClass.values else key
    if dimension == LEGAL_FORM:
        return str(LegalForm(key).label) if key in LegalForm.values else key
    if dimension == MARKETPLACE:
        return channel_name(key)
    return key


# --- Snapshots -----------------------------------------------------------------------------------------


def snapshot_store(*, day: datetime.date, data: PopulationData | None = None, progress=None) -> SnapshotRun:
    """Compute ``day`` and store it, replacing any earlier snapshot of that day. Idempotent: the same data
    gives the same rows. ``progress`` as in ``indicator_compute``."""
    started = time.perf_counter()
    result, _members, _evidence = indicator_compute(day=day, data=data, progress=progress)
    duration = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        run, _created = SnapshotRun.objects.select_for_update().update_or_create(
            day=day, defaults={"denominator_source": result.denominator_source,
                               "register_as_of": result.register_as_of, "computed_at": result.computed_at,
                               "duration_ms": duration, "definitions": DEFINITIONS,
                               "unregistered_selling": result.unregistered_selling})
        SnapshotRow.objects.filter(day=day).delete()
        SnapshotRow.objects.bulk_create([
            SnapshotRow(run=run, day=day, series=c.series, dimension=c.dimension, key=c.key, label=c.label,
                        **{name: getattr(c, name) for name in COUNT_FIELDS})
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


def indicator_stored(*, day: datetime.date) -> IndicatorDay | None:
    """The stored snapshot of ``day`` under the current definitions, or None (never computes)."""
    run = SnapshotRun.objects.filter(day=day, definitions=DEFINITIONS).first()
    if run is None:
        return None
    cells = [
        Cell(series=s, dimension=d, key=k, label=label, **dict(zip(COUNT_FIELDS, counts, strict=True)))
        for s, d, k, label, *counts in SnapshotRow.objects.filter(run=run).order_by(
            "series", "dimension", "key").values_list("series", "dimension", "key", "label", *COUNT_FIELDS)
    ]
    return IndicatorDay(day=day, denominator_source=run.denominator_source, register_as_of=run.register_as_of,
                        computed_at=run.computed_at, stored=True, cells=cells,
                        unregistered_selling=run.unregistered_selling)


def indicator_read(*, day: datetime.date) -> IndicatorDay:
    """The stored snapshot of ``day``, or the indicator computed now from the current data (marked as not
    stored). For the command line and background work only: web requests use ``indicator_stored`` and
    ask for the day in the background (``services.snapshot_request``)."""
    stored = indicator_stored(day=day)
    if stored is not None:
        return stored
    result, _members, _evidence = indicator_compute(day=day)
    return result


def latest_snapshot_day() -> datetime.date | None:
    return SnapshotRun.objects.filter(definitions=DEFINITIONS).order_by("-day").values_list("day", flat=True).first()


def stale_snapshot_days() -> list[datetime.date]:
    """Stored days computed under older definitions, newest first: they are recomputed in the background."""
    return list(SnapshotRun.objects.filter(definitions__lt=DEFINITIONS).order_by("-day").values_list("day", flat=True))


def trend(*, series: str = SME, granularity: str = "monthly", dimension: str = TOTAL, key: str = "") -> list[Cell]:
    """Stored totals over time: every day, or the last stored day of each month / quarter."""
    rows = SnapshotRow.objects.filter(series=series, dimension=dimension, key=key,
                                      run__definitions=DEFINITIONS).order_by("day").values_list(
        "day", "run__denominator_source", *COUNT_FIELDS)
    picked: dict = {}
    for day, source, *counts in rows:
        if granularity == "daily":
            bucket = day
        elif granularity == "quarterly":
            bucket = (day.year, (day.month - 1) // 3)
        else:
            bucket = (day.year, day.month)
        picked[bucket] = (day, source, counts)
    out = []
    for day, source, counts in picked.values():
        cell = Cell(series=series, dimension=dimension, key=key, label=day.isoformat(),
                    **dict(zip(COUNT_FIELDS, counts, strict=True)))
        cell.day = day
        # Each day has the denominator it had: the platform's businesses before a register was imported.
        cell.denominator_source = source
        out.append(cell)
    return out


# --- Targets -----------------------------------------------------------------------------------------


def target_current(*, day: datetime.date) -> AdoptionTarget | None:
    """The active target with the nearest deadline on or after ``day``; else the last one that passed."""
    active = AdoptionTarget.objects.filter(is_active=True)
    return active.filter(deadline__gte=day).order_by("deadline", "pk").first() or active.order_by(
        "-deadline", "-pk").first()
