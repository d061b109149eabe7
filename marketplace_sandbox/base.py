"""The skeleton every marketplace simulator is built on: an extension point for ``marketplace_sandbox/<code>/``.

A simulator is the marketplace, run locally: a real HTTP server (threaded, loopback by default) so the
connector's HTTP code, timeouts and retries are exercised for real in tests, in the contract suite and in
the ``make run`` sandbox. What every marketplace shares lives here; what is the marketplace's own (signing,
envelope, error codes, catalog and order state) lives in the subclass.

To build one, subclass ``SimulatorServer`` and implement ``handle(request) -> Response``::

    class AcmeSimulator(SimulatorServer):
        name = "acme"

        def handle(self, request: Request) -> Response:
            if self.rate_limit_exceeded(f"shop:{request.param('shop')}", limit=50):
                return Response.json({"code": "TooMany"}, status=429, code="TooMany")
            ...
            return Response.json({"code": 0, "data": {...}})

        def fault_response(self, kind: str, request: Request) -> Response:  # optional: the marketplace's own
            ...                                                              # 429 / 5xx bodies

        def push_headers(self, body: bytes) -> dict[str, str]:  # optional: sign outbound pushes
            return {"Authorization": hmac_hex(self.secret, body)}

What the base gives every subclass (the stable API; keep it small):

- lifecycle: ``start()`` (returns self), ``stop()``, ``url``, context manager; ``host``/``port`` given, or a
  free loopback port;
- a clock: ``now()`` and ``advance(seconds)`` (tokens, codes and audits age; request timestamps are checked
  by subclasses against the real clock so callers' signatures stay valid);
- request parsing: ``Request`` with the query, headers, raw body, ``json()``, ``form()``, ``multipart()``;
- fault injection: ``set_faults(...)`` with a ``Faults`` whose counters make the *next N* requests answer
  HTTP 429, HTTP 5xx, time out (hang, after acting by default) or drop the connection after acting, and
  whose shares make a seeded random part of them answer 429, 5xx or time out. Faults strike before
  ``handle``; a subclass whose gateway checks come first (signature, token, rate limit) sets
  ``faults_in_handle`` and calls ``inject_faults(request)`` where they end;
- ``rate_limit_exceeded(key, limit=, window=)``: a sliding-window limiter per key (real clock);
- a call log: ``calls`` (``Call`` per answered request, also unpacking as ``(path, status, code)``) and
  ``count(path=, status=, code=)``; an optional ``after_call(request, response)`` hook tests use to change
  state mid-run (``logged`` leaves requests out of the log, ``call_answered`` calls ``after_call``);
- ``path_prefix``: a gateway prefix (Lazada's ``/rest``) taken off request paths before anything sees them;
- outbound pushes: set ``push_url`` and call ``push(payload)``; a background thread POSTs it with the
  subclass's ``push_headers(body)``, retrying a delivery not answered as ``push_accepted`` says after each
  of ``push_retry_delays``; ``deliveries`` records every attempt and ``wait_for_deliveries()`` waits for them.
  With ``push_in_order`` one push is delivered (or given up) before the next leaves, as Shopee and Lazada
  send them; ``push_deliveries`` lists every attempt and ``wait_for_pushes()`` waits without raising.

- the "place a test order" page at ``buyer_orders.BUYER_ORDER_PATH`` for a subclass that offers
  ``buyer_orders.BuyerShop`` (its shops and what they sell; the order goes through its ``create_order``).

A ``threading.RLock`` is at ``self.lock``: subclasses take it around their state.
"""

from __future__ import annotations

import collections
import contextlib
import heapq
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .buyer_orders import BUYER_ORDER_PATH, buyer_order_page
from .exchange import Call, Delivery, Faults, PushAttempt, Request, Response

__all__ = ["SimulatorServer"]


class _InjectedFault(Exception):  # noqa: N818 - not an error: unwinds ``handle`` to answer a fault
    def __init__(self, kind: str, hang: float) -> None:
        super().__init__(kind)
        self.kind, self.hang = kind, hang


