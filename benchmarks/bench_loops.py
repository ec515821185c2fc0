"""Looped pedigrees: loop breaking (3^k vectorised passes) against variable elimination
(``family.elimination``) on random pedigrees of 18-25 people with k = 1..6 loop breakers, and the time
to refuse a pedigree too interlinked for exact computation (elimination clique above 12 people).

Usage: .venv/bin/python benchmarks/bench_loops.py
"""

from __future__ import annotations

import time

import numpy as np

from charcot.family.elimination import MAX_CLIQUE_PEOPLE, eliminate, elimination_order
from charcot.family.peeling import build_graph, hardy_weinberg, loop_breaking


def random_pedigree(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    father, mother, male = [-1, -1, -1], [-1, -1, -1], [True, False, True]
    while len(father) < n:
        if rng.random() < 0.3:  # a spouse from outside the family
            father.append(-1)
            mother.append(-1)
        else:
            father.append(int(rng.choice([i for i, s in enumerate(male) if s])))
            mother.append(int(rng.choice([i for i, s in enumerate(male) if not s])))
        male.append(bool(rng.random() < 0.5))
    return np.array(father, dtype=np.int64), np.array(mother, dtype=np.int64)


def interbred(width: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """Each generation's children have parents from the previous one in a rotating pattern."""
    father, mother = [-1] * width, [-1] * width
    for g in range(1, generations):
        prev = range((g - 1) * width, g * width)
        males, females = [p for p in prev if p % 2 == 0], [p for p in prev if p % 2 == 1]
        for k in range(width):
            father.append(males[k % len(males)])
            mother.append(females[(k + g) % len(females)])
    return np.array(father, dtype=np.int64), np.array(mother, dtype=np.int64)


def main() -> None:
    rng = np.random.default_rng(9)
    prior = hardy_weinberg(0.01)
    for k in range(1, 7):
        while True:
            father, mother = random_pedigree(rng, int(rng.integers(18, 26)))
            graph = build_graph(father, mother)
            if len(graph.breakers) == k:
                break
        like = rng.uniform(0.05, 1.0, (len(father), 3))
        times = []
        for solver in (loop_breaking, eliminate):
            start = time.perf_counter()
            for _ in range(5):
                solver(graph, like, prior)
            times.append((time.perf_counter() - start) / 5 * 1000)
        print(f"{len(father)} people, {k} loop breakers: loop breaking {times[0]:.1f} ms, "
              f"variable elimination {times[1]:.1f} ms")
    for width, generations in ((12, 6), (20, 100)):
        father, mother = interbred(width, generations)
        graph = build_graph(father, mother)
        like = np.ones((len(father), 3))
        start = time.perf_counter()
        _, largest = elimination_order([(i,) if father[i] < 0 else (int(father[i]), int(mother[i]), i)
                                        for i in range(len(father))], len(father), MAX_CLIQUE_PEOPLE)
        if largest <= MAX_CLIQUE_PEOPLE:
            eliminate(graph, like, prior)
        print(f"interbred {len(father)} people, {len(graph.breakers)} loops: "
              f"{'solved' if largest <= MAX_CLIQUE_PEOPLE else 'refused'} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
