"""One shape for every output: the dashboard, ``adoption_report``, the API and the exports all read
``report_build``, so they show the same numbers, and ``report_notes`` / ``definitions``, so they carry the
same definitions and the same denominator source (the XLSX notes sheet, the CSV's notes block, the API's
``definitions`` and ``denominator``)."""

from __future__ import annotations

import csv
import datetime
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sme.sheet_safety import csv_value

from .channels import channel_kind
from .indicator import (
    BREAKDOWNS,
    DEFINITIONS,
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
    indicator_stored,
    target_current,
)
from .models import DenominatorSource

# The columns of every table of counts (CSV, API cells), in this order.
COUNT_COLUMNS = ["denominator", "verified", "verified_share_percent", "verified_and_declared",
                 "verified_and_declared_share_percent", "own_web_shop", "own_web_shop_share_percent",
                 "social_selling", "social_selling_share_percent", "other_site", "other_site_share_percent"]
CSV_FIELDS = ["date", "series", "dimension", "key", "label", "channel_kind", *COUNT_COLUMNS, "below_target"]


def _counts(cell: Cell, *, separate_lines: bool = True) -> dict:
    out = {
        "denominator": cell.denominator,
        "verified": cell.verified,
        "verified_share_percent": cell.verified_share,
        "verified_and_declared": cell.online,
        "verified_and_declared_share_percent": cell.online_share,
    }
    for name, count, percent in (("own_web_shop", cell.own_web_shop, cell.own_web_shop_share),
                                 ("social_selling", cell.social, cell.social_share),
                                 ("other_site", cell.other_site, cell.other_site_share)):
        out[name] = count if separate_lines else None
        out[f"{name}_share_percent"] = percent if separate_lines else None
    return out


def _below(cell: Cell, target_percent) -> bool | None:
    """Below the target: for SMEs, on the headline (verified + declared on marketplaces), for the whole
    province and each area, sector, size and legal form. Never per marketplace: 55% is a target for the
    share of SMEs on any marketplace, not for each one."""
    if cell.series != SME or cell.dimension == MARKETPLACE or target_percent is None:
        return None
    share = cell.online_share
    return bool(share is not None and share < float(target_percent))


def _cell_dict(cell: Cell, target_percent) -> dict:
    marketplace = cell.dimension == MARKETPLACE
    return {
        "series": cell.series,
        "dimension": cell.dimension,
        "key": cell.key,
        "label": cell_label(cell.dimension, cell.key, cell.label),
        "channel_kind": channel_kind(cell.key) if marketplace else None,
        **_counts(cell, separate_lines=not marketplace),
        "below_target": _below(cell, target_percent),
    }


def denominator_text(source: str) -> str:
    if source == DenominatorSource.REGISTER:
        return _("The province's register (operating businesses on the day)")
    return _("Businesses registered on the platform (no register imported)")


def report_build(*, day: datetime.date, by: str | tuple | None = None, indicator: IndicatorDay | None = None) -> dict:
    """The indicator of ``day``, every series' headline, and the breakdown ``by`` one dimension (several when
    it is a tuple, every breakdown when it is "all"). ``indicator``: what to report (the views pass a stored snapshot);
    without it, the stored snapshot or, failing that, the day computed now (command line only)."""
    indicator = indicator or indicator_read(day=day)
    target = target_current(day=day)
    target_percent = target.percent if target else None
    headline = {}
    for series in SERIES:
        total = indicator.total(series=series)
        entry = {"label": str(SERIES_LABELS[series]), **_counts(total), "below_target": _below(total, target_percent)}
        if series == SME and target is not None:
            entry["gap_verified_and_declared"] = gap_to_target(online=total.online, denominator=total.denominator,
                                                               percent=target.percent)
            entry["gap_verified"] = gap_to_target(online=total.verified, denominator=total.denominator,
                                                  percent=target.percent)
        headline[series] = entry
    out = {
        "date": day.isoformat(),
        "status": "ready",
        "definitions_version": DEFINITIONS,
        "denominator_source": indicator.denominator_source,
        "denominator": {"source": indicator.denominator_source,
                        "description": denominator_text(indicator.denominator_source),
                        "register_as_of": indicator.register_as_of.isoformat() if indicator.register_as_of else None},
        "register_as_of": indicator.register_as_of.isoformat() if indicator.register_as_of else None,
        "computed_at": timezone.localtime(indicator.computed_at).isoformat(timespec="seconds"),
        "from_snapshot": indicator.stored,
        "target": ({"name": target.name, "percent": float(target.percent), "deadline": target.deadline.isoformat(),
                    "judged_on": "verified_and_declared"} if target else None),
        "series": headline,
        "not_on_register_selling": indicator.unregistered_selling,
    }
    if by == "all":
        dimensions = BREAKDOWNS
    elif isinstance(by, tuple | list):
        dimensions = tuple(dict.fromkeys(by))
    else:
        dimensions = (by,) if by else ()
    breakdowns = {}
    for dimension in dimensions:
        rows = []
        for series in SERIES:
            cells = indicator.cells_for(series=series, dimension=dimension)
            rows += [_cell_dict(c, target_percent) for c in cells]
        breakdowns[dimension] = rows
    out["breakdowns"] = breakdowns
    out["definitions"] = [{"term": term, "text": text} for term, text in definitions()]
    return out


