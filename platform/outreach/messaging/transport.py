"""One POST of JSON to a provider through the platform's outbound session factory, with what ``requests``
raises turned into the messaging errors (the same policy as the marketplace clients)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from marketplace_connectors.http import DestinationRefused, session_create

from .base import AmbiguousSendError, ProviderNotConfigured, RetryableSendError


def post_json(*, provider: str, name: str, url: str, body: Mapping[str, Any], headers: Mapping[str, str],
              session: requests.Session | None = None) -> requests.Response:
    """POST ``body`` as JSON to ``url``. A connect timeout is ``RetryableSendError`` (nothing was sent); a read
    timeout or a lost connection is ``AmbiguousSendError`` (the provider may have sent the message); an
    address the platform never calls (not public https) is ``ProviderNotConfigured``. ``name`` is the
    provider's name for the messages."""
    return _post(provider=provider, name=name, url=url, session=session, json=dict(body),
                 headers={"Content-Type": "application/json", **headers})


def post_form(*, provider: str, name: str, url: str, fields: Mapping[str, str], headers: Mapping[str, str],
              session: requests.Session | None = None) -> requests.Response:
    """POST ``fields`` form-encoded (``application/x-www-form-urlencoded``) to ``url``; errors as
    ``post_json``."""
    return _post(provider=provider, name=name, url=url, session=session, data=dict(fields),
                 headers={"Content-Type": "application/x-www-form-urlencoded", **headers})


def get_json(*, provider: str, name: str, url: str, params: Mapping[str, str],
             session: requests.Session | None = None) -> requests.Response:
    """GET ``url`` with the query ``params``; errors as ``post_json`` (a read asks nothing to be sent, so an
    unanswered one is only retryable for the caller)."""
    return _post(provider=provider, name=name, url=url, session=session, method="GET", params=dict(params),
                 headers={"Accept": "application/json"})


def _post(*, provider: str, name: str, url: str, session: requests.Session | None, headers: dict,
          method: str = "POST", **body: Any) -> requests.Response:
    session = session or session_create(marketplace=provider)
    try:
        return session.request(method, url, headers=headers, **body)
    except DestinationRefused as exc:
        raise ProviderNotConfigured(f"Địa chỉ API của {name} không dùng được ({exc.reason}).",
                                    code="address_refused", provider=provider) from exc
    except requests.ConnectTimeout as exc:
        raise RetryableSendError(f"Không kết nối được {name}.", code="connect_timeout", provider=provider) from exc
    except (requests.ReadTimeout, requests.exceptions.ChunkedEncodingError) as exc:
        raise AmbiguousSendError(f"{name} không trả lời kịp.", code="read_timeout", provider=provider) from exc
    except requests.ConnectionError as exc:
        raise AmbiguousSendError(f"Kết nối tới {name} bị ngắt.", code="connection", provider=provider) from exc
