"""docs/security.md lists no requirement without its test, and every test it names exists (issue 14)."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "security.md"
FULL_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)")
# A later reference in the same cell may name only the test (``::test_x``) of the file named before it.
ANY_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?::(\w+)")


def requirement_rows() -> list[tuple[str, str]]:
    """(section, row) for every table row of a requirement (not the chapter list, not "Out of scope")."""
    rows, section = [], ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            continue
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("id", "ASVS", "chapter", "what") or section == "Out of scope" or section.startswith("Security"):
            continue
        rows.append((section, line))
    return rows


def test_the_document_has_requirement_rows():
    assert len(requirement_rows()) >= 20


def test_every_requirement_names_a_test_and_every_named_test_exists():
    problems = []
    for section, row in requirement_rows():
        if not FULL_REFERENCE.search(row):
            problems.append(f"{section}: no test named in {row[:80]}")
        current = None
        for path, name in ANY_REFERENCE.findall(row):
            current = path or current
            source = REPO / current if current else None
            if source is None or not source.exists() or not re.search(rf"^def {name}\(", source.read_text(
                    encoding="utf-8"), flags=re.MULTILINE):
                problems.append(f"{section}: {current}::{name} does not exist")

    assert problems == [], "\n".join(problems)
