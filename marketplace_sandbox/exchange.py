"""What passes between a sandbox marketplace and the code around it: the request as received, the answer, the
faults to inject, the call log and the pushes it delivers. Plain data, used by ``marketplace_sandbox.base``
and by each marketplace's simulator."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs

__all__ = ["Call", "Delivery", "Faults", "PushAttempt", "Request", "Response", "UploadedFile"]


@dataclass
class Faults:
    """Faults for the next requests, consumed in this order: ``status_429``, ``status_5xx``, ``timeouts``,
    ``drops`` (each counter is the number of requests still to get that fault).

    - 429 / 5xx: answered at once without acting (the subclass's ``fault_response`` gives the body);
    - timeout: the request acts (``act_before_hang``) and the answer is held ``hang_seconds``, longer than
      the client waits, so the client cannot know the marketplace acted; without ``act_before_hang`` it
      hangs and then answers 504 without acting;
    - drop: the request acts, then the connection is closed with no answer.

    When no counter is left, the shares are probabilities per request, drawn in this order from a generator
    seeded with ``seed`` when the faults are set: ``share_429``, ``share_5xx``, ``timeout_share``.

    ``latency`` delays every request; ``paths`` limits all of it to those paths (empty: every request the
    subclass counts as ``faultable``).
    """

    status_429: int = 0
    status_5xx: int = 0
    timeouts: int = 0
    drops: int = 0
    status_code_5xx: int = 503
    hang_seconds: float = 2.0
    act_before_hang: bool = True
    latency: float = 0.0
    paths: frozenset[str] = frozenset()
    share_429: float = 0.0
    share_5xx: float = 0.0
    timeout_share: float = 0.0
    seed: int = 7


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class Request:
    """One request as received. ``path`` has no query string; ``query`` keeps repeated parameters."""

    method: str
    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def param(self, name: str, default: str = "") -> str:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str = "") -> str:
        """A header, case-insensitively."""
        value = self.headers.get(name)
        return default if value is None else str(value)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case (``multipart/form-data``, ``application/json``)."""
        return self.header("Content-Type").split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def form(self) -> dict[str, list[str]]:
        """An ``application/x-www-form-urlencoded`` body."""
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def multipart(self) -> tuple[dict[str, str], dict[str, UploadedFile]]:
        """A ``multipart/form-data`` body as (text fields, files by field name)."""
        return self._multipart

    @cached_property
    def _multipart(self) -> tuple[dict[str, str], dict[str, UploadedFile]]:
        fields: dict[str, str] = {}
        files: dict[str, UploadedFile] = {}
        if self.content_type != "multipart/form-data" or not self.body:
            return fields, files
        head = b"Content-Type: " + self.header("Content-Type").encode("latin-1") + b"\r\n\r\n"
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition") or ""
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = UploadedFile(filename=part.get_filename(), content_type=part.get_content_type(),
                                           content=payload)
            else:
                fields[name] = payload.decode("utf-8")
        return fields, files


@dataclass
class Response:
    """An answer. ``code`` is the marketplace's error code (or "" on success), recorded in the call log."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    code: str = ""

    @classmethod
    def json(cls, data: Any, *, status: int = 200, code: str = "", headers: dict[str, str] | None = None) -> Response:
        """JSON as UTF-8, not ``\\u``-escaped (what the marketplaces send)."""
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status=status, body=body, headers=dict(headers or {}), code=code)


@dataclass(frozen=True)
class Call:
    """One answered request in the call log (a dropped connection is logged with status 0). It also unpacks
    and indexes as ``(path, status, code)``, the log entry of the first simulators."""

    method: str
    path: str
    status: int
    code: str
    fault: str = ""  # "429", "5xx", "timeout", "drop" when injected

    def __iter__(self):
        return iter((self.path, self.status, self.code))

    def __getitem__(self, index):
        return (self.path, self.status, self.code)[index]


@dataclass
class Delivery:
    """One push and its delivery attempts: ``attempts`` holds each HTTP status (0: no answer)."""

    url: str
    body: bytes
    headers: dict[str, str]
    attempts: list[int] = field(default_factory=list)
    replies: list[bytes] = field(default_factory=list)  # the body of each answer (b"": none)
    delivered: bool = False
    given_up: bool = False

    @property
    def done(self) -> bool:
        return self.delivered or self.given_up

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class PushAttempt:
    """One attempt to deliver a push: what was sent and how the receiver answered (status 0: no answer)."""

    body: bytes
    signature: str  # the Authorization header sent
    attempt: int  # from 1
    status: int
    response_body: bytes
    acknowledged: bool


