"""Read-only JSON API for the province's BI tools (Superset, Metabase), described by an OpenAPI document.

Authentication: ``Authorization: Bearer <token>``, a token an officer creates (and may revoke) on the API
tokens page. A token stops working when it is revoked, expires (ADOPTION_API_TOKEN_DAYS after its creation)
or its officer loses the trade officer role. Every accepted request is in the audit trail (accounts.audit).

A day without a stored snapshot is never computed inside the request: the answer is ``202 Accepted`` with
``status: "computing"`` and a ``Retry-After`` header while a background job computes it (one per day).
Every answer carries the same definitions and denominator source as the exports' notes.
"""

from __future__ import annotations

import datetime
import re
from functools import wraps

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.audit import audit_record
from accounts.models import AuditAction

from .indicator import BREAKDOWNS, DEFINITIONS, EARLIEST_DAY, SERIES, SME, indicator_stored, trend
from .models import ApiToken
from .report import COUNT_COLUMNS, definitions, report_build, report_pending
from .selectors import user_is_officer
from .services import snapshot_request, token_hash

GRANULARITIES = ("daily", "monthly", "quarterly")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def get_only(view_func):
    """Like ``require_GET`` (HEAD too), but the 405 says so in JSON, as every other error of this API. CSRF
    exempt: the API reads only and authenticates by a header, never a cookie, so a request of another method
    gets this 405 rather than the CSRF failure page."""
    @csrf_exempt
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "method_not_allowed", f"{request.method} is not allowed here: use GET.")
            response["Allow"] = "GET, HEAD"
            return response
        return view_func(request, *args, **kwargs)

    return wrapper


def known_parameters(*names: str):
    """Refuse a query parameter the document does not list: a misspelt ``dat=`` would otherwise be ignored
    and answer today's numbers as if they were the day asked for."""
    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            unknown = sorted(set(request.GET) - set(names))
            if unknown:
                allowed = ", ".join(names) or "none"
                return _error(400, "unknown_parameter",
                              f"Unknown parameter {', '.join(unknown)}; this endpoint takes: {allowed}.")
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator


