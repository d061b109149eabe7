"""Officer pages (dashboard, register, declarations, targets, tokens, exports) and the owner's declared
shops. Officer pages require the trade_officer role (403 otherwise); MFA is enforced by the middleware."""

from __future__ import annotations

import datetime
import mimetypes
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from sme.businesses import ownership
from sme.businesses.context import business_required
from sme.businesses.models import AdministrativeUnit
from sme.businesses.phones import phone_display

from . import selectors, services
from .channels import ChannelKind
from .charts import bars_svg, funnel_svg, trend_svg
from .exports import percent, table_csv, table_xlsx
from .forms import (
    DecisionForm,
    DeclaredShopForm,
    RegisterUploadForm,
    ResolveForm,
    TargetForm,
    TokenForm,
    WithdrawForm,
)
from .indicator import (
    BREAKDOWNS,
    DIMENSION_LABELS,
    EARLIEST_DAY,
    MARKETPLACE,
    SECTION,
    SECTOR,
    SERIES,
    SERIES_LABELS,
    SME,
    TOTAL,
    cell_label,
    indicator_stored,
    latest_snapshot_day,
    target_current,
    trend,
)
from .models import AdoptionTarget, DenominatorSource, ImportStatus, SnapshotJobStatus
from .panels import dashboard_panels
from .register import column_label, problem_message
from .report import definitions, denominator_text, report_build, report_notes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GRANULARITIES = ("daily", "monthly", "quarterly")
SORTS = ("label", "denominator", "verified_share", "online_share")


def officer_required(view_func):
    @wraps(view_func)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.user_is_officer(user=request.user):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _day(request) -> datetime.date:
    """The ``?date=`` asked for (YYYY-MM-DD; a date after today is today, one before the indicator's first
    day is that day), else today in Asia/Ho_Chi_Minh."""
    raw = request.GET.get("date", "")
    today = timezone.localdate()
    if raw:
        try:
            return max(min(datetime.date.fromisoformat(raw), today), EARLIEST_DAY)
        except ValueError:
            pass
    return today


