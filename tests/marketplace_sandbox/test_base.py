"""The simulator skeleton every marketplace simulator builds on: serving, parsing, faults, limits, pushes."""

import hashlib
import hmac
import threading

import pytest
import requests

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Request, Response


class Echo(SimulatorServer):
    """A tiny marketplace: /count adds one to a counter (so faults that act can be seen), /echo tells what it parsed."""

    name = "echo"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.counter = 0

    def handle(self, request: Request) -> Response:
        if request.path == "/count":
            with self.lock:
                self.counter += 1
            return Response.json({"counter": self.counter})
        if request.path == "/limited":
            if self.rate_limit_exceeded(f"shop:{request.param('shop')}", limit=3):
                return Response.json({"code": "busy"}, status=429, code="busy")
            return Response.json({"code": 0})
        if request.path == "/echo":
            fields, files = request.multipart()
            body = None
            if request.content_type == "application/json":
                body = request.json()
            elif request.content_type == "application/x-www-form-urlencoded":
                body = request.form()
            return Response.json({
                "method": request.method, "query": request.query, "body": body, "fields": fields,
                "files": {k: [f.filename, f.content.decode()] for k, f in files.items()},
                "token": request.header("x-TOKEN"),
            })
        return Response.json({"code": "not_found"}, status=404, code="not_found")

    def faultable(self, request: Request) -> bool:
        return request.path != "/echo"

    def push_headers(self, body: bytes) -> dict[str, str]:
        return {"Authorization": hmac.new(b"secret", body, hashlib.sha256).hexdigest()}


class Receiver(SimulatorServer):
    """Our side of a push: answers the first ``failures`` deliveries with 500, the rest with 200."""

    name = "receiver"

    def __init__(self, *, failures: int = 0) -> None:
        super().__init__()
        self.failures = failures
        self.received: list[tuple[bytes, str]] = []

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.received.append((request.body, request.header("Authorization")))
            if len(self.received) <= self.failures:
                return Response(status=500)
        return Response(status=200)


@pytest.fixture
def echo():
    with Echo() as sim:
        yield sim


def test_it_serves_on_a_free_loopback_port_and_parses_query_json_form_and_multipart(echo):
    assert echo.url.startswith("http://127.0.0.1:") and not echo.url.endswith(":0")
    # query (repeated values kept) and JSON in UTF-8
    answer = requests.post(f"{echo.url}/echo?a=1&a=2&b=", data='{"tên":"Gạo ST25"}'.encode(),
                           headers={"Content-Type": "application/json", "X-Token": "t1"}, timeout=5).json()
    assert answer["query"] == {"a": ["1", "2"], "b": [""]}
    assert answer["body"] == {"tên": "Gạo ST25"} and answer["token"] == "t1" and answer["method"] == "POST"
    # form
    answer = requests.put(f"{echo.url}/echo", data={"x": "Sen Đồng Tháp"}, timeout=5).json()
    assert answer["body"] == {"x": ["Sen Đồng Tháp"]} and answer["method"] == "PUT"
    # multipart: fields and files
    answer = requests.post(f"{echo.url}/echo", data={"use_case": "MAIN_IMAGE"},
                           files={"data": ("anh.png", b"PNGDATA", "image/png")}, timeout=5).json()
    assert answer["fields"] == {"use_case": "MAIN_IMAGE"} and answer["files"] == {"data": ["anh.png", "PNGDATA"]}


def test_the_next_requests_get_429_then_5xx_without_acting_and_are_logged(echo):
    echo.set_faults(status_429=2, status_5xx=1)
    statuses = [requests.get(f"{echo.url}/count", timeout=5).status_code for _ in range(4)]
    assert statuses == [429, 429, 503, 200]
    assert echo.counter == 1  # only the last request acted
    assert [c.fault for c in echo.calls] == ["429", "429", "5xx", ""]
    assert echo.count(path="/count", status=429) == 2 and echo.count(status=200) == 1


