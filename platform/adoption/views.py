"""Officer pages (dashboard, register, declarations, targets, tokens, exports) and the owner's declared
shops. Officer pages require the trade_officer role (403 otherwise); MFA is enforced by the middleware."""

from __future__ import annotations

import datetime
import mimetypes
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sme.businesses.context import business_required
from sme.businesses.models import AdministrativeUnit

from . import selectors, services
from .charts import bars_svg, funnel_svg, trend_svg
from .exports import table_csv, table_xlsx
from .forms import DecisionForm, DeclaredShopForm, RegisterUploadForm, ResolveForm, TargetForm, TokenForm
from .indicator import (
    BREAKDOWNS,
    DIMENSION_LABELS,
    SERIES,
    SERIES_LABELS,
    SME,
    TOTAL,
    latest_snapshot_day,
    target_current,
    trend,
)
from .models import AdoptionTarget, DenominatorSource, ImportStatus
from .register import column_label, problem_message
from .report import definitions, report_build

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
    raw = request.GET.get("date", "")
    if raw:
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
    return timezone.localdate()


def _choice(request, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


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


@officer_required
@require_GET
def dashboard(request):
    day = _day(request)
    by = _choice(request, "by", BREAKDOWNS, "ward")
    series = _choice(request, "series", SERIES, SME)
    granularity = _choice(request, "granularity", GRANULARITIES, "monthly")
    sort = _choice(request, "sort", SORTS, "online_share")
    descending = request.GET.get("order", "asc") == "desc"
    report = report_build(day=day, by=by)
    target = report["target"]
    target_percent = target["percent"] if target else None
    rows = _sorted_rows([r for r in report["breakdowns"][by] if r["series"] == series], sort, descending)
    points = trend(series=series, granularity=granularity)
    if not points:
        head = report["series"][series]
        trend_rows = [(day.isoformat(), head["verified_share_percent"], head["verified_and_declared_share_percent"],
                       head["denominator"])]
    else:
        trend_rows = [(p.day.isoformat() if granularity == "daily" else p.day.strftime("%m/%Y") if
                       granularity == "monthly" else f"Q{(p.day.month - 1) // 3 + 1}/{p.day.year}",
                       p.verified_share, p.online_share, p.denominator) for p in points]
    series_label = str(SERIES_LABELS[series])
    context = {
        "day": day, "report": report, "headline": report["series"][SME], "series_headlines": report["series"],
        "target": target, "register_missing": report["denominator_source"] == DenominatorSource.PLATFORM,
        "by": by, "by_label": DIMENSION_LABELS[by], "series": series, "series_label": series_label,
        "granularity": granularity, "sort": sort, "descending": descending,
        "breakdowns": [(d, DIMENSION_LABELS[d]) for d in BREAKDOWNS],
        "series_choices": [(s, SERIES_LABELS[s]) for s in SERIES], "granularities": GRANULARITIES,
        "rows": rows, "trend_rows": trend_rows,
        "trend_chart": trend_svg(points=[(label, v, o) for label, v, o, _n in trend_rows], target=target_percent,
                                 title=_("Share of %(series)s trading online over time") % {"series": series_label}),
        "breakdown_chart": bars_svg(
            rows=[(r["label"], r["verified_share_percent"], r["verified_and_declared_share_percent"]) for r in rows],
            target=target_percent if series == SME else None,
            title=_("Share trading online by %(dimension)s") % {"dimension": DIMENSION_LABELS[by]}),
        "definitions": definitions(),
        "latest_snapshot": latest_snapshot_day(),
        "pending_declarations": selectors.declaration_queue().count(),
        "query": request.GET.urlencode(),
    }
    return render(request, "adoption/dashboard.html", context)


@officer_required
@require_POST
def snapshot_refresh(request):
    services.snapshot_refresh_later(day=timezone.localdate())
    messages.success(request, _("Today's numbers are being recomputed."))
    return redirect("adoption:dashboard")


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
    from .indicator import cell_label

    return render(request, "adoption/drilldown.html", {
        "day": day, "series": series, "series_label": SERIES_LABELS[series], "dimension": dimension,
        "dimension_label": DIMENSION_LABELS[dimension], "key": key, "which": which,
        "cell_label": cell_label(dimension, key, _unit_name(dimension, key)), "rows": rows,
        "filters": [("all", _("All")), ("not_online", _("Not trading online")), ("online", _("Trading online")),
                    ("verified", _("Verified")), ("declared_only", _("Declared only"))],
        "query": request.GET.urlencode(),
    })


def _unit_name(dimension: str, key: str) -> str:
    if dimension not in ("ward", "old_district") or not key:
        return ""
    unit = AdministrativeUnit.objects.filter(code=key, is_current=(dimension == "ward")).first()
    return unit.name if unit else ""


# --- Exports -------------------------------------------------------------------------------------------


def _report_table(report: dict, by: str | None) -> tuple[list[str], list[list]]:
    headers = [_("Series"), _("Dimension"), _("Code"), _("Name"), _("Denominator"), _("Verified"),
               _("Verified (%)"), _("Verified + declared"), _("Verified + declared (%)"), _("Below target")]
    rows = []
    if by is None:
        for series, values in report["series"].items():
            rows.append([str(SERIES_LABELS[series]), str(DIMENSION_LABELS[TOTAL]), "", values["label"],
                         values["denominator"], values["verified"], values["verified_share_percent"],
                         values["verified_and_declared"], values["verified_and_declared_share_percent"],
                         _yes_no(values["below_target"])])
        return headers, rows
    for r in report["breakdowns"][by]:
        rows.append([str(SERIES_LABELS[r["series"]]), str(DIMENSION_LABELS[by]), r["key"], r["label"],
                     r["denominator"], r["verified"], r["verified_share_percent"], r["verified_and_declared"],
                     r["verified_and_declared_share_percent"], _yes_no(r["below_target"])])
    return headers, rows


def _yes_no(value) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def _notes(day: datetime.date, report: dict | None = None) -> dict:
    notes = {_("Numbers for the day"): day.isoformat()}
    if report is not None:
        notes[_("Denominator")] = (_("The province's register") if report["denominator_source"] == "register"
                                   else _("Businesses registered on the platform (no register imported)"))
        if report["register_as_of"]:
            notes[_("Register as of")] = report["register_as_of"]
        notes[_("Computed at")] = report["computed_at"]
        if report["target"]:
            notes[_("Target")] = f'{report["target"]["percent"]}% — {report["target"]["deadline"]}'
    return notes


def _export_table(request, table: str):
    day = _day(request)
    if table == "headline":
        report = report_build(day=day)
        headers, rows = _report_table(report, None)
        return _("Headline"), headers, rows, _notes(day, report)
    if table == "breakdown":
        by = _choice(request, "by", BREAKDOWNS, "ward")
        report = report_build(day=day, by=by)
        headers, rows = _report_table(report, by)
        return str(DIMENSION_LABELS[by]), headers, rows, _notes(day, report)
    if table == "trend":
        series = _choice(request, "series", SERIES, SME)
        granularity = _choice(request, "granularity", GRANULARITIES, "monthly")
        points = trend(series=series, granularity=granularity)
        headers = [_("Day"), _("Denominator"), _("Verified"), _("Verified (%)"), _("Verified + declared"),
                   _("Verified + declared (%)")]
        rows = [[p.day.isoformat(), p.denominator, p.verified, p.verified_share, p.online, p.online_share]
                for p in points]
        return _("Trend"), headers, rows, _notes(day)
    if table == "businesses":
        series = _choice(request, "series", SERIES, SME)
        dimension = _choice(request, "dimension", (TOTAL, *BREAKDOWNS), TOTAL)
        which = _choice(request, "which", selectors.FILTERS, "all")
        found = selectors.drilldown(day=day, series=series, dimension=dimension, key=request.GET.get("key", ""),
                                    which=which)
        headers = [_("Identifier"), _("Name"), _("Ward or commune"), _("Trading online"), _("Verified"),
                   _("Channels"), _("Stage"), _("Phone"), _("Email"), _("Last activity")]
        rows = [[r.member.identifier, r.member.name, r.ward, _yes_no(r.online), _yes_no(r.verified), r.channels,
                 r.stage, r.phone, r.email,
                 timezone.localtime(r.last_activity).strftime("%Y-%m-%d %H:%M") if r.last_activity else ""]
                for r in found]
        return _("Businesses"), headers, rows, _notes(day)
    if table == "register-unmatched":
        headers = [_("Identifier"), _("Name"), _("Legal form"), _("Ward or commune"), _("Status")]
        rows = [[e.identifier, e.name, e.get_legal_form_display(), e.ward.name if e.ward else "",
                 e.get_status_display()] for e in selectors.register_unmatched_entries()]
        return _("Not on the platform"), headers, rows, _notes(day)
    if table == "platform-unmatched":
        headers = [_("Identifier"), _("Name"), _("Legal form"), _("Ward or commune"), _("Phone"), _("Email")]
        rows = [[b.identifier, b.legal_name, b.get_legal_form_display(), b.ward.name if b.ward else "", b.phone,
                 b.email] for b in selectors.platform_unmatched_businesses()]
        return _("Not on the register"), headers, rows, _notes(day)
    if table == "funnel":
        series = _choice(request, "series", SERIES, SME)
        headers = [_("Step"), _("Businesses")]
        rows = [[s.label, s.count] for s in selectors.funnel(day=day, series=series)]
        return _("Funnel"), headers, rows, _notes(day)
    raise Http404("No such table")


@officer_required
@require_GET
def export(request, table: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    title, headers, rows, notes = _export_table(request, table)
    stamp = _day(request).isoformat()
    if fmt == "csv":
        response = HttpResponse(table_csv(headers=headers, rows=rows), content_type="text/csv; charset=utf-8")
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
        _record, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "adoption/tokens.html", {
        "form": form, "tokens": selectors.api_token_list(user=request.user), "new_token": new_token,
    })


@officer_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(token=token)
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
    })