def report_pending(*, day: datetime.date, job) -> dict:
    """What the API answers for a day that is being computed in the background."""
    return {"date": day.isoformat(), "status": "computing", "progress_percent": job.progress,
            "job_status": job.status, "retry_after_seconds": 5,
            "message": _("The numbers for this day are being computed in the background; ask again shortly.")}


def report_notes(*, day: datetime.date, report: dict | None = None) -> list[tuple[str, object]]:
    """The notes every export carries (the XLSX notes sheet, the CSV's notes block): the day, the
    denominator and its source, the register's date, when computed, the target, then the definitions.
    Values keep their types (dates are ``date``/``datetime``); each writer formats them."""
    notes: list[tuple[str, object]] = [(_("Numbers for the day"), day)]
    if report is not None:
        notes.append((_("Denominator source"), report["denominator"]["description"]))
        if report["register_as_of"]:
            notes.append((_("Register as of"), datetime.date.fromisoformat(report["register_as_of"])))
        notes.append((_("Computed at"), timezone.localtime(datetime.datetime.fromisoformat(report["computed_at"]))))
        if report["target"]:
            notes.append((_("Target"), _("%(percent)s%% of SMEs on marketplaces (verified + declared) by "
                                         "%(deadline)s") % {
                "percent": _number(report["target"]["percent"]),
                "deadline": datetime.date.fromisoformat(report["target"]["deadline"]).strftime("%d/%m/%Y")}))
        if report.get("not_on_register_selling") is not None:
            notes.append((_("Selling on the platform, not on the register (not counted)"),
                          report["not_on_register_selling"]))
    notes.append((_("Definitions version"), DEFINITIONS))
    notes += definitions()
    return notes


def _number(value) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=None if float(value) != int(value) else 0)


