"""The sandbox marketplaces are test-only code: not in the built wheel, not installed in production settings,
and nothing the platform runs in production imports them."""

import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "p" * 20 + "r0duct10n-s3cr3t-k3y-w1th-3n0ugh-ch4rs!",
    "DJANGO_ALLOWED_HOSTS": "sme.dongthap.example",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    "MARKETPLACE_TOKEN_KEYS": "kq9y0QWq3a8o7cBqbd2zB1rZ0m7qXKQdQnJ3xWk6lVA=",
    # production refuses to start without it; loading settings and URLs never connects
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}
# Run with the sandbox made unimportable: production settings, every URL (so every view) and every module of
# marketplace_connectors load, and every registered connector is built.
WITHOUT_SANDBOX = """
import pkgutil, sys, importlib
sys.modules["marketplace_sandbox"] = None
import django
django.setup()
from django.conf import settings
assert "marketplace_sandbox" not in settings.INSTALLED_APPS
import config.urls, marketplace_connectors
for module in pkgutil.walk_packages(marketplace_connectors.__path__, "marketplace_connectors."):
    importlib.import_module(module.name)
from marketplace_connectors.registry import connector_list
print(len(connector_list()), "connectors")
"""


def test_the_built_wheel_leaves_the_sandbox_out():
    find = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    shipped = [pattern for pattern in find["include"] if fnmatch.fnmatch("marketplace_sandbox", pattern)]
    assert shipped == []
    assert any(fnmatch.fnmatch("marketplace_connectors", pattern) for pattern in find["include"])


def test_production_runs_without_the_sandbox(settings):
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **PRODUCTION_ENV,
           "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)])}
    result = subprocess.run([sys.executable, "-c", WITHOUT_SANDBOX], env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == f"{len(settings.MARKETPLACE_CONNECTORS)} connectors"
