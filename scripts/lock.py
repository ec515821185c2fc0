"""Write ``requirements.lock``: the exact version of every package ``charcot[dev]`` needs, read from
the environment it runs in (the closure of its requirements, markers evaluated for this Python).

The lock is a pip/uv *constraints* file: ``make venv`` installs ``-e '.[dev]'`` with ``-c
requirements.lock``, so a fresh machine gets the versions the tests passed with. To update it
(docs/CLI.md, "Reproducible installs"):

    rm -rf .venv && python3.11 -m venv .venv
    .venv/bin/pip install -U -e '.[dev]'          # newest versions allowed by pyproject.toml
    make test                                      # they must pass
    .venv/bin/python scripts/lock.py > requirements.lock
    git diff requirements.lock                     # review, then commit with pyproject.toml

Usage: python scripts/lock.py [--extras dev] > requirements.lock
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT_PACKAGE = "charcot"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _root_requirements(extras: set[str]) -> list[Requirement]:
    """charcot's own requirements from pyproject.toml (not the possibly stale installed metadata)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    lines = list(project["dependencies"])
    todo, done = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in done:
            continue
        done.add(extra)
        for line in optional.get(extra, []):
            req = Requirement(line)
            if _canonical(req.name) == ROOT_PACKAGE:
                todo.extend(req.extras)
            else:
                lines.append(line)
    return [Requirement(line) for line in lines]


def closure(extras: set[str]) -> dict[str, str]:
    """name -> version of every installed distribution charcot[extras] needs."""
    found: dict[str, str] = {}
    pending: list[tuple[Requirement, frozenset[str]]] = [(r, frozenset()) for r in _root_requirements(extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        req, context = pending.pop()
        if req.marker is not None:
            if "extra" in str(req.marker):
                if not any(req.marker.evaluate({"extra": e}) for e in context):
                    continue
            elif not req.marker.evaluate():
                continue
        key = (_canonical(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"lock: {req.name} is required but not installed; install '.[dev]' first") from None
        if dist.version not in req.specifier and req.specifier:
            raise SystemExit(f"lock: installed {req.name} {dist.version} does not satisfy {req}")
        found[_canonical(dist.metadata["Name"])] = dist.version
        pending.extend((Requirement(line), frozenset(req.extras)) for line in dist.requires or [])
    return dict(sorted(found.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description="write the charcot lock file (constraints) to stdout")
    parser.add_argument("--extras", default="dev", help="comma-separated extras of charcot to lock (default dev)")
    options = parser.parse_args()
    pins = closure({e.strip() for e in options.extras.split(",") if e.strip()})
    python = ".".join(map(str, sys.version_info[:2]))
    sys.stdout.write(f"# charcot lock file: exact versions for charcot[{options.extras}] on Python {python}.\n"
                     "# A pip/uv constraints file, written by scripts/lock.py; update it as scripts/lock.py says.\n")
    for name, version in pins.items():
        sys.stdout.write(f"{name}=={version}\n")


if __name__ == "__main__":
    main()
