"""``make load``: the platform under load on this machine, at rising numbers of users.

Starts everything itself, on 127.0.0.1 only: a fresh PostgreSQL database (LOAD_DATABASE_URL), three Redis
databases (broker, results, cache: LOAD_REDIS_URL plus LOAD_REDIS_DBS, which must be empty and are emptied
afterwards), the sandbox
marketplaces (in this process, so it can make the shops and orders the scenario uses), gunicorn with 2 workers
x 4 threads and two Celery workers (prefork, 2 children each). Then, for each number of users in LOAD_STEPS,
it runs the Locust scenario (``locustfile.py``) headless for LOAD_STEP_SECONDS and records each page's p95,
the failures, the request rate, the load average and the CPU each group of processes used. The results go
to docs/benchmarks.md (section ``load``, kept by ``make bench``) and var/load/.

The settings are the test settings with real workers (``CELERY_TASK_ALWAYS_EAGER=false``), Redis for cache,
broker and results, PostgreSQL with persistent connections (``DJANGO_CONN_MAX_AGE``, 60 s as in production);
DEBUG is off. Production settings cannot be used here: they refuse loopback marketplaces and require HTTPS.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT), str(ROOT / "benchmarks")]
HERE = Path(__file__).resolve().parent
OUT = ROOT / "var" / "load"
DOC = ROOT / "docs" / "benchmarks.md"

DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sme_load")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
REDIS_DBS = [int(x) for x in os.environ.get("LOAD_REDIS_DBS", "13,14,15").split(",")]
STEPS = [int(x) for x in os.environ.get("LOAD_STEPS", "4,8,16,24,32").split(",")]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "60"))
OWNERS = int(os.environ.get("LOAD_OWNERS", "16"))
OFFICERS = int(os.environ.get("LOAD_OFFICERS", "8"))
PRODUCTS = int(os.environ.get("LOAD_PRODUCTS", "40"))
PUBLISHED = int(os.environ.get("LOAD_PUBLISHED", "10"))
ORDERS = int(os.environ.get("LOAD_ORDERS", "30"))
WARMUP_SECONDS = int(os.environ.get("LOAD_WARMUP_SECONDS", "30"))
PAGE_P95_MS = 300
PUSH_P95_MS = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_create() -> None:
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _redis_check_empty() -> None:
    """The three Redis databases must be empty: they are emptied after the run, never before (they may be
    someone else's)."""
    import redis

    for db in REDIS_DBS:
        if redis.Redis.from_url(f"{REDIS_URL}/{db}").dbsize():
            raise SystemExit(f"Redis database {db} is not empty: choose free ones with LOAD_REDIS_DBS=a,b,c")


def _redis_empty() -> None:
    import redis

    for db in REDIS_DBS:
        redis.Redis.from_url(f"{REDIS_URL}/{db}").flushdb()


def _env(extra: dict) -> dict:
    broker, results, cache = (f"{REDIS_URL}/{db}" for db in REDIS_DBS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_CONN_MAX_AGE": "60",
        "REDIS_URL": cache,
        "MARKETPLACE_RATE_LIMIT_REDIS_URL": cache,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": results,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "VAR_DIR": str(OUT / "var"),
        "DJANGO_MEDIA_ROOT": str(OUT / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DEFAULT_PLAN": "pro",  # without Stripe every business runs on it: automatic stock sync, no product limit
        **{k: str(v) for k, v in extra.items()},
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _sandboxes(push_base: str) -> tuple[object, dict, list]:
    """Every marketplace's sandbox on a free port, Shopee with one shop per owner. Returns (Shopee, settings, all)."""
    from django.urls import reverse

    from marketplace_connectors.registry import connector_list
    from marketplace_sandbox import shopee
    from marketplace_sandbox.sandbox import sandbox_package

    shops = {14701711 + n: f"Shop tải thử {n}" for n in range(OWNERS)}
    sim = shopee.ShopeeSimulator(partner_id=shopee.PARTNER_ID, partner_key=shopee.PARTNER_KEY, shops=shops,
                                 reject_repeated_items=False).start()
    settings_env = dict(shopee.connector_settings(sim.url))
    servers = [sim]
    for connector in connector_list():
        if connector.code == "shopee":
            continue
        try:
            package = sandbox_package(connector.code)
        except ModuleNotFoundError:
            continue
        other = package.sandbox_server(host="127.0.0.1", port=_free_port())
        other.push_url = push_base + reverse("marketplaces:push_receive", args=[connector.code])
        settings_env.update(package.connector_settings(other.url))
        servers.append(other)
    return sim, settings_env, servers


class Processes:
    """The processes under test, by group (web, worker): started, sampled for CPU, stopped."""

    def __init__(self, env: dict):
        self.env = env
        self.groups: dict[str, list[subprocess.Popen]] = {}

    def start(self, group: str, name: str, args: list[str]) -> None:
        log = (OUT / f"{name}.log").open("ab")
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.groups.setdefault(group, []).append(proc)

    def pids(self) -> dict[int, str]:
        """Every process of each group (with its children) by pid."""
        import psutil

        found: dict[int, str] = {}
        for group, procs in self.groups.items():
            for proc in procs:
                try:
                    parent = psutil.Process(proc.pid)
                    for p in [parent, *parent.children(recursive=True)]:
                        found[p.pid] = group
                except psutil.NoSuchProcess:
                    continue
        return found

    def stop(self) -> None:
        for procs in self.groups.values():
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
        for procs in self.groups.values():
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def _cpu_snapshot(processes: Processes) -> dict[int, tuple[str, float]]:
    """CPU time (user + system) so far of each process of the stack, PostgreSQL's and Redis's, by pid. PostgreSQL
    serves other databases too: read its share as an upper bound."""
    import psutil

    groups = processes.pids()
    snapshot: dict[int, tuple[str, float]] = {}
    for p in psutil.process_iter(["pid", "name", "cpu_times"]):
        name = p.info["name"] or ""
        group = groups.get(p.info["pid"]) or ("postgres" if name.startswith("postgres") else
                                              "redis" if name.startswith("redis-server") else None)
        if group and p.info["cpu_times"]:
            snapshot[p.info["pid"]] = (group, p.info["cpu_times"].user + p.info["cpu_times"].system)
    return snapshot


def _cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each group used between two snapshots (a process started in between counts from zero)."""
    used: dict[str, float] = {}
    for pid, (group, seconds) in after.items():
        start = before.get(pid)
        used[group] = used.get(group, 0.0) + seconds - (start[1] if start and start[0] == group else 0.0)
    return used


def _busy_cores() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _children_cpu_seconds() -> float:
    """CPU time of this process's finished children: the Locust runs (the stack's processes are still running)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wait_http(url: str, timeout: float) -> bool:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def _step(users: int, host: str, env: dict, processes: Processes, *, seconds: int = 0, name: str = "") -> dict:
    """One Locust run with ``users`` users; returns its stats by name and the CPU each group used."""
    name = name or f"step-{users:03d}"
    prefix = OUT / name
    before, locust_before, machine_before = _cpu_snapshot(processes), _children_cpu_seconds(), _busy_cores()
    started = time.monotonic()
    locust = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
         "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds or STEP_SECONDS}s", "--stop-timeout", "10",
         "--host", host, "--csv", str(prefix), "--exit-code-on-error", "0", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    cpu = _cpu_used(before, _cpu_snapshot(processes))
    cpu["locust"] = _children_cpu_seconds() - locust_before
    busy, total = (a - b for a, b in zip(_busy_cores(), machine_before, strict=True))
    cpu["machine"] = busy / total * (os.cpu_count() or 1) * wall if total else 0.0
    (OUT / f"{name}.log").write_text(locust.stdout + locust.stderr)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = row
    return {"users": users, "rows": rows, "wall": wall, "load": os.getloadavg(),
            "cpu": {k: v / wall for k, v in cpu.items()}}


def _pages_and_pushes(rows: dict) -> tuple[dict, dict]:
    pages = {n: r for n, r in rows.items() if n != "Aggregated" and not n.startswith("push")}
    pushes = {n: r for n, r in rows.items() if n.startswith("push")}
    return pages, pushes


def _p95(row: dict) -> float:
    value = row.get("95%", "N/A")
    return float(value) if value not in ("N/A", "") else 0.0


def _verdict(step: dict) -> dict:
    pages, pushes = _pages_and_pushes(step["rows"])
    failures = sum(int(r["Failure Count"]) for n, r in step["rows"].items() if n != "Aggregated")
    worst_page = max(pages.items(), key=lambda kv: _p95(kv[1]))
    worst_push = max(pushes.items(), key=lambda kv: _p95(kv[1])) if pushes else ("push", {"95%": "0"})
    agg = step["rows"].get("Aggregated", {})
    ok = failures == 0 and _p95(worst_page[1]) <= PAGE_P95_MS and _p95(worst_push[1]) <= PUSH_P95_MS
    return {"ok": ok, "failures": failures, "worst_page": worst_page[0], "worst_page_p95": _p95(worst_page[1]),
            "worst_push_p95": _p95(worst_push[1]), "rate": float(agg.get("Requests/s", 0) or 0),
            "requests": int(agg.get("Request Count", 0) or 0)}


def _section(steps: list[dict], info: dict) -> str:
    verdicts = [(s, _verdict(s)) for s in steps]
    passing = [(s, v) for s, v in verdicts if v["ok"]]
    best = max(passing, key=lambda sv: sv[1]["rate"]) if passing else None
    lines = [
        "<!-- bench:load -->",
        "## Load: owners, officers and marketplace pushes against gunicorn + PostgreSQL + Redis + two Celery workers",
        "",
        f"`benchmarks/load/run_load.py` (`make load`), run {info['date']} in {info['seconds']:.0f} s on "
        f"{info['cores']} cores (`{info['uname']}`); load average before the run {info['load_before']} "
        f"(1 / 5 / 15 min). "
        f"{info['postgres']}, Redis {info['redis']}. gunicorn 2 workers x 4 threads, two Celery workers "
        "(prefork, 2 children each), the sandbox marketplaces and Locust on the same machine, all on 127.0.0.1. "
        f"Data: {OWNERS} owners with {PRODUCTS} products each ({PUBLISHED} live on their sandbox Shopee shop, "
        f"{ORDERS} orders), {OFFICERS} officers, the demo register and a year of indicator history. Each step "
        f"runs {STEP_SECONDS} s after a {WARMUP_SECONDS} s warm-up; a user waits 1-3 s between actions (owners 3 : officers 1 : marketplace 1). "
        f"Targets: p95 ≤ {PAGE_P95_MS} ms for every page, ≤ {PUSH_P95_MS} ms for pushes, 0 errors.",
        "",
    ]
    if best:
        s, v = best
        lines.append(f"**Highest rate within the targets: {v['rate']:.1f} requests/s with {s['users']} users** "
                     f"(worst page p95 {v['worst_page_p95']:.0f} ms: {v['worst_page']}; pushes p95 "
                     f"{v['worst_push_p95']:.0f} ms).")
    else:
        lines.append("**No step met the targets.**")
    lines += ["", "| users | requests/s | requests | failures | worst page p95 (ms) | push p95 (ms) | within targets "
                  "| load average (1 min) | CPU used (cores): web / workers / PostgreSQL / Redis / Locust / whole machine |",
              "|---|---|---|---|---|---|---|---|---|"]
    for s, v in verdicts:
        c = s["cpu"]
        lines.append(f"| {s['users']} | {v['rate']:.1f} | {v['requests']:,} | {v['failures']} | {v['worst_page_p95']:.0f} "
                     f"({v['worst_page']}) | {v['worst_push_p95']:.0f} | {'yes' if v['ok'] else 'no'} | "
                     f"{s['load'][0]:.1f} | {c.get('web', 0):.2f} / {c.get('worker', 0):.2f} / "
                     f"{c.get('postgres', 0):.2f} / {c.get('redis', 0):.2f} / {c.get('locust', 0):.2f} / "
                     f"{c.get('machine', 0):.2f} |")
    names = sorted({n for s in steps for n in s["rows"] if n != "Aggregated"})
    lines += ["", "p95 (ms) of each page and push, by users:", "",
              "| page | " + " | ".join(str(s["users"]) for s in steps) + " |",
              "|---|" + "---|" * len(steps)]
    for name in names:
        cells = []
        for s in steps:
            row = s["rows"].get(name)
            cells.append("" if row is None else f"{_p95(row):.0f}" + (f" ({row['Failure Count']} failed)"
                                                                       if int(row["Failure Count"]) else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", info.get("notes", ""), "", "<!-- /bench:load -->", ""]
    return "\n".join(lines)


def _write_doc(section: str) -> None:
    text = DOC.read_text()
    start, end = "<!-- bench:load -->", "<!-- /bench:load -->\n"
    if start in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text)


def main() -> int:
    import django

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    (OUT / "var").mkdir()
    (OUT / "media").mkdir()
    started = time.monotonic()
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    print(f"load: database {DATABASE_URL.rsplit('@', 1)[-1]}, Redis {REDIS_URL} dbs {REDIS_DBS}, web {host}", flush=True)
    _redis_check_empty()
    _database_create()
    base_env = _env({})
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"], env=base_env,
                   cwd=ROOT, check=True)
    os.environ.update(base_env)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # the setup publishes and imports in this process
    django.setup()
    from django.conf import settings
    from django.db import connection

    from marketplace_connectors.registry import registry_reset

    sim, sandbox_settings, servers = _sandboxes(host)
    for key, value in sandbox_settings.items():
        setattr(settings, key, value)
    registry_reset()
    from setup_load import load_data_create

    print("load: making the data", flush=True)
    data = load_data_create(sim=sim, owners=OWNERS, products=PRODUCTS, published=PUBLISHED, orders=ORDERS,
                            officers=OFFICERS)
    sim.push_url = None  # pushes come from the scenario, which names these orders
    data.update({"partner_key": sim.partner_key, "push_path": "/marketplaces/push/shopee/"})
    fixture = OUT / "fixture.json"
    fixture.write_text(json.dumps(data))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    connection.close()
    import redis

    redis_version = redis.Redis.from_url(f"{REDIS_URL}/{REDIS_DBS[0]}").info()["redis_version"]
    env = _env({**sandbox_settings, "LOAD_FIXTURE": fixture, "MARKETPLACE_PUSH_BASE_URL": host})
    processes = Processes(env)
    processes.start("web", "web", ["gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4",
                                   "--timeout", "60", "--no-control-socket",
                                   # longer than a user's pause, so a kept-alive connection is not closed just
                                   # as the next request goes out on it (nginx in front does the same)
                                   "--keep-alive", "10", "--access-logfile", "-"])
    for n in (1, 2):
        processes.start("worker", f"worker{n}", ["celery", "-A", "config", "worker", "--concurrency", "2", "-l", "warning",
                                                 "-n", f"load{n}@%h"])
    steps = []
    try:
        if not _wait_http(f"{host}/healthz", 120):
            raise RuntimeError("gunicorn did not answer; see var/load/web.log")
        time.sleep(5)
        locust_env = {**env, "LOAD_FIXTURE": str(fixture)}
        print(f"load: warming up ({WARMUP_SECONDS} s, 4 users, not counted)", flush=True)
        _step(4, host, locust_env, processes, seconds=WARMUP_SECONDS, name="warmup")
        for users in STEPS:
            print(f"load: {users} users for {STEP_SECONDS} s", flush=True)
            step = _step(users, host, locust_env, processes)
            v = _verdict(step)
            print(f"   {v['rate']:.1f} req/s, {v['failures']} failures, worst page p95 {v['worst_page_p95']:.0f} ms "
                  f"({v['worst_page']}), push p95 {v['worst_push_p95']:.0f} ms, load {step['load'][0]:.1f}, "
                  f"cpu {({k: round(x, 2) for k, x in step['cpu'].items()})}", flush=True)
            steps.append(step)
            time.sleep(5)
    finally:
        processes.stop()
        for server in servers:
            server.stop()
        _redis_empty()
    info = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": time.monotonic() - started, "cores": os.cpu_count(), "uname": " ".join(platform.uname()),
            "load_before": load_before, "postgres": pg_version, "redis": redis_version,
            "notes": os.environ.get("LOAD_NOTES", "")}
    section = _section(steps, info)
    (OUT / "result.md").write_text(section)
    if os.environ.get("LOAD_WRITE_DOC", "1") == "1":
        _write_doc(section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