class SimulatorServer:
    """Base of every marketplace simulator (see the module docstring). Subclasses implement ``handle``."""

    #: short name, used for the server thread and the Server header
    name: str = "simulator"
    #: taken off the start of request paths (``/rest``: ``/rest/seller/get`` is served as ``/seller/get``)
    path_prefix: str = ""
    #: False: injected faults strike before ``handle``; True: where ``handle`` calls ``inject_faults``
    faults_in_handle: bool = False
    #: True: one push at a time, its retries before the next push leaves (pushes keep their order)
    push_in_order: bool = False

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, push_url: str | None = None,
                 push_retry_delays: Sequence[float] = (0.2, 0.5, 1.0), push_timeout: float = 3.0) -> None:
        self.lock = threading.RLock()
        self.faults = Faults()
        self.calls: list[Call] = []
        #: called with (request, response) after each answered request; tests use it to act mid-run
        self.after_call: Callable[[Request, Response], None] | None = None
        self.push_url = push_url
        self.push_retry_delays = tuple(push_retry_delays)
        self.push_timeout = push_timeout
        self.deliveries: list[Delivery] = []
        self._clock_offset = 0.0
        self._fault_rng = random.Random(self.faults.seed)  # noqa: S311 - fault injection, not security
        self._fault_taken = threading.local()
        self._windows: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._push_queue: list[tuple[float, int, Delivery]] = []  # heap of (due, seq, delivery)
        self._push_seq = 0
        self._push_cond = threading.Condition()
        self._push_thread: threading.Thread | None = None
        self._stopping = False
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self._thread: threading.Thread | None = None

    # --- what subclasses implement ----------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Answer one request as the marketplace would. Runs on the server's request thread."""
        raise NotImplementedError

    def faultable(self, request: Request) -> bool:
        """Whether injected faults apply to this request (override to spare, say, a consent page)."""
        return True

    def fault_response(self, kind: str, request: Request) -> Response:
        """The answer to an injected fault, ``kind`` "429", "5xx" or "timeout" (after a hang without
        acting). Override to answer in the marketplace's own envelope."""
        status = {"429": 429, "5xx": self.faults.status_code_5xx, "timeout": 504}[kind]
        return Response.json({"error": f"injected_{kind}", "message": f"injected fault: {kind}"}, status=status,
                             code=f"injected_{kind}")

    def push_headers(self, body: bytes) -> dict[str, str]:
        """Headers for an outbound push with this exact body (override to sign it)."""
        return {}

    def push_accepted(self, status: int, body: bytes) -> bool:
        """Whether the receiver acknowledged a push (override for stricter rules, e.g. an empty body)."""
        return 200 <= status < 300

    def logged(self, request: Request, response: Response | None) -> bool:
        """Whether this exchange goes into the call log (override to leave out, say, a consent page)."""
        return True

    def call_answered(self, request: Request, response: Response, call: Call) -> None:
        """Runs after each answered, logged request; calls ``after_call(request, response)`` (override to
        give it other arguments)."""
        if self.after_call is not None:
            self.after_call(request, response)

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        """Serve in a background thread and start the push sender; returns self."""
        self._stopping = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"{self.name}-sim", daemon=True)
        self._thread.start()
        self._push_thread = threading.Thread(target=self._push_loop, name=f"{self.name}-push", daemon=True)
        self._push_thread.start()
        return self

    def stop(self) -> None:
        """Stop sending, then serving (pending push retries are dropped); idempotent. A push already on its
        way is let finish first, since the platform answering it calls this server back (WooCommerce: GET the
        order) and would otherwise find it closed."""
        with self._push_cond:
            self._stopping = True
            self._push_cond.notify_all()
        if self._push_thread is not None:
            self._push_thread.join(timeout=self.push_timeout + 1)
            self._push_thread = None
        if self._thread is not None:
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- clock -------------------------------------------------------------------------------------
    def now(self) -> float:
        """The simulator's clock (Unix seconds): the real one plus whatever ``advance`` added."""
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the simulator's clock forward: what it dates (tokens, codes, audits) ages."""
        with self.lock:
            self._clock_offset += seconds

    # --- faults and limits ---------------------------------------------------------------------------
    def set_faults(self, **kwargs) -> Faults:
        """Replace the faults (``Faults`` fields as keywords) and reseed the shares' generator;
        ``set_faults()`` clears them."""
        with self.lock:
            self.faults = Faults(**kwargs)
            self._fault_rng = random.Random(self.faults.seed)  # noqa: S311 - fault injection, not security
            return self.faults

    def inject_faults(self, request: Request) -> None:
        """Where injected faults strike: waits the latency, then takes the next fault for this request. A
        fault answered without acting (429, 5xx, a timeout before acting) unwinds ``handle``; one that acts
        (a timeout after acting, a drop) is applied to its answer. Called before ``handle``, or by
        ``handle`` itself when ``faults_in_handle`` is set."""
        if not self.faultable(request):
            return
        faults = self.faults
        if faults.paths and request.path not in faults.paths:
            return
        if faults.latency:
            time.sleep(faults.latency)
        kind = self._take_fault()
        hang = faults.hang_seconds if kind == "timeout" else 0.0
        if kind in ("429", "5xx") or (kind == "timeout" and not faults.act_before_hang):
            raise _InjectedFault(kind, hang)
        self._fault_taken.kind, self._fault_taken.hang = kind, hang

    def _take_fault(self) -> str:
        with self.lock:
            faults = self.faults
            for attr, kind in (("status_429", "429"), ("status_5xx", "5xx"), ("timeouts", "timeout"), ("drops", "drop")):
                if getattr(faults, attr) > 0:
                    setattr(faults, attr, getattr(faults, attr) - 1)
                    return kind
            if not (faults.share_429 or faults.share_5xx or faults.timeout_share):
                return ""
            roll = self._fault_rng.random()
            for share, kind in ((faults.share_429, "429"), (faults.share_5xx, "5xx"), (faults.timeout_share, "timeout")):
                if roll < share:
                    return kind
                roll -= share
            return ""

    def rate_limit_exceeded(self, key: str, *, limit: float, window: float = 1.0) -> bool:
        """Count one request under ``key``; True (and not counted) when ``limit`` requests were already
        counted in the last ``window`` seconds (real clock)."""
        with self.lock:
            now = time.monotonic()
            times = self._windows[key]
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                return True
            times.append(now)
            return False

    # --- call log ----------------------------------------------------------------------------------
    def count(self, *, path: str | None = None, status: int | None = None, code: str | None = None) -> int:
        """How many logged calls match every criterion given."""
        with self.lock:
            return sum(1 for c in self.calls if (path is None or c.path == path)
                       and (status is None or c.status == status) and (code is None or c.code == code))

    def _log(self, request: Request, response: Response | None, fault: str = "") -> None:
        if not self.logged(request, response):
            return
        call = Call(method=request.method, path=request.path, status=response.status if response else 0,
                    code=response.code if response else "", fault=fault)
        with self.lock:
            self.calls.append(call)
        if response is not None:
            self.call_answered(request, response, call)

    # --- one request (called by the handler) ---------------------------------------------------------
    def _serve(self, request: Request) -> tuple[Response | None, float]:
        """The answer (None: drop the connection) and how long to hold it back."""
        self._fault_taken.kind, self._fault_taken.hang = "", 0.0
        if request.path == BUYER_ORDER_PATH:  # the buyer's browser: no fault, no rate limit, not logged
            return buyer_order_page(self, request), 0.0
        try:
            if not self.faults_in_handle:
                self.inject_faults(request)
            response = self.handle(request)
        except _InjectedFault as injected:
            response = self.fault_response(injected.kind, request)
            self._log(request, response, injected.kind)
            return response, injected.hang
        fault, hang = self._fault_taken.kind, self._fault_taken.hang
        if fault == "drop":
            self._log(request, None, fault)
            return None, 0.0
        self._log(request, response, fault)
        return response, hang

    # --- outbound pushes -----------------------------------------------------------------------------
    def push(self, payload: bytes | Mapping | list, *, headers: Mapping[str, str] | None = None) -> Delivery | None:
        """Queue a push to ``push_url`` (None when no push URL is set). ``payload`` is sent as is when
        bytes, otherwise as compact UTF-8 JSON; ``push_headers(body)`` signs it."""
        if not self.push_url:
            return None
        if urlsplit(self.push_url).scheme not in ("http", "https"):
            raise ValueError(f"push_url must be an http(s) URL: {self.push_url!r}")
        body = payload if isinstance(payload, bytes) else json.dumps(
            payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        all_headers = {"Content-Type": "application/json", **self.push_headers(body), **dict(headers or {})}
        delivery = Delivery(url=self.push_url, body=body, headers=all_headers)
        with self.lock:
            self.deliveries.append(delivery)
        self._schedule(delivery, 0.0)
        return delivery

    def wait_for_deliveries(self, *, count: int | None = None, timeout: float = 5.0) -> list[Delivery]:
        """Wait until ``count`` deliveries (default: every one queued so far) are delivered or given up."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                deliveries = list(self.deliveries)
            wanted = len(deliveries) if count is None else count
            if len(deliveries) >= wanted and all(d.done for d in deliveries[:wanted]):
                return deliveries
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: pushes not done after {timeout} s")
            time.sleep(0.02)

    def wait_for_pushes(self, timeout: float = 10.0) -> None:
        """Block until every push queued so far is delivered or given up, or ``timeout`` passes (no error)."""
        with contextlib.suppress(TimeoutError):
            self.wait_for_deliveries(timeout=timeout)

    @property
    def push_attempts(self) -> int:
        """How many times one push is tried at the most."""
        return 1 + len(self.push_retry_delays)

    @property
    def push_deliveries(self) -> list[PushAttempt]:
        """Every delivery attempt so far, push after push (in the order sent when ``push_in_order``)."""
        with self.lock:
            return [PushAttempt(body=d.body, signature=d.headers.get("Authorization", ""), attempt=n, status=status,
                                response_body=reply, acknowledged=d.delivered and n == len(d.attempts))
                    for d in self.deliveries
                    for n, (status, reply) in enumerate(zip(d.attempts, d.replies, strict=True), start=1)]

    def _schedule(self, delivery: Delivery, delay: float) -> None:
        with self._push_cond:
            self._push_seq += 1
            heapq.heappush(self._push_queue, (time.monotonic() + delay, self._push_seq, delivery))
            self._push_cond.notify_all()

    def _push_loop(self) -> None:
        while True:
            with self._push_cond:
                while not self._stopping and (not self._push_queue or self._push_queue[0][0] > time.monotonic()):
                    wait = self._push_queue[0][0] - time.monotonic() if self._push_queue else None
                    self._push_cond.wait(timeout=wait)
                if self._stopping:
                    return
                _due, _seq, delivery = heapq.heappop(self._push_queue)
            self._deliver(delivery)

    def _deliver(self, delivery: Delivery) -> None:
        while True:
            status, body = self._send(delivery)
            with self.lock:
                delivery.attempts.append(status)
                delivery.replies.append(body)
                if status and self.push_accepted(status, body):
                    delivery.delivered = True
                    return
                retries_done = len(delivery.attempts) - 1
                if retries_done >= len(self.push_retry_delays):
                    delivery.given_up = True
                    return
                delay = self.push_retry_delays[retries_done]
            if not self.push_in_order:
                self._schedule(delivery, delay)
                return
            with self._push_cond:  # the next push waits for this one's retries
                if self._push_cond.wait_for(lambda: self._stopping, timeout=delay):
                    return

    def _send(self, delivery: Delivery) -> tuple[int, bytes]:
        """One POST of the push: the answer's status (0: none) and body."""
        # The simulator plays the marketplace here, not our platform: plain urllib, no session factory.
        request = urllib.request.Request(delivery.url, data=delivery.body, headers=delivery.headers,  # noqa: S310 - push() checks the scheme
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.push_timeout) as answer:  # noqa: S310 - push_url is set by tests/sandbox
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read() or b""
        except (urllib.error.URLError, OSError):
            return 0, b""


def _handler_for(sim: SimulatorServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"{sim.name.capitalize()}Sandbox/1"
        # headers and body leave in two writes: without this, Nagle's algorithm and the client's delayed ACK
        # hold every answer back about 40 ms
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            path = parts.path
            if sim.path_prefix and path.startswith(sim.path_prefix + "/"):
                path = path[len(sim.path_prefix):]
            request = Request(method=self.command, path=path, raw_query=parts.query,
                              query=parse_qs(parts.query, keep_blank_values=True), headers=self.headers, body=body)
            response, hang = sim._serve(request)
            if response is None:  # an injected drop: the request acted, the client hears nothing
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if hang:
                time.sleep(hang)
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815

        def log_message(self, format, *args) -> None:  # noqa: A002 - quiet: query strings carry signatures
            return

    return Handler