def test_faults_spare_requests_the_simulator_excludes_and_paths_not_chosen(echo):
    echo.set_faults(status_429=1, paths=frozenset({"/count"}))
    assert requests.get(f"{echo.url}/limited", timeout=5).status_code == 200  # not a chosen path
    assert requests.get(f"{echo.url}/echo", timeout=5).status_code == 200  # not faultable
    assert requests.get(f"{echo.url}/count", timeout=5).status_code == 429
    assert echo.faults.status_429 == 0


def test_a_timeout_acts_but_the_client_hears_nothing_in_time(echo):
    echo.set_faults(timeouts=1, hang_seconds=1.0)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{echo.url}/count", timeout=0.3)
    assert echo.counter == 1  # the marketplace acted


def test_a_timeout_before_acting_leaves_the_state_alone(echo):
    echo.set_faults(timeouts=1, hang_seconds=0.6, act_before_hang=False)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{echo.url}/count", timeout=0.2)
    assert echo.counter == 0


def test_a_dropped_connection_acts_and_answers_nothing(echo):
    echo.set_faults(drops=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{echo.url}/count", timeout=5)
    assert echo.counter == 1
    assert echo.calls[-1].status == 0 and echo.calls[-1].fault == "drop"
    assert requests.get(f"{echo.url}/count", timeout=5).json() == {"counter": 2}  # the server goes on


def test_the_rate_limit_window_is_per_key_and_slides(echo):
    statuses = [requests.get(f"{echo.url}/limited?shop=1", timeout=5).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert requests.get(f"{echo.url}/limited?shop=2", timeout=5).status_code == 200  # another key
    assert echo.count(path="/limited", code="busy") == 1


def test_the_window_frees_up_after_it_slides():
    with Echo() as sim:
        assert [sim.rate_limit_exceeded("k", limit=2, window=0.2) for _ in range(3)] == [False, False, True]
        threading.Event().wait(0.25)
        assert sim.rate_limit_exceeded("k", limit=2, window=0.2) is False


def test_after_call_sees_each_answer(echo):
    seen = []
    echo.after_call = lambda request, response: seen.append((request.path, response.status))
    requests.get(f"{echo.url}/count", timeout=5)
    requests.get(f"{echo.url}/nowhere", timeout=5)
    assert seen == [("/count", 200), ("/nowhere", 404)]


def test_the_clock_advances_on_request():
    with Echo() as sim:
        before = sim.now()
        sim.advance(3600)
        assert sim.now() - before >= 3600


def test_a_push_is_signed_and_retried_until_the_receiver_acknowledges_it():
    with Receiver(failures=2) as receiver, Echo(push_url=None, push_retry_delays=(0.05, 0.05, 0.05)) as sim:
        assert sim.push({"type": 5}) is None  # no push URL: nothing sent
        sim.push_url = f"{receiver.url}/push"
        delivery = sim.push({"type": 5, "tên": "Gạo"})
        sim.wait_for_deliveries(timeout=5)
        assert delivery.attempts == [500, 500, 200] and delivery.delivered
        body, signature = receiver.received[-1]
        assert body == '{"type":5,"tên":"Gạo"}'.encode()
        assert signature == hmac.new(b"secret", body, hashlib.sha256).hexdigest()


def test_a_push_is_given_up_after_the_last_retry():
    with Receiver(failures=10) as receiver, Echo(push_retry_delays=(0.05, 0.05)) as sim:
        sim.push_url = f"{receiver.url}/push"
        delivery = sim.push(b'{"raw":true}')
        sim.wait_for_deliveries(timeout=5)
        assert delivery.attempts == [500, 500, 500] and delivery.given_up and not delivery.delivered
        assert len(receiver.received) == 3


def test_a_push_to_a_closed_port_counts_as_no_answer():
    with Receiver() as gone:
        url = f"{gone.url}/push"
    with Echo(push_url=url, push_retry_delays=(0.05,)) as sim:
        delivery = sim.push({"a": 1})
        sim.wait_for_deliveries(timeout=10)
        assert delivery.attempts == [0, 0] and delivery.given_up
