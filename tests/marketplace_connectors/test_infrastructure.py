"""Token encryption and rotation, the HTTP session factory, and the shared rate limiter."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from marketplace_connectors import crypto, http, ratelimit
from marketplace_connectors.models import MarketplaceAccount

from .factories import AccountFactory


@pytest.fixture
def keys(settings):
    def use(*values, allow_dev=False):
        settings.MARKETPLACE_TOKEN_KEYS = list(values)
        settings.MARKETPLACE_ALLOW_DEV_TOKEN_KEY = allow_dev
        crypto._fernet.cache_clear()
    yield use
    crypto._fernet.cache_clear()


@pytest.mark.django_db
def test_tokens_are_encrypted_at_rest_and_survive_key_rotation(keys):
    # given an account encrypted with the old key
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    account = AccountFactory()
    account.set_tokens(access_token="access-secret", refresh_token="refresh-secret")
    account.save()
    stored = MarketplaceAccount.objects.values_list("access_token_encrypted", flat=True).get()
    assert "access-secret" not in stored
    # when a new key is put first and the tokens are rotated
    keys(new, old)
    call_command("rotate_marketplace_tokens")
    # then the new key alone reads them
    keys(new)
    account = MarketplaceAccount.objects.get()
    assert (account.access_token, account.refresh_token) == ("access-secret", "refresh-secret")


def test_without_keys_and_without_the_dev_fallback_it_refuses(keys):
    keys()
    with pytest.raises(ImproperlyConfigured):
        crypto.token_encrypt("x")


def test_dev_fallback_key_is_labelled_not_for_production(keys):
    keys(allow_dev=True)
    assert crypto.token_decrypt(crypto.token_encrypt("x")) == "x"
    assert b"NOT-FOR-PRODUCTION" in crypto.DEV_KEY_LABEL


class _Handler(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802
        _Handler.seen.append(dict(self.headers))
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        self.send_response(302 if self.path.startswith("/redirect") else 200)
        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        return


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_session_sends_user_agent_does_not_follow_redirects_and_times_out(server, settings):
    settings.MARKETPLACE_HTTP_USER_AGENT = "DongThapSMEOnline/test"
    session = http.session_create(connect_timeout=1, read_timeout=0.3)
    response = session.get(server + "/redirect")
    assert response.status_code == 302 and _Handler.seen[-1]["User-Agent"] == "DongThapSMEOnline/test"
    with pytest.raises(requests.ReadTimeout):
        session.get(server + "/slow")


def test_secrets_are_redacted_from_logged_urls():
    url = "/api/v2/x?partner_id=1&sign=abc123&access_token=tok&shop_id=2&code=c0de"
    assert http.redact(url) == "/api/v2/x?partner_id=1&sign=***&access_token=***&shop_id=2&code=***"


def _reserve_many(backend, key, n, interval):
    return [backend.reserve(key, interval) for _ in range(n)]


@pytest.mark.django_db(transaction=True)
def test_database_limiter_spaces_slots_across_workers(settings):
    # given two workers asking for 20 slots at 10/s between them (threads where the database allows
    # concurrent writers; the in-memory SQLite test database does not, so there they take turns)
    from django.db import connection

    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    delays: list[float] = []
    lock = threading.Lock()

    def worker():
        slots = ratelimit.DatabaseSlots()  # one per worker process
        for _ in range(10):
            moment = slots.reserve_at("test:db", 0.1)
            with lock:
                delays.append(moment)
        connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        workers = [ratelimit.DatabaseSlots(), ratelimit.DatabaseSlots()]
        for _ in range(10):
            delays.extend(slots.reserve_at("test:db", 0.1) for slots in workers)
    # then 20 distinct slots were handed out, 0.1 s apart
    from marketplace_connectors.models import RateLimitState

    slots = sorted(delays)
    assert len(slots) == 20
    assert min(b - a for a, b in zip(slots, slots[1:], strict=False)) >= 0.0999
    # each worker reserved its slots in blocks (one row update per block): 10 slots = 2 blocks per worker
    block = ratelimit.DatabaseSlots.BLOCK
    assert RateLimitState.objects.get(key="test:db").next_slot - slots[0] == pytest.approx(2 * 2 * block * 0.1, abs=0.05)


@pytest.mark.django_db
def test_database_limiter_never_uses_a_slot_that_went_by(settings):
    # a worker that paused (a long call) does not fire its left-over slots at once: it reserves afresh
    slots = ratelimit.DatabaseSlots()
    first = slots.reserve("test:gap", 0.05)
    assert first == pytest.approx(0, abs=0.05)
    time.sleep(0.5)  # every left-over slot of the block is now in the past
    now = time.time()
    moments = [slots.reserve_at("test:gap", 0.05) for _ in range(3)]
    assert min(moments) >= now - 0.025  # none of the slots that went by
    assert min(b - a for a, b in zip(moments, moments[1:], strict=False)) >= 0.0499


def test_redis_limiter_spaces_slots():
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no local Redis")
    key = f"test:{time.time()}"
    delays = _reserve_many(ratelimit.RedisSlots(url), key, 5, 0.2)
    assert delays[0] == pytest.approx(0, abs=0.05)
    assert [round(b - a, 2) for a, b in zip(delays, delays[1:], strict=False)] == [0.2, 0.2, 0.2, 0.2]
