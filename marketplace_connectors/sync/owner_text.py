"""What owners read about the shop's work, in their language: refusals, validation problems, the listing's
status history. Every text names the marketplace by the connector's display name."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from ..base import Connector, ValidationProblem
from ..errors import PermanentError, RetryableError
from ..models import ListingStatus, ListingStatusChange, MarketplaceAccount
from ..registry import connector_get

logger = logging.getLogger(__name__)


def marketplace_name(account: MarketplaceAccount) -> str:
    return str(connector_get(account.marketplace).display_name)


def owner_language(account: MarketplaceAccount) -> str:
    """Errors are stored in the language of the owner who connected the shop (Vietnamese by default)."""
    user = account.connected_by
    return (getattr(user, "preferred_language", "") if user else "") or settings.LANGUAGE_CODE


def error_for_owner(exc: Exception, *, connector: Connector) -> str:
    """What the owner reads about a failed call, in their language: the connector's own wording for the
    marketplace's error code when it has one (``Connector.owner_error``), the text a connector raised
    ``PermanentError`` with, or the platform's general wording."""
    code = getattr(exc, "code", "") or ""
    message = getattr(exc, "message", "") or str(exc)
    declared = connector.owner_error(code=code, message=message) if code else ""
    if declared:
        return declared
    name = connector.display_name or _("The marketplace")
    if isinstance(exc, RetryableError):
        return _("%(marketplace)s did not answer in time; we tried several times. Press “Retry failed” to try "
                 "again.") % {"marketplace": name}
    if isinstance(exc, PermanentError) and not code.startswith("error_") and message:
        return message  # already written for the owner by the connector
    return _("%(marketplace)s refused the product: %(detail)s") % {"marketplace": name, "detail": message or code}


def problems_text(problems: Iterable[ValidationProblem]) -> str:
    return "\n".join(p.message for p in problems)


def review_rejection_text(account: MarketplaceAccount, reason: str) -> str:
    name = marketplace_name(account)
    if reason:
        return _("%(marketplace)s rejected the listing: %(reason)s") % {"marketplace": name, "reason": reason}
    return _("%(marketplace)s rejected the listing without giving a reason.") % {"marketplace": name}


def listing_status_record(*, binding_id: int, status: str, reason: str = "") -> None:
    """Add to the listing's status history when ``status`` differs from the last one recorded (the
    intermediate "publishing" and "waiting" states are not history)."""
    if status in (ListingStatus.PUBLISHING, ListingStatus.PENDING):
        return
    last = (ListingStatusChange.objects.filter(listing_id=binding_id).order_by("-changed_at", "-pk")
            .values_list("new_status", flat=True).first())
    if last != status:
        ListingStatusChange.objects.create(listing_id=binding_id, old_status=last or "", new_status=status,
                                           reason=reason[:2000])

