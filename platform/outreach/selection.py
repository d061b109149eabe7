"""Which businesses a campaign reaches: the indicator's own selection, never a second definition of it.

The members come from ``adoption.indicator.population`` (the denominator as the dashboard counts it) and
their standing from ``adoption.evidence`` on the same day, so "not online" here is exactly the dashboard's
"not online" (the "cần liên hệ" list), and "declared only" the businesses whose only marketplace evidence
is a declaration. The filters are the indicator's dimensions: ward, old district, sector group, size and
legal form, each matched with ``indicator.member_keys``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from adoption.evidence import evidence_for_day
from adoption.indicator import (
    LEGAL_FORM,
    OLD_DISTRICT,
    SECTOR,
    SERIES,
    SIZE,
    SME,
    WARD,
    Member,
    member_keys,
    population,
)

NOT_ONLINE, DECLARED_ONLY = "not_online", "declared_only"
WHICH_CHOICES = ((NOT_ONLINE, _("Not online yet")), (DECLARED_ONLY, _("Declared only (no verified shop)")))

# Selection field -> the indicator's dimension it filters on.
DIMENSION_FILTERS = {"wards": WARD, "old_districts": OLD_DISTRICT, "sectors": SECTOR, "sizes": SIZE,
                     "legal_forms": LEGAL_FORM}


@dataclass(frozen=True)
class Selection:
    """A campaign's filter. An empty tuple means "any" for that dimension."""

    series: str = SME
    which: str = NOT_ONLINE
    wards: tuple[str, ...] = ()
    old_districts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    legal_forms: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"series": self.series, "which": self.which,
                **{name: list(getattr(self, name)) for name in DIMENSION_FILTERS}}

    @classmethod
    def from_dict(cls, data: dict) -> Selection:
        series = data.get("series") if data.get("series") in SERIES else SME
        which = data.get("which") if data.get("which") in (NOT_ONLINE, DECLARED_ONLY) else NOT_ONLINE
        return cls(series=series, which=which, **{
            name: tuple(str(v) for v in (data.get(name) or ())) for name in DIMENSION_FILTERS})


def selection_members(*, selection: Selection, day: datetime.date) -> list[Member]:
    """The members of the indicator's denominator on ``day`` that ``selection`` picks, in the order of the
    dashboard's drill-down (ward, then name). Reads the whole province once; writes nothing."""
    members, _source, _as_of = population(day=day)
    members = [m for m in members if selection.series in m.series()]
    for name, dimension in DIMENSION_FILTERS.items():
        allowed = set(getattr(selection, name))
        if allowed:
            members = [m for m in members if set(member_keys(m, dimension)) & allowed]
    evidence = evidence_for_day(day=day, business_ids=[b for m in members for b in m.business_ids])
    chosen = []
    for member in members:
        standing = evidence.standing(member.business_ids)
        wanted = (not standing.online if selection.which == NOT_ONLINE
                  else standing.online and not standing.verified)
        if wanted:
            chosen.append(member)
    chosen.sort(key=lambda m: (m.ward_key, m.name))
    return chosen