def token_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not token.strip():
            response = _error(401, "unauthorized", "Send Authorization: Bearer <token>.")
            response["WWW-Authenticate"] = 'Bearer realm="adoption"'
            return response
        record = (ApiToken.objects.select_related("user")
                  .filter(token_hash=token_hash(token.strip()), revoked_at__isnull=True).first())
        if record is None or not record.user.is_active or not user_is_officer(user=record.user):
            response = _error(401, "invalid_token", "The token is unknown, revoked, or its officer lost access.")
            response["WWW-Authenticate"] = 'Bearer realm="adoption", error="invalid_token"'
            return response
        now = timezone.now()
        if record.expires_at is None or record.expires_at <= now:
            response = _error(401, "token_expired", "The token has expired; create a new one on the API tokens page.")
            response["WWW-Authenticate"] = 'Bearer realm="adoption", error="invalid_token"'
            return response
        audit_record(action=AuditAction.API_READ, actor=record.user, target=request.path,
                     details={"token_id": record.pk, "token_prefix": record.prefix, "query": request.GET.urlencode()},
                     request=request)
        if record.last_used_at is None or now - record.last_used_at > datetime.timedelta(minutes=5):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.api_user = record.user
        response = view_func(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def _date_param(request):
    if "date" not in request.GET:
        return timezone.localdate(), None
    raw = request.GET["date"]
    try:
        # Only YYYY-MM-DD, as the document says (fromisoformat alone also takes 20260615 or 2026-W24-1).
        day = datetime.date.fromisoformat(raw) if ISO_DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        return None, _error(400, "bad_date", "date must be a day written YYYY-MM-DD.")
    if day > timezone.localdate():
        return None, _error(400, "future_date", "date cannot be after today (Asia/Ho_Chi_Minh).")
    if day < EARLIEST_DAY:
        return None, _error(400, "date_too_early", f"date cannot be before {EARLIEST_DAY.isoformat()}.")
    return day, None


@get_only
@token_required
@known_parameters("date", "by")
def indicator(request):
    """The indicator for one day: every series' headline and, with ``by``, one breakdown (or ``all``). A day
    not stored yet answers 202 while it is computed in the background."""
    day, error = _date_param(request)
    if error:
        return error
    by = request.GET.get("by")  # absent: the headlines only; present, it must name a breakdown (not be empty)
    if by is not None and by not in (*BREAKDOWNS, "all"):
        return _error(400, "bad_dimension", f"by must be one of: {', '.join((*BREAKDOWNS, 'all'))}.")
    stored = indicator_stored(day=day)
    if stored is None:
        job = snapshot_request(day=day)
        response = JsonResponse(report_pending(day=day, job=job), status=202, json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = "5"
        return response
    return JsonResponse(report_build(day=day, by=by, indicator=stored), json_dumps_params={"ensure_ascii": False})


@get_only
@token_required
@known_parameters("series", "granularity")
def trend_view(request):
    """Stored daily snapshots of one series' totals, daily / monthly / quarterly."""
    series = request.GET.get("series", SME)
    granularity = request.GET.get("granularity", "monthly")
    if series not in SERIES or granularity not in GRANULARITIES:
        return _error(400, "bad_parameter", f"series must be one of: {', '.join(SERIES)}; granularity one of: "
                                            f"{', '.join(GRANULARITIES)}.")
    points = [{"date": p.day.isoformat(), "denominator_source": p.denominator_source,
               "denominator": p.denominator, "verified": p.verified,
               "verified_share_percent": p.verified_share, "verified_and_declared": p.online,
               "verified_and_declared_share_percent": p.online_share, "own_web_shop": p.own_web_shop,
               "own_web_shop_share_percent": p.own_web_shop_share, "social_selling": p.social,
               "social_selling_share_percent": p.social_share, "other_site": p.other_site,
               "other_site_share_percent": p.other_site_share}
              for p in trend(series=series, granularity=granularity)]
    return JsonResponse({"series": series, "granularity": granularity, "definitions_version": DEFINITIONS,
                         "points": points,
                         "definitions": [{"term": term, "text": text} for term, text in definitions()]},
                        json_dumps_params={"ensure_ascii": False})


def _counts_schema() -> dict:
    descriptions = {
        "denominator": "Members of the series in this cell (for a marketplace row: the whole series).",
        "verified": "On a marketplace, verified: a live listing on the day or an order in the 90 days up to it, on "
                    "a marketplace shop connected through the platform (marketplace row: on that channel).",
        "verified_and_declared": "The headline: verified, or an approved, unexpired, not withdrawn declaration "
                                 "of a marketplace shop (Postmart, Voso, Sendo). The target is judged on this.",
        "own_web_shop": "With an own web shop (WooCommerce, a declared own site): not a marketplace, never "
                        "counted toward the target. Null in a marketplace row.",
        "social_selling": "Selling on social networks (a declared Facebook, Zalo or TikTok social shop): not a "
                          "marketplace. Null in a marketplace row.",
        "other_site": "On another declared site: not counted toward the target. Null in a marketplace row.",
    }
    properties = {}
    for name in COUNT_COLUMNS:
        if name.endswith("_share_percent"):
            properties[name] = {"type": "number", "nullable": True,
                                "description": "Share in percent, one decimal; null when the denominator is 0."}
        else:
            properties[name] = {"type": "integer", "nullable": name not in ("denominator", "verified",
                                                                              "verified_and_declared"),
                                "description": descriptions[name]}
    return properties


CELL = {
    "type": "object",
    "properties": {
        "series": {"type": "string", "enum": list(SERIES)},
        "dimension": {"type": "string", "enum": list(BREAKDOWNS)},
        "key": {"type": "string", "description": "Ward/district code, sector group, VSIC section letter, size class, "
                                                 "legal form or marketplace/channel code; empty = not known."},
        "label": {"type": "string"},
        "channel_kind": {"type": "string", "nullable": True,
                         "enum": ["marketplace", "own_web_shop", "social", "other", None],
                         "description": "Marketplace rows only: whether the channel is a marketplace (Decree "
                                        "85/2021) or an own web shop, social selling or another site."},
        **_counts_schema(),
        "below_target": {"type": "boolean", "nullable": True,
                         "description": "SMEs only, on verified_and_declared; null for marketplace rows (the target "
                                        "is for SMEs on any marketplace, not for each one)."},
    },
}


ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "Stable, for programs."},
        "message": {"type": "string", "description": "What is wrong and what to send instead, for people."}}}},
}


def _definitions_text() -> str:
    from django.utils import translation

    with translation.override("en"):
        return "\n".join(f"- **{term}.** {text}" for term, text in definitions())


