"""Peeling time vs pedigree size: random loopless multi-generation pedigrees (each couple formed by
a descendant and a new founder spouse), one tested carrier, ages for everyone, C9orf72 curve.

Part 1 (library): seconds for one full ``relative_risks`` run (posterior for every person, no
sensitivity rows) and the time per person, 10 to 10,000 people.
Part 2 (CLI): the whole ``charcot risk PED --ages TSV --gene C9orf72 --carrier I0`` command, in
process, with the default sensitivity table printed, 1,000 to 30,000 people (PED and ages files
written to a temporary directory first). Target: linear, 10,000 people <= 3 s.

Usage: .venv/bin/python benchmarks/bench_peeling.py [--quick]
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from charcot.family.model import Individual, Observation, Sex, Status
from charcot.family.pedigree import Pedigree
from charcot.family.risk import relative_risks


def make_pedigree(n: int, seed: int = 0) -> Pedigree:
    rng = np.random.default_rng(seed)
    people: dict[str, Individual] = {
        "I0": Individual(id="I0", family="B", sex=Sex.MALE, status=Status.AFFECTED),
    }
    descendants = ["I0"]
    k = 1
    while len(people) < n:
        parent = descendants[int(rng.integers(len(descendants)))]
        psex = people[parent].sex
        spouse = f"I{k}"
        k += 1
        people[spouse] = Individual(id=spouse, family="B", sex=Sex.FEMALE if psex is Sex.MALE else Sex.MALE)
        father, mother = (parent, spouse) if psex is Sex.MALE else (spouse, parent)
        for _ in range(int(rng.integers(1, 4))):
            if len(people) >= n:
                break
            cid = f"I{k}"
            k += 1
            people[cid] = Individual(id=cid, family="B", father=father, mother=mother,
                                     sex=Sex.MALE if rng.random() < 0.5 else Sex.FEMALE,
                                     status=Status.AFFECTED if rng.random() < 0.05 else Status.UNAFFECTED)
            descendants.append(cid)
        # a parent may take only one spouse in this generator, keeping the graph loopless
        descendants.remove(parent)
        if not descendants:
            break
    obs = {iid: Observation(age=float(rng.integers(5, 90))) for iid in people}
    return Pedigree(people, source="benchmark", observations=obs)


def write_inputs(ped: Pedigree, folder: Path) -> tuple[Path, Path]:
    code = {"male": "1", "female": "2", "unknown": "0"}
    status = {"affected": "2", "unaffected": "1", "unknown": "0"}
    lines = [f"{i.family}\t{i.id}\t{i.father or 0}\t{i.mother or 0}\t{code[i.sex.value]}\t{status[i.status.value]}"
             for i in ped]
    ped_path = folder / "family.ped"
    ped_path.write_text("\n".join(lines) + "\n")
    ages = folder / "ages.tsv"
    ages.write_text("id\tage\n" + "".join(f"{iid}\t{o.age:g}\n" for iid, o in ped.observations.items()))
    return ped_path, ages


def cli_seconds(ped_path: Path, ages: Path) -> tuple[float, float]:
    from charcot.cli import main as charcot_main

    out = io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        code = charcot_main(["risk", str(ped_path), "--ages", str(ages), "--gene", "C9orf72", "--carrier", "I0"])
    sec, cpu = time.perf_counter() - start, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"charcot risk failed with exit code {code}")
    return sec, cpu


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"# library: one relative_risks run, no sensitivity rows (load average {os.getloadavg()[0]:.1f})")
    print("size\tseconds\tus_per_person")
    for n in (10, 100, 1000, 10000) if quick else (10, 100, 1000, 3000, 10000):
        ped = make_pedigree(n)
        relative_risks(ped, "C9orf72", carrier="I0", sensitivity=False)  # warm caches (knowledge load)
        start = time.perf_counter()
        relative_risks(ped, "C9orf72", carrier="I0", sensitivity=False)
        sec = time.perf_counter() - start
        print(f"{len(ped)}\t{sec:.3f}\t{sec / len(ped) * 1e6:.0f}")
    print("# CLI: charcot risk with --ages and the sensitivity table (in process, knowledge loaded once)")
    print("size\twall_seconds\tcpu_seconds\tcpu_us_per_person")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1000, 10000) if quick else (1000, 3000, 10000, 30000):
            folder = Path(tmp) / str(n)
            folder.mkdir()
            ped_path, ages = write_inputs(make_pedigree(n), folder)
            cli_seconds(ped_path, ages) if n == 1000 else None  # warm-up (imports, knowledge)
            sec, cpu = cli_seconds(ped_path, ages)
            print(f"{n}\t{sec:.3f}\t{cpu:.3f}\t{cpu / n * 1e6:.0f}")


if __name__ == "__main__":
    main()
