"""Peeling time vs pedigree size (10 to 10,000 people): random loopless multi-generation
pedigrees (each couple formed by a descendant and a new founder spouse), one tested carrier, ages
for everyone, C9orf72 curve. Prints size, seconds for one full risk run (posterior for every
person, no sensitivity rows) and the time per person.

Usage: .venv/bin/python benchmarks/bench_peeling.py
"""

from __future__ import annotations

import time

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


def main() -> None:
    print("size\tseconds\tus_per_person")
    for n in (10, 100, 1000, 3000, 10000):
        ped = make_pedigree(n)
        relative_risks(ped, "C9orf72", carrier="I0", sensitivity=False)  # warm caches (knowledge load)
        start = time.perf_counter()
        relative_risks(ped, "C9orf72", carrier="I0", sensitivity=False)
        sec = time.perf_counter() - start
        print(f"{len(ped)}\t{sec:.3f}\t{sec / len(ped) * 1e6:.0f}")


if __name__ == "__main__":
    main()
