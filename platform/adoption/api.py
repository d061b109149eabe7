"""Read-only JSON API for the province's BI tools (Superset, Metabase), described by an OpenAPI document.

Authentication: ``Authorization: Bearer <token>``, a token an officer creates (and may revoke) on the API
tokens page. A token stops working when it is revoked or its officer loses the trade officer role.
"""

from __future__ import annotations

import datetime
from functools import wraps

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .indicator import BREAKDOWNS, SERIES, SME, trend
from .models import ApiToken
from .report import report_build
from .selectors import user_is_officer
from .services import token_hash


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


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
        if record.last_used_at is None or now - record.last_used_at > datetime.timedelta(minutes=5):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.api_user = record.user
        response = view_func(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def _date_param(request):
    raw = request.GET.get("date", "")
    if not raw:
        return timezone.localdate(), None
    try:
        return datetime.date.fromisoformat(raw), None
    except ValueError:
        return None, _error(400, "bad_date", "date must be YYYY-MM-DD.")


@require_GET
@token_required
def indicator(request):
    """The indicator for one day: every series' headline and, with ``by``, one breakdown (or ``all``)."""
    day, error = _date_param(request)
    if error:
        return error
    by = request.GET.get("by") or None
    if by is not None and by not in (*BREAKDOWNS, "all"):
        return _error(400, "bad_dimension", f"by must be one of: {', '.join((*BREAKDOWNS, 'all'))}.")
    return JsonResponse(report_build(day=day, by=by), json_dumps_params={"ensure_ascii": False})


@require_GET
@token_required
def trend_view(request):
    """Stored daily snapshots of one series' totals, daily / monthly / quarterly."""
    series = request.GET.get("series", SME)
    granularity = request.GET.get("granularity", "monthly")
    if series not in SERIES or granularity not in ("daily", "monthly", "quarterly"):
        return _error(400, "bad_parameter", "series: sme|household|ocop; granularity: daily|monthly|quarterly.")
    points = [{"date": p.day.isoformat(), "denominator": p.denominator, "verified": p.verified,
               "verified_share_percent": p.verified_share, "verified_and_declared": p.online,
               "verified_and_declared_share_percent": p.online_share}
              for p in trend(series=series, granularity=granularity)]
    return JsonResponse({"series": series, "granularity": granularity, "points": points})


CELL = {
    "type": "object",
    "properties": {
        "series": {"type": "string", "enum": list(SERIES)},
        "dimension": {"type": "string", "enum": list(BREAKDOWNS)},
        "key": {"type": "string", "description": "Ward/district code, sector group, size class, legal form or "
                                                 "marketplace code; empty = not known."},
        "label": {"type": "string"},
        "denominator": {"type": "integer"},
        "verified": {"type": "integer"},
        "verified_share_percent": {"type": "number", "nullable": True},
        "verified_and_declared": {"type": "integer"},
        "verified_and_declared_share_percent": {"type": "number", "nullable": True},
        "below_target": {"type": "boolean", "nullable": True},
    },
}


@require_GET
def openapi(request):
    """The OpenAPI 3.0 document of this API (public: it holds no data)."""
    server = request.build_absolute_uri(reverse("adoption:dashboard")).rstrip("/")
    date_param = {"name": "date", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                  "description": "Day (Asia/Ho_Chi_Minh), default today."}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Đồng Tháp SME e-commerce adoption indicator", "version": "1.0.0",
                 "description": "Share of the province's SMEs trading online, verified and verified + declared, "
                                "with households and OCOP businesses as separate series. Definitions: see the "
                                "dashboard and docstring of adoption.indicator. Numbers equal the dashboard's "
                                "and `manage.py adoption_report`'s."},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from the officers' API tokens page."}},
            "schemas": {"Cell": CELL},
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
                            "denominator_source": {"type": "string", "enum": ["register", "platform"]},
                            "register_as_of": {"type": "string", "format": "date", "nullable": True},
                            "computed_at": {"type": "string", "format": "date-time"},
                            "from_snapshot": {"type": "boolean"},
                            "target": {"type": "object", "nullable": True},
                            "series": {"type": "object"},
                            "breakdowns": {"type": "object", "additionalProperties": {
                                "type": "array", "items": {"$ref": "#/components/schemas/Cell"}}},
                        }}}}},
                    "400": {"description": "Bad parameter"}, "401": {"description": "Missing or invalid token"},
                }}},
            "/api/v1/trend": {"get": {
                "summary": "Stored snapshots over time",
                "parameters": [
                    {"name": "series", "in": "query", "schema": {"type": "string", "enum": list(SERIES)}},
                    {"name": "granularity", "in": "query",
                     "schema": {"type": "string", "enum": ["daily", "monthly", "quarterly"]}}],
                "responses": {"200": {"description": "Points"}, "401": {"description": "Missing or invalid token"}},
            }},
        },
    }
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
