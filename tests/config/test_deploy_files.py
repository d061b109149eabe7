"""platform/deploy/ stays in step with the settings: every variable documented, the three processes defined."""

import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "platform" / "deploy"
SETTINGS_DIR = REPO / "platform" / "config" / "settings"
CONNECTORS = REPO / "marketplace_connectors" / "backends"
OUTREACH_MESSAGING = REPO / "platform" / "outreach" / "messaging"

# env("X"...), env.bool("X"...), env.db("X"...), environ.Env().str("X"...), ...
ENV_CALL = re.compile(r"""(?:\benv|\bEnv\(\))(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# "X" in env.ENVIRON, os.environ["X"], os.environ.get("X"), os.getenv("X")
ENV_LOOKUP = re.compile(
    r"""["']([A-Z][A-Z0-9_]*)["']\s+(?:not\s+)?in\s+(?:env\.ENVIRON|os\.environ)"""
    r"""|os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# Read by Django and gunicorn themselves rather than by our settings.
READ_BY_THE_TOOLS = {"DJANGO_SETTINGS_MODULE", "GUNICORN_CMD_ARGS"}
# Shell/systemd references: $X, ${X}, ${X:-default}, and compose's escaped $${X...}.
SHELL_VAR = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)")
PROCESSES = {"web": ["gunicorn", "config.wsgi"], "worker": ["celery", "-A", "config", "worker"],
             "scheduler": ["celery", "-A", "config", "beat"]}
UNITS = {"web": "dongthap-sme-web.service", "worker": "dongthap-sme-worker@.service",
         "scheduler": "dongthap-sme-scheduler.service"}


def settings_variables() -> set[str]:
    """What the settings read, and what each marketplace's own ``conf.py`` reads (a marketplace's folder
    holds its settings), and the outreach messaging providers' ``conf.py``."""
    names = set()
    for path in [*SETTINGS_DIR.glob("*.py"), *CONNECTORS.glob("*/conf.py"), OUTREACH_MESSAGING / "conf.py"]:
        source = path.read_text()
        names.update(ENV_CALL.findall(source))
        for groups in ENV_LOOKUP.findall(source):
            names.update(name for name in groups if name)
    return names


def env_example_variables() -> dict[str, str]:
    """``NAME=value`` lines and optional ``#NAME=value`` lines (no space after ``#``)."""
    found = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        match = re.match(r"#?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def procfile() -> dict[str, str]:
    entries = {}
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def unit_values(unit: str, key: str) -> list[str]:
    text = (DEPLOY / "systemd" / unit).read_text()
    return [m.group(1).strip() for m in re.finditer(rf"^{key}=(.*)$", text, re.MULTILINE)]


def variables_used_by_process_files() -> set[str]:
    texts = [(DEPLOY / "Procfile").read_text(), (DEPLOY / "compose.yaml").read_text()]
    texts += [path.read_text() for path in (DEPLOY / "systemd").iterdir()]
    used = set()
    for text in texts:
        used.update(SHELL_VAR.findall(text))
    return used - {"MAINPID"}


def test_the_settings_parser_sees_the_variables_we_know_are_read():
    names = settings_variables()

    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
            "CELERY_RESULT_BACKEND", "VAR_DIR", "DJANGO_SECURE_HSTS_SECONDS"} <= names


def test_env_example_lists_every_variable_the_settings_read():
    missing = settings_variables() - set(env_example_variables())

    assert missing == set(), f"add to platform/deploy/.env.example: {sorted(missing)}"


def test_env_example_lists_nothing_unknown():
    known = settings_variables() | READ_BY_THE_TOOLS | variables_used_by_process_files()

    unknown = set(env_example_variables()) - known

    assert unknown == set(), f"read by nothing: {sorted(unknown)}"


def test_every_variable_the_process_files_use_is_in_env_example():
    compose_only = {"POSTGRES_PASSWORD"}  # the database container's password, set in the shell or .env

    missing = variables_used_by_process_files() - set(env_example_variables()) - compose_only

    assert missing == set(), f"add to platform/deploy/.env.example: {sorted(missing)}"


def test_env_example_targets_production_and_holds_no_secret():
    values = env_example_variables()

    assert values["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert values["DJANGO_DEBUG"] == "false"
    for secret in ("DJANGO_SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SHOPEE_PARTNER_KEY",
                   "MARKETPLACE_TOKEN_KEYS"):
        assert values[secret] == "", secret


def test_deploy_holds_no_python():
    python_files = [p.relative_to(REPO) for p in DEPLOY.rglob("*") if p.suffix in {".py", ".pyc"}]

    assert python_files == []
    assert not (DEPLOY / "__init__.py").exists()


def test_the_procfile_defines_web_worker_and_scheduler():
    entries = procfile()

    assert set(entries) == set(PROCESSES)
    for name, program in PROCESSES.items():
        assert shlex.split(entries[name])[: len(program)] == program, name


def test_each_systemd_unit_runs_its_process_with_the_environment_file():
    for name, unit in UNITS.items():
        (exec_start,) = unit_values(unit, "ExecStart")
        argv = shlex.split(exec_start)

        assert Path(argv[0]).name == PROCESSES[name][0], unit
        assert argv[1:len(PROCESSES[name])] == PROCESSES[name][1:], unit
        assert unit_values(unit, "EnvironmentFile") == ["/etc/dongthap-sme/env"], unit


def test_the_worker_unit_names_each_instance_and_escapes_celerys_host_placeholder():
    (exec_start,) = unit_values(UNITS["worker"], "ExecStart")

    # systemd would expand a bare %h to the service user's home directory.
    assert "--hostname=worker%i@%%h" in exec_start


def test_nginx_accepts_the_uploads_the_app_accepts_and_passes_the_scheme():
    site = (DEPLOY / "nginx" / "dongthap-sme.conf").read_text()

    (limit,) = re.findall(r"client_max_body_size\s+(\d+)m;", site)
    assert int(limit) * 1024 * 1024 >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    # ... which is the header production settings trust for "this request came over https".
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in (SETTINGS_DIR / "production.py").read_text()
    assert re.search(r"location /static/ \{\s*alias [^;]+/static/;", site)


def test_compose_runs_the_database_redis_and_the_three_processes():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]

    assert {"postgres", "redis", "web", "worker", "scheduler"} <= set(services)
    assert services["web"]["command"][:2] == PROCESSES["web"]
    for name in ("worker", "scheduler"):
        command = services[name]["command"]
        command = command if isinstance(command, str) else " ".join(command)
        assert " ".join(PROCESSES[name]) in command, name
        assert services[name]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")


def test_the_example_alerts_cover_every_failure_mode_with_metrics_the_platform_exports():
    """platform/deploy/README.md: one example alert per failure mode of issue 20 (broker down, no worker
    heartbeat, queue age, job timeouts, marketplace errors, rate-limit waits, 5xx), each on metrics that
    the code defines (a renamed metric would leave an alert that never fires)."""
    readme = (DEPLOY / "README.md").read_text()
    block = readme.split("### One alert per failure mode", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    rules = {rule["alert"]: rule["expr"] for rule in yaml.safe_load(block)["groups"][0]["rules"]}
    defined = set()
    for source in [REPO / "platform" / "config" / "metrics.py", REPO / "platform" / "config" / "metrics_view.py",
                   REPO / "marketplace_connectors" / "metrics.py"]:
        defined |= set(re.findall(r"""(?:Counter|Gauge|Histogram|GaugeMetricFamily|CounterMetricFamily)\(\s*["'](\w+)["']""",
                                  source.read_text()))
    for alert, expr in rules.items():
        used = set(re.findall(r"\b([a-z][a-z0-9_]*_(?:total|seconds|seconds_bucket|up|waiting))\b", expr))
        assert used or "probe_success" in expr, alert  # the blackbox exporter's probe of /healthz
        for metric in used:
            base = metric.removesuffix("_bucket")
            assert base in defined or base.removesuffix("_total") in defined, (alert, metric)
    failure_modes = {
        "broker down": "celery_broker_up", "no worker heartbeat": "celery_worker_heartbeat_age_seconds",
        "queue age": "celery_queue_oldest_waiting_seconds", "job timeouts": "jobs_timed_out_total",
        "marketplace error rate": "marketplace_calls_total", "rate-limit waits": "marketplace_rate_limit_wait_seconds",
        "5xx rate": 'status="5xx"',
    }
    for mode, needle in failure_modes.items():
        assert any(needle in expr for expr in rules.values()), mode