@get_only
def openapi(request):
    """The OpenAPI 3.0 document of this API (public: it holds no data)."""
    server = request.build_absolute_uri(reverse("adoption:dashboard")).rstrip("/")
    date_param = {"name": "date", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                  "description": f"Day (YYYY-MM-DD, Asia/Ho_Chi_Minh), default today; not after today, not before "
                                 f"{EARLIEST_DAY.isoformat()}."}
    error = {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    bad_parameter = {**error, "description": "A parameter is not one the document allows (error.code says which: "
                                             "bad_date, future_date, date_too_early, bad_dimension, bad_parameter)."}
    unauthorized = {**error, "description": "Missing, unknown, revoked or expired token (error.code: "
                                            "unauthorized, invalid_token, token_expired).",
                    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}}
    definition_list = {"type": "array", "description": "The definitions, in the language of the request (the same "
                                                       "as the exports' notes).",
                       "items": {"type": "object", "properties": {"term": {"type": "string"},
                                                                  "text": {"type": "string"}}}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Đồng Tháp SME e-commerce adoption indicator", "version": f"2.{DEFINITIONS}.0",
                 "description": "Share of the province's SMEs selling on e-commerce marketplaces, verified and "
                                "verified + declared, with own web shops and social selling as separate lines and "
                                "households, cooperatives and OCOP businesses as separate series. Numbers equal the "
                                "dashboard's, the exports' and `manage.py adoption_report`'s. A day without a stored "
                                "snapshot answers 202 (`status: computing`) while it is computed in the background; "
                                "ask again after `Retry-After` seconds.\n\nDefinitions (version "
                                f"{DEFINITIONS}):\n\n{_definitions_text()}"},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from the officers' API tokens page."}},
            "schemas": {"Cell": CELL, "Definitions": definition_list, "Error": ERROR},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/indicator": {"get": {
                "summary": "The indicator for one day",
                "parameters": [date_param, {"name": "by", "in": "query", "required": False,
                                            "schema": {"type": "string", "enum": [*BREAKDOWNS, "all"]}}],
                "responses": {
                    "200": {"description": "Headline per series and the breakdown(s)", "content": {
                        "application/json": {"schema": {"type": "object", "properties": {
                            "date": {"type": "string", "format": "date"},
                            "status": {"type": "string", "enum": ["ready"]},
                            "definitions_version": {"type": "integer"},
                            "denominator_source": {"type": "string", "enum": ["register", "platform"]},
                            "denominator": {"type": "object", "description": "Where the denominator comes from: "
                                            "the province's register (operating businesses on the day) or, before "
                                            "any register is imported, the businesses registered on the platform.",
                                            "properties": {
                                                "source": {"type": "string", "enum": ["register", "platform"]},
                                                "description": {"type": "string"},
                                                "register_as_of": {"type": "string", "format": "date",
                                                                   "nullable": True}}},
                            "register_as_of": {"type": "string", "format": "date", "nullable": True},
                            "computed_at": {"type": "string", "format": "date-time",
                                            "description": "When the snapshot was computed, Asia/Ho_Chi_Minh offset."},
                            "from_snapshot": {"type": "boolean"},
                            "target": {"type": "object", "nullable": True, "properties": {
                                "name": {"type": "string"}, "percent": {"type": "number"},
                                "deadline": {"type": "string", "format": "date"},
                                "judged_on": {"type": "string", "enum": ["verified_and_declared"]}}},
                            "series": {"type": "object", "description": "Headline per series (sme, household, "
                                       "cooperative, ocop): the counts of Cell, plus for sme the gap to the target.",
                                       "additionalProperties": {"type": "object"}},
                            "not_on_register_selling": {"type": "integer", "nullable": True,
                                                        "description": "Businesses selling through the platform "
                                                                       "that the register does not list (in no "
                                                                       "denominator); null without a register."},
                            "breakdowns": {"type": "object", "additionalProperties": {
                                "type": "array", "items": {"$ref": "#/components/schemas/Cell"}}},
                            "definitions": {"$ref": "#/components/schemas/Definitions"},
                        }}}}},
                    "202": {"description": "The day has no stored snapshot yet: it is being computed in the "
                                           "background. Retry after the Retry-After header's seconds.",
                            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "date": {"type": "string", "format": "date"},
                                "status": {"type": "string", "enum": ["computing"]},
                                "progress_percent": {"type": "integer"},
                                "job_status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                                "retry_after_seconds": {"type": "integer"},
                                "message": {"type": "string"}}}}}},
                    "400": bad_parameter, "401": unauthorized,
                }}},
            "/api/v1/trend": {"get": {
                "summary": "Stored snapshots over time",
                "parameters": [
                    {"name": "series", "in": "query", "schema": {"type": "string", "enum": list(SERIES)}},
                    {"name": "granularity", "in": "query",
                     "schema": {"type": "string", "enum": ["daily", "monthly", "quarterly"]}}],
                "responses": {"200": {"description": "Points (the counts of Cell per day, each with its "
                                                     "denominator's source) and the definitions", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "series": {"type": "string", "enum": list(SERIES)},
                        "granularity": {"type": "string", "enum": list(GRANULARITIES)},
                        "definitions_version": {"type": "integer"},
                        "points": {"type": "array", "items": {"type": "object", "properties": {
                            "date": {"type": "string", "format": "date",
                                     "description": "The stored day (the last of its month or quarter)."},
                            "denominator_source": {
                                "type": "string", "enum": ["register", "platform"],
                                "description": "The province's register, or the businesses registered on the "
                                               "platform on a day before any register was imported."},
                            **_counts_schema()}}},
                        "definitions": {"$ref": "#/components/schemas/Definitions"}}}}}},
                              "400": bad_parameter, "401": unauthorized},
            }},
        },
    }
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
