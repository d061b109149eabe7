"""The id of the web request (or Celery task) this thread works for, carried into logs and enqueued tasks."""

from __future__ import annotations

import contextvars
import re
import uuid

# Headers every Celery message carries (config.worker_health): when it was enqueued, and by which request.
ENQUEUED_AT_HEADER = "enqueued_at"
REQUEST_ID_HEADER = "request_id"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# An id sent by a proxy (X-Request-ID) is kept only when it looks like one: no log injection.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """The proxy's X-Request-ID when it is a plain token, else a fresh one."""
    if incoming and _SAFE_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def set_request_id(value: str | None) -> None:
    _request_id.set(value)


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sends a plain one): in every log line
    of the request and of the tasks it enqueues (config.worker_health), and in the X-Request-ID answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        token = _request_id.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter:
    """Adds ``request_id`` to every log record (empty outside a request or task)."""

    def filter(self, record) -> bool:
        record.request_id = _request_id.get() or ""
        return True
