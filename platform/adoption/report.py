"""One shape for every output: the dashboard, ``adoption_report``, the API and the exports all read
``report_build``, so they show the same numbers."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils.translation import gettext as _

from .indicator import (
    BREAKDOWNS,
    DIMENSION_LABELS,
    MARKETPLACE,
    SERIES,
    SERIES_LABELS,
    SME,
    TOTAL,
    Cell,
    IndicatorDay,
    cell_label,
    gap_to_target,
    indicator_read,
    target_current,
)

CSV_FIELDS = ["date", "series", "dimension", "key", "label", "denominator", "verified", "verified_share_percent",
              "verified_and_declared", "verified_and_declared_share_percent", "below_target"]


def _cell_dict(cell: Cell, target_percent) -> dict:
    online_share = cell.online_share
    return {
        "series": cell.series,
        "dimension": cell.dimension,
        "key": cell.key,
        "label": cell_label(cell.dimension, cell.key, cell.label),
        "denominator": cell.denominator,
        "verified": cell.verified,
        "verified_share_percent": cell.verified_share,
        "verified_and_declared": cell.online,
        "verified_and_declared_share_percent": online_share,
        "below_target": (bool(online_share is not None and target_percent is not None
                              and online_share < float(target_percent)) if cell.series == SME else None),
    }


def report_build(*, day: datetime.date, by: str | None = None, indicator: IndicatorDay | None = None) -> dict:
    """The indicator of ``day`` (stored snapshot, else computed now), every series' headline, and the
    breakdown ``by`` one dimension (or every breakdown when ``by`` is "all")."""
    indicator = indicator or indicator_read(day=day)
    target = target_current(day=day)
    target_percent = target.percent if target else None
    headline = {}
    for series in SERIES:
        total = indicator.total(series=series)
        entry = _cell_dict(total, target_percent)
        entry.pop("dimension"), entry.pop("key"), entry.pop("series")
        entry["label"] = str(SERIES_LABELS[series])
        if series == SME and target is not None:
            entry["gap_verified_and_declared"] = gap_to_target(online=total.online, denominator=total.denominator,
                                                               percent=target.percent)
            entry["gap_verified"] = gap_to_target(online=total.verified, denominator=total.denominator,
                                                  percent=target.percent)
        headline[series] = entry
    out = {
        "date": day.isoformat(),
        "denominator_source": indicator.denominator_source,
        "register_as_of": indicator.register_as_of.isoformat() if indicator.register_as_of else None,
        "computed_at": indicator.computed_at.isoformat(timespec="seconds"),
        "from_snapshot": indicator.stored,
        "target": ({"name": target.name, "percent": float(target.percent), "deadline": target.deadline.isoformat()}
                   if target else None),
        "series": headline,
    }
    dimensions = BREAKDOWNS if by == "all" else ((by,) if by else ())
    breakdowns = {}
    for dimension in dimensions:
        rows = []
        for series in SERIES:
            cells = indicator.cells_for(series=series, dimension=dimension)
            rows += [_cell_dict(c, target_percent) for c in cells]
        breakdowns[dimension] = rows
    out["breakdowns"] = breakdowns
    return out


def report_csv(report: dict) -> str:
    """Headline lines (dimension "total") then the breakdown lines, one per series and cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for series, values in report["series"].items():
        writer.writerow({"date": report["date"], "series": series, "dimension": TOTAL, "key": "",
                         **{k: _csv_value(values.get(k)) for k in CSV_FIELDS[4:]}})
    for rows in report["breakdowns"].values():
        for row in rows:
            writer.writerow({"date": report["date"], **{k: _csv_value(row.get(k)) for k in CSV_FIELDS[1:]}})
    return buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def definitions() -> list[tuple[str, str]]:
    """The definitions shown on the page and on the exports' notes sheet (active language)."""
    return [
        (_("Trading online (verified)"),
         _("At some moment of the day, the business has at least one listing live on a marketplace shop connected "
           "through the platform (a shop disconnected before the day no longer counts), or it received at least "
           "one marketplace order placed in the 90 days up to the day (from 90 days before the day to the day "
           "itself, both included; an order counts whatever its status now, cancelled or returned included).")),
        (_("Trading online (verified + declared)"),
         _("Verified, or an officer approved, on or before the day, the business's declaration of a shop on a "
           "channel without an API (Postmart, Voso, Sendo, a social-commerce shop, its own web shop).")),
        (_("Denominator"),
         _("With an imported register: its entries operating on the day, each as the latest register dated on "
           "or before the day gave it (the first register also stands for the days before it; a business a later "
           "register adds counts from that register's date). Without one: the businesses registered on the "
           "platform. A register entry not on the platform is counted in the denominator and never as online.")),
        (_("SMEs"),
         _("Enterprises of every legal form except household businesses, of size micro, small or medium "
           "(Decree 80/2021). Size from the register, else from the business's latest assessment; an "
           "enterprise of unknown size is counted as an SME; one above medium is left out.")),
        (_("Households and OCOP"),
         _("Household businesses are their own series. OCOP businesses (an OCOP certificate valid on the day) "
           "are a series of their own whatever their legal form.")),
        (_("Share and gap"),
         _("Share = businesses trading online / denominator, in percent with one decimal. Gap = businesses "
           "still needed to reach the target: target share × denominator, rounded up, minus those online.")),
        (_("Marketplace breakdown"),
         _("For each marketplace or channel: businesses with a live listing (or a recent order) there, or an "
           "approved declared shop there, over the whole series; a business on several counts on each.")),
        (_("History"),
         _("Each day is stored as a snapshot after midnight (Asia/Ho_Chi_Minh). Past days are rebuilt from the "
           "listings' status history (every change to or from live, with its time), the dates the orders were "
           "placed, the dates shops were disconnected and the approval dates; each register entry is read as it "
           "stood on that day, so importing a newer register does not change the days before its date. A listing published before its status history began counts as live from its publication "
           "until its first recorded change; a listing with no recorded change is judged by its publication date, "
           "its status and its last update.")),
    ]


def dimension_title(dimension: str) -> str:
    return str(DIMENSION_LABELS.get(dimension, dimension))


__all__ = ["report_build", "report_csv", "definitions", "dimension_title", "current_share", "MARKETPLACE"]


def current_share() -> dict | None:
    """For the home page (``settings.CMS_CURRENT_SHARE_PROVIDER = "adoption.report.current_share"``): the
    latest stored share of SMEs trading online (verified + declared), or None before any snapshot."""
    from .indicator import latest_snapshot_day

    day = latest_snapshot_day()
    if day is None:
        return None
    total = indicator_read(day=day).total(series=SME)
    if total.online_share is None:
        return None
    return {"percent": total.online_share, "as_of": day}
