"""Outreach campaigns: 10,000 businesses queued; e-mail sent at the configured rate by two Celery workers, one killed mid-campaign (issue 22).

Targets: a campaign to 10,000 businesses is queued in at most 10 s (the launch's worker step: the
indicator's selection over the province, then one target and one message row each, ``campaign_queue``);
e-mail goes out at the configured rate (never faster in any second) with 0 duplicates after a worker is
killed (SIGKILL) mid-campaign.

The sending run: a real SMTP server on loopback (aiosmtpd) counts what arrives by Message-ID; two Celery
worker processes (``celery -A config worker --pool solo``, the embedded SQLite broker) send a campaign of
``BENCH_OUTREACH_SEND`` businesses at ``BENCH_OUTREACH_RATE`` e-mails a minute; the worker holding the channel
is killed once a third has arrived. Beat's every-minute ``outreach_send_due_task`` is sent every 5 s here
(only the wait after the kill depends on it). A message the killed worker had claimed is "in doubt" and
never re-sent: at most one per kill, reported beside the duplicates.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _harness import ROOT, _env, bench_databases, measurement, run_step

BUSINESSES = int(os.environ.get("BENCH_OUTREACH_BUSINESSES", "10000"))
SEND = int(os.environ.get("BENCH_OUTREACH_SEND", "600"))
RATE = int(os.environ.get("BENCH_OUTREACH_RATE", "600"))  # e-mails a minute
QUEUE_TARGET_SECONDS = 10.0


def _province(count: int, send: int) -> None:
    """``count`` operating SMEs on the register, not online, with an e-mail; ``send`` of them in one ward."""
    from adoption.models import RegisterEntry
    from sme.businesses.models import AdministrativeUnit, LegalForm, SizeClass

    wards = list(AdministrativeUnit.objects.current().order_by("code").values_list("pk", flat=True))
    first, others = wards[0], wards[1:]
    RegisterEntry.objects.bulk_create([
        RegisterEntry(identifier=f"8{n:09d}", name=f"Công ty TNHH Thử {n}", legal_form=LegalForm.LLC_ONE_MEMBER,
                      main_sector="C", size_class=SizeClass.SMALL, contact_email=f"lienhe{n}@dn{n}.example",
                      ward_id=first if n < send else others[n % len(others)])
        for n in range(count)], batch_size=2000)


def queue(businesses: int, send: int) -> dict:
    """Runs in its own process: the province, then a campaign to all of it created, launched and queued."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_set_roles
    from outreach import services
    from outreach.models import Campaign, CampaignStatus, Channel, Message
    from outreach.selection import Selection
    from sme.businesses.models import AdministrativeUnit

    _province(businesses, send)
    officer = User.objects.create_user(email="can-bo@bench.example", password=None)
    user_set_roles(user=officer, roles=(Role.TRADE_OFFICER,))
    campaign = services.campaign_create(name="Toàn tỉnh", selection=Selection(), channels=[Channel.EMAIL],
                                        officer=officer)
    started = time.perf_counter()
    services.campaign_launch(campaign=campaign, officer=officer)  # enqueues the queue task (nobody consumes it)
    services.campaign_queue(campaign_id=campaign.pk)  # what that task does in a worker
    seconds = time.perf_counter() - started
    campaign = Campaign.objects.get(pk=campaign.pk)
    queued = Message.objects.filter(campaign=campaign).count()
    # The sending run uses a campaign of its own (one ward); this one stops here.
    services.campaign_cancel(campaign=campaign, officer=officer)
    first_ward = AdministrativeUnit.objects.current().order_by("code").values_list("code", flat=True)[0]
    sending = services.campaign_create(name="Một xã", selection=Selection(wards=(first_ward,)),
                                       channels=[Channel.EMAIL], officer=officer)
    services.campaign_launch(campaign=sending, officer=officer)
    services.campaign_queue(campaign_id=sending.pk)
    return {"seconds": seconds, "targets": campaign.target_count, "messages": queued,
            "status": str(CampaignStatus.SENDING), "sending_campaign": sending.pk,
            "sending_messages": Message.objects.filter(campaign=sending).count(),
            "load_average": os.getloadavg()[0], "at": timezone.now().isoformat()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, str]] = []  # (time, Message-ID)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler protocol
        message_id = ""
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                message_id = line.split(":", 1)[1].strip()
                break
            if not line:
                break
        with self.lock:
            self.arrivals.append((time.monotonic(), message_id))
        return "250 OK"


def _worker(env: dict, name: str, folder: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-n", f"{name}@%h",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=folder, env=env, stdout=open(os.path.join(folder, f"{name}.log"), "w"), stderr=subprocess.STDOUT,
        start_new_session=True)


