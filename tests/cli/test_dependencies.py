"""Reproducible installs: every declared dependency is used, pinned in requirements.lock within its
declared range, and above the versions with known advisories."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# distribution -> import name, where they differ
IMPORT_NAMES = {"PyYAML": "yaml", "Jinja2": "jinja2", "hpo3": "pyhpo", "SQLAlchemy": "sqlalchemy",
                "psycopg2-binary": "psycopg2", "pillow": "PIL", "python-multipart": "multipart",
                "argon2-cffi": "argon2"}
# declared only to set a security floor under a library that a direct dependency uses
SECURITY_FLOORS = {"starlette", "h11", "python-multipart", "pillow"}
# used without an import statement: a driver named in a database URL, a test-only client
INDIRECT = {"psycopg2-binary": "SQLAlchemy loads it for postgresql+psycopg2:// URLs", "httpx": "FastAPI TestClient"}
TOOLS = {"pytest", "pytest-xdist", "hypothesis", "ruff", "mypy", "types-PyYAML", "playwright"}


def _requirements() -> list[Requirement]:
    lines = list(PROJECT["dependencies"])
    for items in PROJECT["optional-dependencies"].values():
        lines += [item for item in items if not item.startswith("charcot[")]
    return [Requirement(line) for line in lines]


def _lock() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = Version(version)
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_declared_dependency_is_imported() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "src").rglob("*.py"))
    unused = []
    for req in _requirements():
        if req.name in TOOLS or req.name in SECURITY_FLOORS or req.name in INDIRECT or req.name == "hail":
            continue
        module = IMPORT_NAMES.get(req.name, req.name.replace("-", "_"))
        if not re.search(rf"^\s*(import|from)\s+{re.escape(module)}\b", sources, re.MULTILINE):
            unused.append(req.name)
    assert unused == [], f"declared but never imported: {unused}"
    assert not {"lifelines", "statsmodels"} & {r.name for r in _requirements()}


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    pins = _lock()
    problems = []
    for req in _requirements():
        if req.name == "hail":  # its own environment (.venv-hail), not locked here
            continue
        pin = pins.get(_canonical(req.name))
        if pin is None:
            problems.append(f"{req.name} is not in requirements.lock (run 'make lock')")
        elif pin not in req.specifier:
            problems.append(f"{req.name}=={pin} in requirements.lock is outside {req.specifier}")
    assert problems == []


def test_minimums_exclude_known_advisories() -> None:
    floors = {"python-multipart": "0.0.31", "Jinja2": "3.1.6", "starlette": "0.49.1", "h11": "0.16", "pillow": "11.3"}
    declared = {r.name: r for r in _requirements()}
    for name, floor in floors.items():
        spec = declared[name].specifier
        assert not spec.contains("0.0.9" if name == "python-multipart" else "0.0.1")
        assert all(Version(s.version) >= Version(floor) for s in spec if s.operator == ">="), (name, str(spec))
