"""A rate limiter shared by every worker process: callers reserve the next free slot for a key, then wait.

Slots are spaced ``1 / (rate * MARKETPLACE_RATE_LIMIT_SAFETY)`` seconds apart, so no burst ever exceeds
the configured rate however many workers run. The state lives in Redis when ``REDIS_URL`` is set (one
atomic Lua script, Redis's clock), otherwise in the database (one row per key, updated under a row lock).
"""

from __future__ import annotations

import collections
import threading
import time
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction

from .metrics import RATE_LIMIT_WAIT_SECONDS

_LUA_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(nxt, now)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'PX', 60000 + math.floor((slot - now) * 1000))
return tostring(slot - now)
"""


class RedisSlots:
    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url)
        self._script = self._client.register_script(_LUA_RESERVE)

    def reserve(self, key: str, interval: float) -> float:
        return max(0.0, float(self._script(keys=[f"mkt:rl:{key}"], args=[repr(interval)])))


class DatabaseSlots:
    """Slots kept in a database row. A row lock costs a round trip that a tight loop of calls would add to
    every request, so each process reserves ``BLOCK`` consecutive slots per visit and hands them out
    locally; a slot that has gone by unused is dropped, never used late (that would make a burst)."""

    BLOCK = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local: dict[str, collections.deque[float]] = {}

    def reserve(self, key: str, interval: float) -> float:
        slot = self.reserve_at(key, interval)
        return max(0.0, slot - time.time())

    def reserve_at(self, key: str, interval: float) -> float:
        """The moment (``time.time()`` scale) of the slot reserved for this caller."""
        with self._lock:
            now = time.time()
            mine = self._local.setdefault(key, collections.deque())
            while mine and mine[0] < now - interval / 2:
                mine.popleft()  # gone by: another process may own the neighbouring slots
            if not mine:
                first = self._reserve_block(key, interval, now)
                mine.extend(first + i * interval for i in range(self.BLOCK))
            return mine.popleft()

    def _reserve_block(self, key: str, interval: float, now: float) -> float:
        from .models import RateLimitState

        for _ in range(3):
            try:
                with transaction.atomic():
                    state, _created = RateLimitState.objects.select_for_update().get_or_create(key=key)
                    slot = max(state.next_slot, time.time())
                    RateLimitState.objects.filter(pk=state.pk).update(next_slot=slot + self.BLOCK * interval)
                    return slot
            except IntegrityError:  # two processes created the row at once: read it again
                continue
        raise RuntimeError(f"could not reserve a rate-limit slot for {key}")


@cache
def _slots_for(url: str):
    return RedisSlots(url) if url else DatabaseSlots()


def slots():
    return _slots_for(settings.MARKETPLACE_RATE_LIMIT_REDIS_URL or "")


LATE_RETRIES = 3


def rate_limit_wait(*, key: str, rate_per_second: float, sleep=time.sleep) -> float:
    """Block until a request under ``key`` may go out at ``rate_per_second``; returns seconds waited."""
    if rate_per_second <= 0:
        return 0.0
    interval = 1.0 / (rate_per_second * settings.MARKETPLACE_RATE_LIMIT_SAFETY)
    waited = 0.0
    for _ in range(LATE_RETRIES + 1):
        delay = slots().reserve(key, interval)
        waited += delay
        if delay <= 0:
            break
        wake_at = time.monotonic() + delay
        sleep(delay)
        # On a busy machine a process may wake long after its slot; going out then would bunch it with the
        # calls of the next slots (a burst over the limit). A slot missed by more than half a spacing is
        # dropped and another reserved, as the database limiter drops its own stale slots.
        if time.monotonic() - wake_at <= interval / 2:
            break
    RATE_LIMIT_WAIT_SECONDS.labels(key.split(":", 1)[0]).observe(waited)
    return waited
