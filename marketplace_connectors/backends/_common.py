"""Small helpers every marketplace backend repeats: pure data shaping for ``mappers.py``,
the HTTP error mapping for ``client.py`` and the owner's error for ``connector.py``.

Only what is the same for every marketplace lives here; what a marketplace words or decides its own way (its
time formats, its envelope, its error codes, the owner's messages naming it) stays in its backend. Each
backend's ``mappers`` module imports the names it uses, so ``mappers.chunks`` and the like keep working.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import requests
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines

from marketplace_connectors.base import ListingDraft
from marketplace_connectors.errors import AmbiguousResultError, PermanentError, RetryableError
from marketplace_connectors.rules import has_variations, money  # noqa: F401 (the backends' mappers take them from here)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: the option name a marketplace shows when the product names none
DEFAULT_VARIATION_NAME = "Phân loại"


# --- settings (conf.py) -----------------------------------------------------------------------------------
def settings_reader(values: Mapping[str, Any]) -> Callable[[str], Any]:
    """``setting(name)`` for a backend's ``conf.py``: the Django setting ``name`` when the project defines one
    (tests and the sandbox point a connector elsewhere that way), else ``values[name]``, which the backend
    reads from the environment (or states as a constant) in its own ``conf.py``."""

    def setting(name: str) -> Any:
        return getattr(settings, name, values[name])

    return setting


# --- data shaping (mappers) -------------------------------------------------------------------------------
def chunks(entries: list, size: int) -> list[list]:
    """``entries`` in consecutive batches of at most ``size`` (a marketplace's batch limit), in order."""
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def variation_name(draft: ListingDraft) -> str:
    """The name of the product's option (e.g. "Khối lượng"), ``DEFAULT_VARIATION_NAME`` when it has none."""
    return (draft.variation_name or DEFAULT_VARIATION_NAME).strip()


def vnd(value: Any) -> int:
    """A marketplace's amount (a number, or a string such as ``"60000.00"``) as whole VND; 0 when it is
    missing or not a number. VND has no decimals."""
    try:
        return int(round(float(value or 0)))
    except (TypeError, ValueError):
        return 0


def unix_time(value: Any) -> dt.datetime:
    """Unix seconds (int or numeric string) as an aware UTC datetime; ``EPOCH`` when missing or invalid."""
    try:
        return dt.datetime.fromtimestamp(int(value or 0), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return EPOCH


def parse_time_formats(value: Any, formats: Iterable[str], *, naive_tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """``value`` read with the first of ``formats`` (``strptime``) that fits; a result without an offset
    gets ``naive_tz`` when given. None when empty or when no format fits."""
    if not value:
        return None
    text = str(value).strip()
    for fmt in formats:
        try:
            moment = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return moment.replace(tzinfo=naive_tz) if naive_tz is not None and moment.tzinfo is None else moment
    return None


def html_paragraphs(text: str) -> str:
    """Our description as escaped HTML paragraphs, one per line: tags (outside images with them) are dropped,
    entities read once and escaped again."""
    plain = normalize_newlines(strip_tags(text.replace("</p>", "</p>\n").replace("<br>", "\n")))
    lines = [html.escape(html.unescape(line.strip()), quote=False) for line in plain.split("\n")]
    return "".join(f"<p>{line}</p>" for line in lines if line)


def content_digest(content: Mapping[str, Any]) -> str:
    """A stable SHA-256 of what a listing update would send (keys sorted), for ``content_hash``: equal
    digests mean there is nothing to update."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- errors (clients and connectors) ----------------------------------------------------------------------
@contextlib.contextmanager
def transport_errors(path: str, *, marketplace: str) -> Iterator[None]:
    """Around one request: what ``requests`` raises becomes an errors.py kind. A connect timeout is
    ``RetryableError`` (nothing was sent); a read timeout, a broken body or a lost connection is
    ``AmbiguousResultError`` (the marketplace may have acted). ``marketplace`` names it in the message
    ("no answer from Lazada for /product/create")."""
    try:
        yield
    except requests.ConnectTimeout as exc:  # nothing was sent
        raise RetryableError(f"connect timeout on {path}", code="connect_timeout") from exc
    except (requests.ReadTimeout, requests.exceptions.ChunkedEncodingError) as exc:
        raise AmbiguousResultError(f"no answer from {marketplace} for {path}", code="read_timeout") from exc
    except requests.ConnectionError as exc:
        raise AmbiguousResultError(f"connection error on {path}", code="connection") from exc


def json_payload(response: requests.Response) -> Any:
    """The response body as JSON; None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def json_object(path: str, response: requests.Response) -> dict:
    """The body of a marketplace answering with a JSON object envelope. Anything else is
    ``RetryableError`` on HTTP 429 and 5xx (a gateway's error page), ``PermanentError`` otherwise."""
    payload = json_payload(response)
    if isinstance(payload, dict):
        return payload
    status = response.status_code
    if status == 429 or status >= 500:
        raise RetryableError(f"HTTP {status} on {path}", code=f"http_{status}")
    raise PermanentError(f"HTTP {status} without JSON on {path}", code=f"http_{status}")


def owner_error(*, marketplace: str, code: str, detail: str, messages: Mapping[str, str], fallback: str,
                request_id: str = "") -> PermanentError:
    """A marketplace's refusal as a ``PermanentError`` in the owner's language: the (translated) message for
    ``code`` when there is one, else ``fallback``; either gets ``detail`` where it says ``%(detail)s``. Its
    code is ``<marketplace>_<code>``."""
    text = messages.get(code) or fallback
    if "%(detail)s" in text:
        text = text % {"detail": detail}
    return PermanentError(text, code=f"{marketplace}_{code}", request_id=request_id)