def send(database_url: str, campaign_id: int, expected: int, rate: int) -> dict:
    """Runs in the parent: the SMTP server, two workers, the kill, and the count of what arrived."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    folder = tempfile.mkdtemp(prefix="bench-outreach-")
    Path(folder, "results").mkdir()
    env = {**_env(database_url), "CELERY_BROKER_URL": f"sqlite:///{folder}/broker.sqlite3",
           "CELERY_RESULT_BACKEND": f"file://{folder}/results", "CELERY_TASK_ALWAYS_EAGER": "false",
           "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}", "OUTREACH_EMAIL_PER_MINUTE": str(rate),
           "OUTREACH_SENDING_HOURS": "0-24", "VAR_DIR": os.path.join(folder, "var"),
           "DJANGO_SETTINGS_MODULE": "_outreach_settings",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT), str(ROOT / "benchmarks")])}
    workers = {"a": _worker(env, "a", folder), "b": _worker(env, "b", folder)}
    kick = [sys.executable, str(ROOT / "benchmarks" / "_worker.py"), "bench_outreach_campaign", "kick", "{}"]
    started = time.monotonic()
    killed_at = None
    killed, killed_after = "", 0
    try:
        subprocess.run(kick, env=env, cwd=ROOT, check=True, capture_output=True)
        last_kick = time.monotonic()
        deadline = started + expected * 60 / rate * 3 + 180
        last_check = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            with inbox.lock:
                arrived = len(inbox.arrivals)
            if killed_at is None:
                if arrived < expected // 3:
                    continue
                # The sender is the worker whose process works: the other one idles on the broker.
                killed = max(workers, key=lambda name: _cpu_seconds(workers[name].pid))
                os.killpg(workers[killed].pid, signal.SIGKILL)
                killed_at = time.monotonic()
                killed_after = arrived
            if time.monotonic() - last_check > 3:
                state = _states(env)
                last_check = time.monotonic()
                if state.get("queued", 0) == 0:
                    break  # a row left "sending" by the killed worker is in doubt: nothing sends it again
            if time.monotonic() - last_kick > 5:  # what beat does every minute
                subprocess.run(kick, env=env, cwd=ROOT, check=True, capture_output=True)
                last_kick = time.monotonic()
        state = _states(env)
    finally:
        for process in workers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        controller.stop()
    times = [t for t, _m in inbox.arrivals]
    ids = [m for _t, m in inbox.arrivals]
    before_kill = [t for t in times if killed_at is None or t < killed_at]
    per_minute = ((len(before_kill) - 1) * 60 / (before_kill[-1] - before_kill[0])
                  if len(before_kill) > 2 and before_kill[-1] > before_kill[0] else 0.0)
    busiest_second = max((sum(1 for u in times if t <= u < t + 1) for t in times), default=0)
    return {"received": len(ids), "distinct": len(set(ids)), "duplicates": len(ids) - len(set(ids)),
            "states": state, "killed": killed, "killed_after": killed_after, "per_minute": per_minute, "busiest_second": busiest_second,
            "seconds": time.monotonic() - started, "load_average": os.getloadavg()[0]}


def kick() -> dict:
    """What beat sends every minute: mark senders that died, start a sender per channel."""
    from outreach.tasks import outreach_send_due_task

    outreach_send_due_task.delay()
    return {"database_version": ""}


def states() -> dict:
    from django.db.models import Count

    from outreach.models import Message, SendLease

    counts = dict(Message.objects.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    lease = SendLease.objects.filter(channel="email").values_list("holder", flat=True).first() or ""
    return {"states": counts, "lease": lease, "database_version": ""}


def _states(env: dict) -> dict:
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "_worker.py"), "bench_outreach_campaign",
                                "states", "{}"], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    import json

    line = [x for x in completed.stdout.splitlines() if x.startswith("@@BENCH-RESULT@@")][-1]
    return json.loads(line[len("@@BENCH-RESULT@@"):])["states"]


def _cpu_seconds(pid: int) -> float:
    """CPU time a process used so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run() -> list[dict]:
    results = []
    for db in bench_databases("outreach"):
        with db:
            # Tasks the queue step enqueues go to a broker nobody reads: the step times the service itself.
            with tempfile.TemporaryDirectory() as folder:
                saved = {k: os.environ.get(k) for k in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")}
                os.environ.update(CELERY_TASK_ALWAYS_EAGER="false",
                                  CELERY_BROKER_URL=f"sqlite:///{folder}/queue-broker.sqlite3")
                try:
                    queued = run_step("bench_outreach_campaign", "queue", database_url=db.url,
                                      args={"businesses": BUSINESSES, "send": SEND})
                finally:
                    for key, value in saved.items():
                        if value is None:
                            os.environ.pop(key, None)
                        else:
                            os.environ[key] = value
            results.append(measurement(
                f"Campaign to {queued['targets']:,} businesses queued", queued["seconds"], "s",
                target=QUEUE_TARGET_SECONDS, database=db.label,
                notes=f"{queued['messages']:,} message rows; load average {queued['load_average']:.1f}"))
            sent = send(db.url, queued["sending_campaign"], queued["sending_messages"], RATE)
            in_doubt = sent["states"].get("in_doubt", 0) + sent["states"].get("sending", 0)
            results.append(measurement(
                "Duplicate e-mails after a worker was killed mid-campaign", sent["duplicates"], "e-mails", target=0,
                database=db.label,
                notes=(f"{sent['received']} of {queued['sending_messages']} received; worker {sent['killed']} "
                       f"(the busy one, holding the channel) killed after {sent['killed_after']} e-mails; {in_doubt} in doubt "
                       f"(claimed by the killed worker, not re-sent); {sent['seconds']:.0f} s in all")))
            results.append(measurement(
                "E-mails lost (neither received nor in doubt)",
                queued["sending_messages"] - (sent["received"] - sent["duplicates"] + in_doubt), "e-mails", target=0,
                database=db.label, notes=f"of {queued['sending_messages']} queued; final states {sent['states']}"))
            results.append(measurement(
                f"E-mail rate before the kill (configured {RATE}/min)", sent["per_minute"], "per min",
                target=RATE * 1.02, database=db.label,
                notes=f"busiest second {sent['busiest_second']} e-mails (configured {RATE / 60:.0f}/s); "
                      f"load average {sent['load_average']:.1f}"))
    return results
