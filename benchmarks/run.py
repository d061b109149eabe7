"""``make bench``: run every ``benchmarks/bench_*.py`` and rewrite docs/benchmarks.md.

Each module exposes ``run() -> list[dict]``; a dict is one measurement made with ``_harness.measurement``
(name, value, unit, target, ok, database, notes). The module docstring's first line titles its section.
``BENCH_ONLY=catalog_import,product_list`` runs only the modules whose name contains one of the words; the
sections of the other modules are kept from the previous file.
"""

import datetime
import importlib
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
OUTPUT = ROOT / "docs" / "benchmarks.md"
WRITTEN_ELSEWHERE = {"load", "test_suite"}  # sections written by `make load` and by hand (test-suite timings)
SECTION = re.compile(r"<!-- bench:(?P<name>[\w]+) -->\n(?P<body>.*?)<!-- /bench:(?P=name) -->\n", re.S)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    return {"CPU": cpu, "Cores": str(os.cpu_count()), "RAM": ram, "OS": os_name,
            "Python": platform.python_version()}


def discover(only: list[str]) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))
    if only:
        names = [n for n in names if any(word in n for word in only)]
    return names


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def section(name: str, title: str, results: list[dict], seconds: float, databases: set[str]) -> str:
    lines = [f"<!-- bench:{name} -->", f"## {title}", "",
             f"`benchmarks/{name}.py`, run {datetime.date.today().isoformat()} in {seconds:.0f} s"
             f" (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
             + (f"; databases: {', '.join(sorted(databases))}" if databases else "") + ".", "",
             "| measurement | database | value | target | result | notes |", "|---|---|---|---|---|---|"]
    for r in results:
        target = "" if r.get("target") is None else f"≤ {_fmt(r['target'])} {r['unit']}"
        ok = {True: "pass", False: "**FAIL**", None: ""}[r.get("ok")]
        lines.append(f"| {r['name']} | {r.get('database', '')} | {_fmt(r['value'])} {r['unit']} | {target} | {ok} "
                     f"| {r.get('notes', '')} |")
    lines += ["", f"<!-- /bench:{name} -->", ""]
    return "\n".join(lines)


def main() -> int:
    import django

    django.setup()
    only = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]
    sections: dict[str, str] = {}
    failed = False
    versions: set[str] = set()
    for name in discover(only):
        module = importlib.import_module(name)
        title = (module.__doc__ or name).strip().splitlines()[0].rstrip(".")
        print(f"== {name}: {title}", flush=True)
        started = time.perf_counter()
        results = module.run()
        elapsed = time.perf_counter() - started
        for r in results:
            print(f"   {r['name']} [{r.get('database', '')}]: {_fmt(r['value'])} {r['unit']}"
                  + ("" if r.get("ok") is None else (" ok" if r["ok"] else " FAIL")), flush=True)
            failed |= r.get("ok") is False
            if r.get("database_version"):
                versions.add(r["database_version"])
        sections[name] = section(name, title, results, elapsed, {r["database_version"] for r in results
                                                                   if r.get("database_version")})
    info = machine()
    header = [
        "# Benchmarks", "",
        "Written by `make bench` (`benchmarks/run.py`); do not edit by hand. Each benchmark step runs in a fresh",
        "process on a fresh, migrated database, so timings and peak memory (RSS) belong to that step alone.", "",
        f"Last run: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}", "",
        "| machine | |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        f"| Database engines | {', '.join(sorted(versions)) or 'see sections'} |", "",
    ]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # Read the other sections only now: another run may have rewritten the file while this one ran. The load
    # test's section is written by `make load` (benchmarks/load/run_load.py) and always kept.
    previous = {m["name"]: m.group(0) for m in SECTION.finditer(OUTPUT.read_text())} if OUTPUT.exists() else {}
    if only:
        sections = {**previous, **sections}
    sections.update({name: text for name, text in previous.items() if name in WRITTEN_ELSEWHERE})
    OUTPUT.write_text("\n".join(header) + "\n" + "\n".join(sections[k] for k in sorted(sections)))
    print(f"wrote {OUTPUT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