def _choice(request, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


# --- Dashboard -----------------------------------------------------------------------------------------


def _sorted_rows(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    keys = {
        "label": lambda r: r["label"].casefold(),
        "denominator": lambda r: r["denominator"],
        "verified_share": lambda r: r["verified_share_percent"] if r["verified_share_percent"] is not None else -1,
        "online_share": lambda r: (r["verified_and_declared_share_percent"]
                                   if r["verified_and_declared_share_percent"] is not None else -1),
    }
    return sorted(rows, key=keys[sort], reverse=descending)


def _stored_or_job(day: datetime.date):
    """(the stored snapshot of ``day``, None), or (None, its background job) when it has none: a request
    never computes the indicator (services.snapshot_request enqueues it once)."""
    stored = indicator_stored(day=day)
    if stored is not None:
        return stored, None
    return None, services.snapshot_request(day=day)


def _computing(request, day: datetime.date, job, *, status: int = 200):
    """The page shown while ``day`` is computed in the background: progress, then the page reloads."""
    return render(request, "adoption/computing.html", {
        "day": day, "job": job, "statuses": SnapshotJobStatus,
        "status_url": reverse("adoption:snapshot_status", args=[day.isoformat()]),
    }, status=status)


def _trend_label(day: datetime.date, granularity: str) -> str:
    if granularity == "daily":
        return day.strftime("%d/%m/%Y")
    if granularity == "monthly":
        return day.strftime("%m/%Y")
    return f"Q{(day.month - 1) // 3 + 1}/{day.year}"


@officer_required
@require_GET
def dashboard(request):
    day = _day(request)
    indicator, job = _stored_or_job(day)
    if indicator is None:
        return _computing(request, day, job)
    by = _choice(request, "by", BREAKDOWNS, "ward")
    series = _choice(request, "series", SERIES, SME)
    granularity = _choice(request, "granularity", GRANULARITIES, "monthly")
    sort = _choice(request, "sort", SORTS, "online_share")
    descending = request.GET.get("order", "asc") == "desc"
    report = report_build(day=day, by=(by, SECTOR, SECTION), indicator=indicator)
    target = report["target"]
    target_percent = target["percent"] if target else None
    rows = _sorted_rows([r for r in report["breakdowns"][by] if r["series"] == series], sort, descending)
    points = trend(series=series, granularity=granularity)
    if not points:
        head = report["series"][series]
        trend_rows = [(day.strftime("%d/%m/%Y"), head["verified_share_percent"],
                       head["verified_and_declared_share_percent"], head["denominator"])]
    else:
        trend_rows = [(_trend_label(p.day, granularity), p.verified_share, p.online_share, p.denominator)
                      for p in points]
    series_label = str(SERIES_LABELS[series])
    sector_tables = [(DIMENSION_LABELS[d], [r for r in report["breakdowns"][d] if r["series"] == series])
                     for d in (SECTOR, SECTION)]
    context = {
        "day": day, "report": report, "headline": report["series"][SME], "series_headlines": report["series"],
        "target": target, "register_missing": report["denominator_source"] == DenominatorSource.PLATFORM,
        "computed_at": indicator.computed_at, "register_as_of": indicator.register_as_of,
        "target_deadline": datetime.date.fromisoformat(target["deadline"]) if target else None,
        "by": by, "by_label": DIMENSION_LABELS[by], "series": series, "series_label": series_label,
        "granularity": granularity, "sort": sort, "descending": descending,
        "breakdowns": [(d, DIMENSION_LABELS[d]) for d in BREAKDOWNS],
        "series_choices": [(s, SERIES_LABELS[s]) for s in SERIES], "granularities": GRANULARITIES,
        "rows": rows, "trend_rows": trend_rows, "sector_tables": sector_tables,
        "separate_lines": _separate_lines(report["series"][series]),
        "trend_chart": trend_svg(points=[(label, v, o) for label, v, o, _n in trend_rows], target=target_percent,
                                 title=_("Share of %(series)s on marketplaces over time") % {"series": series_label}),
        "breakdown_chart": bars_svg(
            rows=[(r["label"], r["verified_share_percent"], r["verified_and_declared_share_percent"]) for r in rows],
            target=target_percent if series == SME and by != MARKETPLACE else None,
            title=_("Share on marketplaces by %(dimension)s") % {"dimension": DIMENSION_LABELS[by]}),
        "definitions": definitions(),
        "latest_snapshot": latest_snapshot_day(),
        "pending_declarations": selectors.declaration_queue().count(),
        "pending_ownership_claims": ownership.claim_queue().count(),
        "query": request.GET.urlencode(),
        "extra_panels": dashboard_panels(request=request, day=day),
    }
    return render(request, "adoption/dashboard.html", context)


def _separate_lines(values: dict) -> list[tuple[str, str, int, float | None]]:
    """The lines beside the headline: own web shops, social selling, other sites (key, label, count, share)."""
    return [(key, str(label), values[key], values[f"{key}_share_percent"]) for key, label in (
        ("own_web_shop", ChannelKind.OWN_WEB_SHOP.label), ("social_selling", ChannelKind.SOCIAL.label),
        ("other_site", ChannelKind.OTHER.label))]


@officer_required
@require_GET
def snapshot_status(request, day: str):
    """Progress of a day computed in the background (polled by the "being computed" page)."""
    try:
        wanted = datetime.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("No such day") from exc
    ready = indicator_stored(day=wanted) is not None
    job = selectors.snapshot_job_get(day=wanted)
    percent = 100 if ready else (job.progress if job else 0)
    label = (_("Ready") if ready else job.get_status_display() if job else _("Waiting for a worker"))
    return JsonResponse({"status": "ready" if ready else (job.status if job else "queued"), "status_label": label,
                         "percent": percent, "finished": ready,
                         "failed": bool(job and job.status == SnapshotJobStatus.FAILED and not ready),
                         "url": request.GET.get("next") if _safe_next(request) else reverse("adoption:dashboard")})


def _safe_next(request) -> bool:
    target = request.GET.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())


@officer_required
@require_POST
def snapshot_refresh(request):
    services.snapshot_refresh_later(day=timezone.localdate())
    messages.success(request, _("Today's numbers are being recomputed."))
    return redirect("adoption:dashboard")


@officer_required
@require_GET
def methods_page(request):
    """How this count differs from sample surveys such as VECOM's E-Business Index (docs/indicator.md)."""
    return render(request, "adoption/methods.html", {"definitions": definitions()})


@officer_required
@require_GET
def funnel_page(request):
    day = _day(request)
    series = _choice(request, "series", SERIES, SME)
    steps = selectors.funnel(day=day, series=series)
    return render(request, "adoption/funnel.html", {
        "day": day, "series": series, "series_label": SERIES_LABELS[series], "steps": steps,
        "series_choices": [(s, SERIES_LABELS[s]) for s in SERIES],
        "chart": funnel_svg(steps=[(s.label, s.count) for s in steps], title=_("Onboarding funnel")),
    })


@officer_required
@require_GET
def drilldown_page(request):
    day = _day(request)
    series = _choice(request, "series", SERIES, SME)
    dimension = _choice(request, "dimension", (TOTAL, *BREAKDOWNS), TOTAL)
    key = request.GET.get("key", "")
    which = _choice(request, "which", selectors.FILTERS, "all")
    rows = selectors.drilldown(day=day, series=series, dimension=dimension, key=key, which=which)
    return render(request, "adoption/drilldown.html", {
        "day": day, "series": series, "series_label": SERIES_LABELS[series], "dimension": dimension,
        "dimension_label": DIMENSION_LABELS[dimension], "key": key, "which": which,
        "cell_label": cell_label(dimension, key, _unit_name(dimension, key)), "rows": rows,
        "filters": [("all", _("All")), ("not_online", _("Not on a marketplace")), ("online", _("On a marketplace")),
                    ("verified", _("Verified")), ("declared_only", _("Declared only"))],
        "query": request.GET.urlencode(),
    })


def _unit_name(dimension: str, key: str) -> str:
    if dimension not in ("ward", "old_district") or not key:
        return ""
    unit = AdministrativeUnit.objects.filter(code=key, is_current=(dimension == "ward")).first()
    return unit.name if unit else ""


# --- Exports -------------------------------------------------------------------------------------------


def _count_headers() -> list[str]:
    return [_("Denominator"), _("On a marketplace, verified"), _("On a marketplace, verified (%)"),
            _("On a marketplace, verified + declared"), _("On a marketplace, verified + declared (%)"),
            _("Own web shop"), _("Own web shop (%)"), _("Social selling"), _("Social selling (%)"),
            _("Other site"), _("Other site (%)")]


def _count_values(values: dict) -> list:
    return [values["denominator"], values["verified"], percent(values["verified_share_percent"]),
            values["verified_and_declared"], percent(values["verified_and_declared_share_percent"]),
            values["own_web_shop"], percent(values["own_web_shop_share_percent"]),
            values["social_selling"], percent(values["social_selling_share_percent"]),
            values["other_site"], percent(values["other_site_share_percent"])]


def _report_table(report: dict, by: str | None) -> tuple[list[str], list[list]]:
    headers = [_("Series"), _("Dimension"), _("Code"), _("Name"), _("Kind of channel"), *_count_headers(),
               _("Below target")]
    rows = []
    if by is None:
        for series, values in report["series"].items():
            rows.append([str(SERIES_LABELS[series]), str(DIMENSION_LABELS[TOTAL]), "", values["label"], "",
                         *_count_values(values), _yes_no(values["below_target"])])
        return headers, rows
    kinds = dict(ChannelKind.choices)
    for r in report["breakdowns"][by]:
        rows.append([str(SERIES_LABELS[r["series"]]), str(DIMENSION_LABELS[by]), r["key"], r["label"],
                     str(kinds.get(r["channel_kind"], "")) if r["channel_kind"] else "", *_count_values(r),
                     _yes_no(r["below_target"])])
    return headers, rows


def _yes_no(value) -> str | None:
    return None if value is None else (_("yes") if value else _("no"))


def _export_table(request, table: str):
    """(title, headers, rows, notes) of one export, or (None, job) when its day is still being computed."""
    day = _day(request)
    if table in ("headline", "breakdown"):
        indicator, job = _stored_or_job(day)
        if indicator is None:
            return None, job
        by = _choice(request, "by", BREAKDOWNS, "ward") if table == "breakdown" else None
        report = report_build(day=day, by=by, indicator=indicator)
        headers, rows = _report_table(report, by)
        title = str(DIMENSION_LABELS[by]) if by else _("Headline")
        return (title, headers, rows, report_notes(day=day, report=report)), None
    notes = report_notes(day=day)
    if table == "trend":
        series = _choice(request, "series", SERIES, SME)
        granularity = _choice(request, "granularity", GRANULARITIES, "monthly")
        headers = [_("Day"), _("Denominator source"), *_count_headers()]
        rows = [[p.day, denominator_text(p.denominator_source), *_count_values(_trend_values(p))]
                for p in trend(series=series, granularity=granularity)]
        return (_("Trend"), headers, rows, notes), None
    if table == "businesses":
        series = _choice(request, "series", SERIES, SME)
        dimension = _choice(request, "dimension", (TOTAL, *BREAKDOWNS), TOTAL)
        which = _choice(request, "which", selectors.FILTERS, "all")
        found = selectors.drilldown(day=day, series=series, dimension=dimension, key=request.GET.get("key", ""),
                                    which=which)
        headers = [_("Identifier"), _("Name"), _("Ward or commune"), _("On a marketplace"), _("Verified"),
                   _("Channels"), _("Also sells"), _("Stage"), _("Phone"), _("Email"), _("Last activity")]
        rows = [[r.member.identifier, r.member.name, r.ward, _yes_no(r.online), _yes_no(r.verified), r.channels,
                 r.other_lines, r.stage, phone_display(r.phone), r.email, r.last_activity] for r in found]
        return (_("Businesses"), headers, rows, notes), None
    if table == "register-unmatched":
        headers = [_("Identifier"), _("Name"), _("Legal form"), _("Ward or commune"), _("Status")]
        rows = [[e.identifier, e.name, e.get_legal_form_display(), e.ward.name if e.ward else "",
                 e.get_status_display()] for e in selectors.register_unmatched_entries()]
        return (_("Not on the platform"), headers, rows, notes), None
    if table == "platform-unmatched":
        headers = [_("Identifier"), _("Name"), _("Legal form"), _("Ward or commune"), _("Phone"), _("Email")]
        rows = [[b.identifier, b.legal_name, b.get_legal_form_display(), b.ward.name if b.ward else "",
                 phone_display(b.phone), b.email] for b in selectors.platform_unmatched_businesses()]
        return (_("Not on the register"), headers, rows, notes), None
    if table == "funnel":
        series = _choice(request, "series", SERIES, SME)
        headers = [_("Step"), _("Businesses")]
        rows = [[s.label, s.count] for s in selectors.funnel(day=day, series=series)]
        return (_("Funnel"), headers, rows, notes), None
    raise Http404("No such table")


def _trend_values(point) -> dict:
    return {"denominator": point.denominator, "verified": point.verified,
            "verified_share_percent": point.verified_share, "verified_and_declared": point.online,
            "verified_and_declared_share_percent": point.online_share, "own_web_shop": point.own_web_shop,
            "own_web_shop_share_percent": point.own_web_shop_share, "social_selling": point.social,
            "social_selling_share_percent": point.social_share, "other_site": point.other_site,
            "other_site_share_percent": point.other_site_share}


@officer_required
@require_GET
def export(request, table: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    found, job = _export_table(request, table)
    if found is None:
        return _computing(request, _day(request), job, status=202)
    title, headers, rows, notes = found
    stamp = _day(request).isoformat()
    audit_record(action=AuditAction.EXPORT_OFFICER_TABLE, actor=request.user, target=f"{table}.{fmt}",
                 details={"query": request.GET.urlencode(), "rows": len(rows)}, request=request)
    if fmt == "csv":
        response = HttpResponse(table_csv(headers=headers, rows=rows, notes=notes),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table}-{stamp}.csv"'
    else:
        response = HttpResponse(table_xlsx(title=title, headers=headers, rows=rows, notes=notes),
                                content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{table}-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# --- Register ------------------------------------------------------------------------------------------


@officer_required
def register_home(request):
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.register_import_create(actor=request.user, upload=form.cleaned_data["sheet"])
        return redirect("adoption:register_job", job_id=job.pk)
    return render(request, "adoption/register_home.html", {
        "form": form, "summary": selectors.register_summary(), "jobs": selectors.register_import_list(),
    })


@officer_required
def register_job(request, job_id: int):
    job = selectors.register_import_get(job_id=job_id)
    problems = [{"row": p.get("row"), "column": column_label(p.get("column")), "message": problem_message(p)}
                for p in job.problems[:500]]
    return render(request, "adoption/register_job.html", {
        "job": job, "statuses": ImportStatus, "problems": problems, "problem_count": len(job.problems),
        "file_problems": [problem_message(p) for p in job.file_problems],
    })


@officer_required
@require_POST
def register_job_confirm(request, job_id: int):
    job = selectors.register_import_get(job_id=job_id)
    if not services.register_import_confirm(job=job):
        messages.info(request, _("This import has already been started."))
    return redirect("adoption:register_job", job_id=job.pk)


@officer_required
@require_POST
def register_job_discard(request, job_id: int):
    job = selectors.register_import_get(job_id=job_id)
    if services.register_import_discard(job=job):
        messages.success(request, _("The import was discarded. Nothing was changed."))
    return redirect("adoption:register_home")


@officer_required
def register_job_status(request, job_id: int):
    job = selectors.register_import_get(job_id=job_id)
    percent = 100 if job.is_finished else (50 if job.status == ImportStatus.RUNNING else 0)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "percent": percent,
                         "finished": job.is_finished, "url": reverse("adoption:register_job", args=[job.pk])})


@officer_required
def register_matching(request):
    return render(request, "adoption/register_matching.html", {
        "unmatched_entries": selectors.register_unmatched_entries()[:500],
        "unmatched_entry_count": selectors.register_unmatched_entries().count(),
        "unmatched_businesses": selectors.platform_unmatched_businesses()[:500],
        "unmatched_business_count": selectors.platform_unmatched_businesses().count(),
        "corrections": selectors.register_corrections()[:500],
    })


@officer_required
def register_review(request):
    entries = list(selectors.register_address_review_list()[:200])
    candidates = {u.code: u for u in AdministrativeUnit.objects.current()}
    items = [(e, ResolveForm(candidates=[candidates[c] for c in e.ward_candidates if c in candidates],
                             prefix=f"e{e.pk}")) for e in entries]
    return render(request, "adoption/register_review.html", {"items": items})


@officer_required
@require_POST
def register_resolve(request, pk: int):
    entry = selectors.register_entry_get(pk=pk)
    candidates = selectors.ward_candidates(entry=entry)
    form = ResolveForm(request.POST, candidates=candidates, prefix=f"e{entry.pk}")
    if form.is_valid():
        ward = next(u for u in candidates if u.code == form.cleaned_data["ward"])
        services.register_entry_resolve_address(entry=entry, ward=ward, actor=request.user)
        messages.success(request, _("%(name)s is now in %(ward)s.") % {"name": entry.name, "ward": ward.name})
    else:
        messages.error(request, _("Choose one of the wards this old commune was split into."))
    return redirect("adoption:register_review")


# --- Declarations --------------------------------------------------------------------------------------


@officer_required
def declarations(request):
    return render(request, "adoption/declarations.html", {
        "queue": selectors.declaration_queue(), "decided": selectors.declaration_decided_list(),
        "form": DecisionForm(),
    })


@officer_required
@require_POST
def declaration_decide(request, pk: int):
    shop = selectors.declared_shop_get(pk=pk)
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            services.declared_shop_decide(shop=shop, actor=request.user, approve=approve,
                                          reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Declaration approved.") if approve else _("Declaration rejected."))
    return redirect("adoption:declarations")


@officer_required
@require_POST
def declaration_withdraw(request, pk: int):
    """An officer withdraws an approved declaration (the shop closed, it was a mistake); a reason is needed."""
    shop = selectors.declared_shop_get(pk=pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    if not reason:
        messages.error(request, _("Say why the declaration is withdrawn: the owner reads it."))
        return redirect("adoption:declarations")
    try:
        services.declared_shop_withdraw(shop=shop, actor=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Declaration withdrawn. The days it counted keep their numbers."))
    return redirect("adoption:declarations")


@officer_required
@require_GET
def declaration_evidence(request, pk: int):
    shop = selectors.declared_shop_get(pk=pk)
    if not shop.evidence_image:
        raise Http404("No screenshot")
    content_type = mimetypes.guess_type(shop.evidence_image.name)[0] or "application/octet-stream"
    response = FileResponse(shop.evidence_image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Business ownership -------------------------------------------------------------------------------


@officer_required
def ownership_claims(request):
    """Claims to decide (documents to check, disputes), claims still waiting for the owner's proof, and the
    latest decisions."""
    return render(request, "adoption/ownership_claims.html", {
        "queue": ownership.claim_queue(), "waiting": ownership.claim_waiting_for_proof()[:100],
        "decided": ownership.claim_decided_list(),
    })


@officer_required
def ownership_claim(request, pk: int):
    """One claim with every claim on the same business, the register's facts and the decision form. A
    confirmed claim of someone who is not an owner transfers the business to them."""
    claim = ownership.claim_get(pk=pk)
    business = claim.business
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        if request.POST.get("decision") not in ("approve", "refuse"):
            messages.error(request, _("Choose confirm or refuse."))
        else:
            try:
                services.ownership_claim_settle(claim=claim, officer=request.user, approve=approve,
                                                reason=request.POST.get("reason", "")[:1000], request=request)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Claim confirmed: the claimant owns the business.") if approve
                                 else _("Claim refused."))
                return redirect("adoption:ownership_claims")
        return redirect("adoption:ownership_claim", pk=claim.pk)
    return render(request, "adoption/ownership_claim.html", {
        "claim": claim, "business": business, "claims": ownership.claims_on_business(business=business),
        "owners": business.memberships.filter(role="owner").select_related("user"),
        "register_entry": selectors.register_entry_for(identifier=business.identifier),
    })


@officer_required
@require_GET
def ownership_claim_document(request, pk: int):
    """The claim's document, for officers only; each view is in the audit trail."""
    claim = ownership.claim_get(pk=pk)
    if not claim.document:
        raise Http404("No document")
    audit_record(action=AuditAction.OWNERSHIP_DOCUMENT_VIEWED, actor=request.user, target=claim.business.identifier,
                 details={"claim": claim.pk}, request=request)
    response = FileResponse(claim.document.open("rb"), content_type=claim.document_content_type
                            or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Targets -------------------------------------------------------------------------------------------


@officer_required
def targets(request, pk: int | None = None):
    target = get_object_or_404(AdoptionTarget, pk=pk) if pk else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("adoption:targets")
    return render(request, "adoption/targets.html", {
        "form": form, "editing": target,
        "targets": AdoptionTarget.objects.prefetch_related("versions__changed_by"),
        "current": target_current(day=timezone.localdate()),
    })


# --- API tokens ----------------------------------------------------------------------------------------


@officer_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _record, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"],
                                                       request=request)
        form = TokenForm()
    return render(request, "adoption/tokens.html", {
        "form": form, "tokens": selectors.api_token_list(user=request.user), "new_token": new_token,
        "token_days": settings.ADOPTION_API_TOKEN_DAYS,
    })


@officer_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(token=token, request=request)
    messages.success(request, _("The token was revoked; tools using it can no longer read the API."))
    return redirect("adoption:tokens")


# --- Owners: declared shops ----------------------------------------------------------------------------


@business_required(owner_only=True)
def owner_declared_shops(request):
    form = DeclaredShopForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("evidence_image")
        try:
            services.declared_shop_submit(
                business=request.business, actor=request.user, channel=form.cleaned_data["channel"],
                url=form.cleaned_data["url"], evidence_image_data=upload.read() if upload else None,
                evidence_image_name=upload.name if upload else "",
                evidence_link=form.cleaned_data.get("evidence_link") or "")
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your shop was declared. A trade officer will check it."))
            return redirect("adoption_owner:declared_shops")
    return render(request, "adoption/owner_declared_shops.html", {
        "form": form, "shops": selectors.declared_shop_list_for_business(business=request.business),
        "today": timezone.localdate(), "valid_months": settings.ADOPTION_DECLARATION_VALID_MONTHS,
    })


@business_required(owner_only=True)
@require_POST
def owner_declared_shop_withdraw(request, pk: int):
    """The owner withdraws one of the business's declarations (another business's answers 404)."""
    shop = selectors.declared_shop_get(pk=pk, business=request.business)
    form = WithdrawForm(request.POST)
    try:
        services.declared_shop_withdraw(shop=shop, actor=request.user,
                                        reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The declaration was withdrawn."))
    return redirect("adoption_owner:declared_shops")
