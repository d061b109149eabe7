"""The audit trail of personal-data access: one service to write it, one selector to read it.

Every floor may call it (accounts is at the bottom). Each event is also written to the ``audit`` logger, so
it reaches the JSON logs too.
"""

import logging
from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import AuditAction, AuditEvent, User

logger = logging.getLogger("audit")


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:  # allauth's reading of the address: the trusted proxy header in production (see settings)
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def audit_record(*, action: AuditAction, actor: User | None, target: str = "", details: dict[str, Any] | None = None,
                 request: HttpRequest | None = None) -> AuditEvent:
    """Record that ``actor`` did ``action`` on ``target`` (with ``details``), from ``request``'s address.

    Call it before the data leaves (an export that fails afterwards is still recorded as attempted).
    Not idempotent: each call is one event.
    """
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action, target=target[:255], details=details or {}, ip_address=_client_ip(request),
    )
    logger.info("audit %s by %s on %s", action, event.actor_email or "-", event.target,
                extra={"audit_action": str(action), "audit_actor": event.actor_email, "audit_target": event.target})
    return event


def audit_events(*, action: AuditAction | None = None, actor: User | None = None) -> QuerySet[AuditEvent]:
    """Audit events, newest first, optionally of one action and one actor."""
    events = AuditEvent.objects.select_related("actor")
    if action is not None:
        events = events.filter(action=action)
    if actor is not None:
        events = events.filter(actor=actor)
    return events
