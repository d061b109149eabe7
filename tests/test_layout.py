"""platform/ must stay a plain folder: a package named platform shadows the standard library."""

import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_platform_folder_has_no_init_file():
    assert not (REPO / "platform" / "__init__.py").exists()


def test_import_platform_is_the_standard_library_module():
    # given the repository root and platform/ on the path, as in manage.py and pytest
    import platform

    # then
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert platform.system() == "Linux"


def test_platform_system_from_the_repository_root():
    result = subprocess.run(
        [sys.executable, "-c", "import platform, uuid; print(platform.system())"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "Linux"


def test_project_packages_import_by_their_own_names():
    import accounts.models
    import adoption.apps
    import config.settings.base

    assert Path(config.settings.base.__file__).is_relative_to(REPO / "platform")
    assert Path(accounts.models.__file__).is_relative_to(REPO / "platform")
    assert Path(adoption.apps.__file__).is_relative_to(REPO / "platform")


def test_manage_py_check_runs_from_another_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_floors_import_only_downwards():
    """sme imports none of connectors/cms/adoption/outreach; connectors not cms/adoption/outreach; cms not
    adoption/outreach; adoption not outreach (campaigns sit on top of the indicator); only the dev/test settings
    and tests import the sandbox marketplaces and the sandbox messaging providers (test-only code)."""
    sandboxes = ("marketplace_sandbox", "messaging_sandbox")
    forbidden = {
        "sme": ("marketplace_connectors", "cms", "adoption", "outreach", *sandboxes),
        "marketplace_connectors": ("cms", "adoption", "outreach", *sandboxes),
        "cms": ("adoption", "outreach", *sandboxes),
        "platform/adoption": ("outreach", *sandboxes),
        "platform/outreach": sandboxes,
        "platform/accounts": ("sme", "marketplace_connectors", "cms", "adoption", "outreach", *sandboxes),
        "marketplace_sandbox": ("messaging_sandbox", "outreach"),
    }
    offenders = []
    for folder, names in forbidden.items():
        for path in (REPO / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                for name in names:
                    if stripped.startswith((f"import {name}", f"from {name}")):
                        offenders.append(f"{path.relative_to(REPO)}: {stripped}")
    assert offenders == []
