"""The README starts with the two commands and documents every setting the code reads."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _settings_variables() -> set[str]:
    """Every variable read with django-environ anywhere in the project: the settings modules, and each part
    that reads its own (a marketplace's ``conf.py``, the sandbox marketplaces' ports)."""
    files = [path for folder in ("platform", "sme", "cms", "marketplace_connectors", "marketplace_sandbox",
                                                      "messaging_sandbox")
             for path in (REPO / folder).rglob("*.py") if ".venv" not in path.parts]
    source = "".join(p.read_text(encoding="utf-8") for p in files)
    return set(re.findall(r'env(?:\.[a-z_]+)?\(\s*"([A-Z0-9_]+)"', source))


def test_readme_starts_with_make_run_and_make_test():
    first_block = REPO.joinpath("README.md").read_text(encoding="utf-8").split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_setting_read_from_the_environment_is_in_the_readme_table():
    readme = REPO.joinpath("README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings-table:start -->")[1].split("<!-- settings-table:end -->")[0]
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, flags=re.MULTILINE))

    assert _settings_variables() - documented == set()
    assert "DJANGO_SETTINGS_MODULE" in documented
