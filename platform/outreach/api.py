"""The officers' API for campaigns: the campaigns of the province and each one's funnel, as on the page and
in the export. Same tokens, errors and audit trail as the indicator's API (``adoption.api``)."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import reverse

from adoption.api import get_only, known_parameters, token_required

from . import selectors
from .models import Campaign, CampaignStatus, Channel


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _row(row: selectors.FunnelRow) -> dict:
    return {"key": row.key, "label": row.label,
            "steps": [{"step": step, "label": str(selectors.STEP_LABELS[step]), "count": row.counts[step],
                       "median_hours_from_previous": row.median_hours[step]} for step in selectors.STEPS]}


def _paused(paused: selectors.PausedChannel) -> dict:
    return {"channel": paused.channel, "label": paused.label, "reason": paused.reason,
            "paused_since": paused.paused_at.isoformat(), "waiting": paused.waiting}


def _campaign(campaign, paused: list[selectors.PausedChannel]) -> dict:
    return {"id": campaign.pk, "name": campaign.name, "status": campaign.status,
            "channels": list(campaign.channels), "selection": campaign.selection,
            "businesses_selected": campaign.target_count,
            "queued_at": campaign.queued_at.isoformat() if campaign.queued_at else None,
            "finished_at": campaign.finished_at.isoformat() if campaign.finished_at else None,
            "paused_channels": [_paused(p) for p in paused]}


@get_only
@token_required
@known_parameters()
def campaign_list_view(request):
    """The campaigns of the officer's province, newest first (at most 500)."""
    campaigns = list(selectors.campaign_list(user=request.api_user)[:500])
    paused = selectors.campaigns_paused_channels(campaigns=campaigns)
    return JsonResponse({"campaigns": [_campaign(c, paused.get(c.pk, [])) for c in campaigns],
                         "brought_online": selectors.brought_online_count()},
                        json_dumps_params={"ensure_ascii": False})


@get_only
@token_required
@known_parameters()
def campaign_funnel_view(request, campaign_id: str):
    """One campaign's funnel: the whole, per channel and per ward (404 for another province's campaign)."""
    if not (campaign_id.isascii() and campaign_id.isdigit()) or not 0 < int(campaign_id) <= 2147483647:
        return _error(404, "not_found", "No campaign with this id: an id is a whole number from 1.")
    campaign = Campaign.objects.filter(pk=int(campaign_id)).first()
    if campaign is None or not selectors.officer_may_see(user=request.api_user, campaign=campaign):
        return _error(404, "not_found", "No campaign with this id.")
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.QUEUING):
        funnel = None
    else:
        funnel = selectors.campaign_funnel(campaign=campaign)
    return JsonResponse({
        "campaign": _campaign(campaign, selectors.campaign_paused_channels(campaign=campaign)),
        "total": _row(funnel.total) if funnel else None,
        "by_channel": [_row(r) for r in funnel.by_channel] if funnel else [],
        "by_ward": [_row(r) for r in funnel.by_ward] if funnel else [],
    }, json_dumps_params={"ensure_ascii": False})


ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
NULLABLE_TIME = {"type": "string", "format": "date-time", "nullable": True}
PAUSED_CHANNEL = {
    "type": "object", "required": ["channel", "label", "reason", "paused_since", "waiting"],
    "description": "A channel of the campaign paused because its provider refused the platform's authorization "
                   "(Zalo refused the Official Account's refresh token) until the operator authorizes it again; "
                   "its messages wait (not failed) and are each sent once when it resumes.",
    "properties": {
        "channel": {"type": "string", "enum": list(Channel.values)}, "label": {"type": "string"},
        "reason": {"type": "string", "description": "The provider's refusal code, e.g. token_-14020."},
        "paused_since": {"type": "string", "format": "date-time"},
        "waiting": {"type": "integer", "minimum": 0,
                    "description": "This campaign's messages waiting on the channel."}}}
CAMPAIGN = {"type": "object", "required": ["id", "name", "status", "channels", "businesses_selected",
                                           "paused_channels"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"},
    "status": {"type": "string", "enum": list(CampaignStatus.values)},
    "channels": {"type": "array", "items": {"type": "string"}}, "selection": {"type": "object"},
    "businesses_selected": {"type": "integer"}, "queued_at": NULLABLE_TIME, "finished_at": NULLABLE_TIME,
    "paused_channels": {"type": "array", "items": {"$ref": "#/components/schemas/PausedChannel"},
                        "description": "Its channels paused for a new authorization; empty when none is (or the "
                                       "campaign is over)."}}}
FUNNEL_ROW = {"type": "object", "required": ["key", "label", "steps"], "properties": {
    "key": {"type": "string"}, "label": {"type": "string"},
    "steps": {"type": "array", "items": {"type": "object", "required": ["step", "count"], "properties": {
        "step": {"type": "string", "enum": list(selectors.STEPS)}, "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "median_hours_from_previous": {"type": "number", "nullable": True}}}}}}


@get_only
def openapi(request):
    """The OpenAPI 3.0 document of the campaigns API (public: it holds no data)."""
    server = request.build_absolute_uri(reverse("outreach:campaign_list")).rsplit("/campaigns/", 1)[0]
    error = {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    unauthorized = {**error, "description": "Missing, unknown, revoked or expired token.",
                    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Đồng Tháp SME outreach campaigns", "version": "1.1.0",
                 "description": "The province's outreach campaigns and each one's funnel: sent, link opened, "
                                "signed up, business confirmed, first product, first live listing, first order; "
                                "each step counts the businesses that reached it and every step before, with the "
                                "median hours from the step before. The same numbers as the campaign page and "
                                "its export."},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from the officers' API tokens page."}},
            "schemas": {"Campaign": CAMPAIGN, "PausedChannel": PAUSED_CHANNEL, "FunnelRow": FUNNEL_ROW, "Error": ERROR},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/campaigns": {"get": {
                "summary": "The province's campaigns",
                "responses": {
                    "200": {"description": "Campaigns, newest first, and how many businesses campaigns brought "
                                           "online", "content": {"application/json": {"schema": {
                                               "type": "object", "required": ["campaigns", "brought_online"],
                                               "properties": {
                                                   "campaigns": {"type": "array",
                                                                 "items": {"$ref": "#/components/schemas/Campaign"}},
                                                   "brought_online": {"type": "integer", "minimum": 0}}}}}},
                    "400": {**error, "description": "An unknown parameter."},
                    "401": unauthorized,
                    "405": {**error, "description": "A method other than GET or HEAD."}}}},
            "/api/v1/campaigns/{campaign_id}/funnel": {"get": {
                "summary": "One campaign's funnel",
                "parameters": [{"name": "campaign_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                "responses": {
                    "200": {"description": "The funnel as a whole, per channel and per ward (empty while the "
                                           "campaign is a draft or being queued)", "content": {
                        "application/json": {"schema": {
                            "type": "object", "required": ["campaign", "total", "by_channel", "by_ward"],
                            "properties": {
                                "campaign": {"$ref": "#/components/schemas/Campaign"},
                                "total": {"allOf": [{"$ref": "#/components/schemas/FunnelRow"}], "nullable": True},
                                "by_channel": {"type": "array", "items": {"$ref": "#/components/schemas/FunnelRow"}},
                                "by_ward": {"type": "array", "items": {"$ref": "#/components/schemas/FunnelRow"}}}}}}},
                    "400": {**error, "description": "An unknown parameter."},
                    "401": unauthorized,
                    "404": {**error, "description": "No campaign with this id in the officer's province."},
                    "405": {**error, "description": "A method other than GET or HEAD."}}}},
        },
    }
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