def report_csv(report: dict) -> str:
    """Headline lines (dimension "total") then the breakdown lines, one per series and cell; then an empty
    line and the notes (the same as the XLSX notes sheet: denominator source and definitions)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for series, values in report["series"].items():
        writer.writerow({"date": report["date"], "series": series, "dimension": TOTAL, "key": "",
                         "label": _csv_value(values["label"]), "channel_kind": "",
                         **{k: _csv_value(values.get(k)) for k in [*COUNT_COLUMNS, "below_target"]}})
    for rows in report["breakdowns"].values():
        for row in rows:
            writer.writerow({"date": report["date"], **{k: _csv_value(row.get(k)) for k in CSV_FIELDS[1:]}})
    plain = csv.writer(buffer, lineterminator="\n")
    plain.writerow([])
    for label, value in report_notes(day=datetime.date.fromisoformat(report["date"]), report=report):
        plain.writerow([csv_value(label), csv_value(value.isoformat() if hasattr(value, "isoformat") else value)])
    return buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return csv_value(value)


def definitions() -> list[tuple[str, str]]:
    """The definitions shown on the page, on the exports' notes, in the CSV and in the API (active
    language). Keep them in step with ``adoption.indicator``'s docstring."""
    return [
        (_("On a marketplace (verified)"),
         _("At some moment of the day, the business has at least one listing live on a marketplace shop connected "
           "through the platform (a shop disconnected before the day no longer counts), or it received at least "
           "one order on a marketplace placed in the 90 days up to the day (from 90 days before the day to the "
           "day itself, both included; an order counts whatever its status now, cancelled or returned "
           "included).")),
        (_("On a marketplace (verified + declared): the headline"),
         _("Verified, or an officer approved the business's declaration of a shop on a marketplace without an "
           "API (Postmart, Voso, Sendo), on or before the day; an approval counts for %(months)s months and "
           "stops the day after it is withdrawn. The target is judged on this share.")
         % {"months": settings.ADOPTION_DECLARATION_VALID_MONTHS}),
        (_("What is a marketplace"),
         _("A platform where many sellers open shops (an e-commerce trading floor, Decree 85/2021/NĐ-CP): "
           "Shopee, Lazada, TikTok Shop, Tiki, Postmart, Voso, Sendo. A business's own web shop (WooCommerce "
           "included: it is shop software on the business's own site) and selling on social networks "
           "(Facebook, Zalo, a TikTok channel) are not marketplaces: they are separate lines and never count "
           "toward the target.")),
        (_("Denominator"),
         _("With an imported register: its entries operating on the day, each as the latest register dated on "
           "or before the day gave it (the first register also stands for the days before it; a business a later "
           "register adds counts from that register's date). Without one: the businesses registered on the "
           "platform. A register entry not on the platform is counted in the denominator and never as online. "
           "Businesses selling through the platform that the register does not list are shown apart and not "
           "counted until they are matched.")),
        (_("Only proven owners count"),
         _("A platform business registered with a tax code or personal ID the register lists counts only from the "
           "moment its owner proved it is theirs (a code sent to the register's contact e-mail, or an officer's "
           "approval of a document): before that, anyone could have registered it, so its listings, orders, "
           "declarations and OCOP certificates count for nobody.")),
        (_("Who is an SME"),
         _("Enterprises of every legal form except household businesses and cooperatives, of size micro, small "
           "or medium (Decree 80/2021). Size from the register, else from the business's latest assessment; an "
           "enterprise of unknown size is counted as an SME; one above medium is left out. A branch (tax code "
           "NNNNNNNNNN-BBB) is not a business of its own: what it sells counts for its parent enterprise.")),
        (_("Households, cooperatives and OCOP"),
         _("Household businesses and cooperatives (not enterprises under the Law on Enterprises; Decree 80 does "
           "not size them) are series of their own. OCOP businesses (an OCOP certificate valid on the day) are "
           "a series of their own whatever their legal form.")),
        (_("Share and gap"),
         _("Share = businesses on a marketplace / denominator, in percent with one decimal. Gap = businesses "
           "still needed to reach the target: target share × denominator, rounded up, minus those on a "
           "marketplace (verified + declared).")),
        (_("Marketplace breakdown"),
         _("For each marketplace or channel: businesses with a live listing (or a recent order) there, or an "
           "approved declared shop there, over the whole series; a business on several counts on each. The "
           "target applies to the headline, not to each marketplace.")),
        (_("History"),
         _("Each day is stored as a snapshot after midnight (Asia/Ho_Chi_Minh); a day without one is computed "
           "in the background when asked for. Past days are rebuilt from the listings' status history (every "
           "change to or from live, with its time), the dates the orders were placed, the dates shops were "
           "disconnected and the approval, expiry and withdrawal dates of declarations; each register entry is "
           "read as it stood on that day, so importing a newer register does not change the days before its "
           "date. A listing published before its status history began counts as live from its publication "
           "until its first recorded change; a listing with no recorded change is judged by its publication "
           "date, its status and its last update.")),
        (_("Comparing with surveys"),
         _("This is a count of every business in the denominator from records, not a sample survey: compare it "
           "with survey results such as VECOM's E-Business Index only with the methods note in mind.")),
    ]


def dimension_title(dimension: str) -> str:
    return str(DIMENSION_LABELS.get(dimension, dimension))


__all__ = ["report_build", "report_csv", "report_notes", "report_pending", "definitions", "dimension_title",
           "current_share", "MARKETPLACE"]


def current_share() -> dict | None:
    """For the home page (``settings.CMS_CURRENT_SHARE_PROVIDER = "adoption.report.current_share"``): the
    latest stored share of SMEs on marketplaces (verified + declared), or None before any snapshot."""
    from .indicator import latest_snapshot_day

    day = latest_snapshot_day()
    if day is None:
        return None
    stored = indicator_stored(day=day)
    total = stored.total(series=SME) if stored else None
    if total is None or total.online_share is None:
        return None
    return {"percent": total.online_share, "as_of": day}
