"""Variable elimination for looped pedigrees (issue 15): equal to brute force and to loop breaking; a
consanguineous pedigree with more loops than loop breaking handles now answers; unrelated people with no
data change nothing; a pedigree too interlinked is refused with the limit named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from charcot.errors import InputError
from charcot.family.elimination import MAX_CLIQUE_PEOPLE, eliminate, largest_clique
from charcot.family.pedigree import read_pedigree
from charcot.family.peeling import (
    ENUMERATION_LIMIT,
    build_graph,
    enumerate_posteriors,
    hardy_weinberg,
    loop_breaking,
    peel_graph,
    prefers_loop_breaking,
    x_transmission,
)
from charcot.family.risk import pedigree_arrays, relative_risks

FIRST_COUSINS = ("F A 0 0 1 0\nF B 0 0 2 0\nF C A B 1 0\nF D A B 2 0\nF E 0 0 2 0\nF G 0 0 1 0\n"
                 "F H C E 1 0\nF I G D 2 0\nF K H I 1 0\n")
DOUBLE_FIRST_COUSINS = ("F A 0 0 1 0\nF B 0 0 2 0\nF X 0 0 1 0\nF Y 0 0 2 0\nF C A B 1 0\nF D A B 1 0\n"
                        "F E X Y 2 0\nF G X Y 2 0\nF H C E 1 2\nF I D G 2 0\nF K H I 1 0\n")


def random_pedigree(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Founders first, then children of random earlier couples: matings between relatives make loops."""
    n_founders = int(rng.integers(2, 5))
    father, mother = [-1] * n_founders, [-1] * n_founders
    male = [bool(k % 2 == 0) for k in range(n_founders)]
    while len(father) < n:
        males = [i for i, s in enumerate(male) if s]
        females = [i for i, s in enumerate(male) if not s]
        if rng.random() < 0.1:
            father.append(-1)
            mother.append(-1)
        else:
            father.append(int(rng.choice(males)))
            mother.append(int(rng.choice(females)))
        male.append(bool(rng.random() < 0.5))
    return np.array(father, dtype=np.int64), np.array(mother, dtype=np.int64), np.array(male)


def brute_force_x(father: np.ndarray, mother: np.ndarray, male: np.ndarray, like: np.ndarray,
                  prior: np.ndarray) -> tuple[np.ndarray, float]:
    """Every genotype configuration under X-linked transmission (vectorised)."""
    n = len(father)
    configs = np.indices((3,) * n).reshape(n, -1).T
    weight = np.ones(len(configs))
    son, daughter = x_transmission(False), x_transmission(True)
    for i in range(n):
        g = configs[:, i]
        weight *= like[i, g]
        if father[i] < 0:
            weight *= prior[i, g]
        else:
            weight *= (son if male[i] else daughter)[3 * configs[:, father[i]] + configs[:, mother[i]], g]
    post = np.stack([np.bincount(configs[:, i], weights=weight, minlength=3) for i in range(n)])
    return post / weight.sum(), float(np.log(weight.sum()))


def test_elimination_equals_brute_force_on_random_pedigrees() -> None:
    rng = np.random.default_rng(15)
    looped = 0
    for trial in range(120):
        n = int(rng.integers(4, 10)) if trial < 115 else ENUMERATION_LIMIT
        father, mother, _ = random_pedigree(rng, n)
        like = rng.uniform(0.01, 1.0, (n, 3))
        prior = hardy_weinberg(float(rng.uniform(0.001, 0.5)))
        graph = build_graph(father, mother)
        looped += bool(graph.loops)
        result = eliminate(graph, like, prior)
        brute = enumerate_posteriors(father, mother, like, prior)
        assert np.max(np.abs(result.posteriors - brute.posteriors)) < 1e-12
        assert result.log_likelihood == pytest.approx(brute.log_likelihood, abs=1e-12)
    assert looped > 60  # most random pedigrees here have loops


def test_elimination_equals_brute_force_x_linked() -> None:
    rng = np.random.default_rng(23)
    looped = 0
    for _ in range(40):
        n = int(rng.integers(5, 10))
        father, mother, male = random_pedigree(rng, n)
        like = rng.uniform(0.01, 1.0, (n, 3))
        q = float(rng.uniform(0.01, 0.3))
        prior = np.where(male[:, None], [1 - q, q, 0.0], [(1 - q) ** 2, 2 * q * (1 - q), q * q])
        graph = build_graph(father, mother, np.where(male, 1, 2).astype(np.int64))
        looped += bool(graph.loops)
        result = eliminate(graph, like, prior)
        post, log_like = brute_force_x(father, mother, male, like, prior)
        assert np.max(np.abs(result.posteriors - post)) < 1e-12
        assert result.log_likelihood == pytest.approx(log_like, abs=1e-12)
        assert np.all(result.posteriors[male, 2] == 0)  # hemizygous males
    assert looped > 20


@pytest.mark.parametrize("text", [FIRST_COUSINS, DOUBLE_FIRST_COUSINS])
def test_cousin_marriages_equal_brute_force_and_loop_breaking(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.ped"
    path.write_text(text)
    ped = read_pedigree(path)
    father, mother = pedigree_arrays(ped)
    like = np.random.default_rng(7).uniform(0.05, 1.0, (len(ped), 3))
    graph = build_graph(father, mother)
    assert graph.loops
    result = eliminate(graph, like, hardy_weinberg(0.01))
    brute = enumerate_posteriors(father, mother, like, hardy_weinberg(0.01))
    breaking = loop_breaking(graph, like, hardy_weinberg(0.01))
    assert "loop breaking" in breaking.method
    for other in (brute, breaking):
        assert np.max(np.abs(result.posteriors - other.posteriors)) < 1e-12
        assert result.log_likelihood == pytest.approx(other.log_likelihood, abs=1e-12)


def test_elimination_equals_loop_breaking_on_larger_pedigrees() -> None:
    rng = np.random.default_rng(5)
    compared = 0
    while compared < 10:
        n = int(rng.integers(14, 22))
        father, mother, male = random_pedigree(rng, n)
        x_linked = compared % 3 == 2
        graph = build_graph(father, mother, np.where(male, 1, 2).astype(np.int64) if x_linked else None)
        if not 1 <= len(graph.breakers) <= 5:
            continue
        like = rng.uniform(0.01, 1.0, (n, 3))
        prior = hardy_weinberg(0.02)
        breaking = loop_breaking(graph, like, prior)
        assert "loop breaking" in breaking.method
        result = eliminate(graph, like, prior)
        assert np.max(np.abs(result.posteriors - breaking.posteriors)) < 1e-12
        assert result.log_likelihood == pytest.approx(breaking.log_likelihood, abs=1e-10)
        chosen = breaking if prefers_loop_breaking(len(graph.breakers), n) else result
        assert peel_graph(graph, like, prior).method == chosen.method
        compared += 1


def consanguineous_ped(extra: str = "") -> str:
    """30 people over five generations: four siblings' children marry their cousins, and so do the
    grandchildren (8 independent loops)."""
    rows = ["A 0 0 1", "B 0 0 2", "C1 A B 1", "C2 A B 1", "C3 A B 2", "C4 A B 2",
            "S1 0 0 2", "S2 0 0 2", "S3 0 0 1", "S4 0 0 1"]
    parents = [("C1", "S1"), ("C2", "S2"), ("S3", "C3"), ("S4", "C4")]
    for k, (f, m) in enumerate(parents):
        rows += [f"D{2 * k + 1} {f} {m} 1", f"D{2 * k + 2} {f} {m} 2"]
    for k, (f, m) in enumerate([("D1", "D4"), ("D3", "D6"), ("D5", "D8"), ("D7", "D2")]):
        rows += [f"E{2 * k + 1} {f} {m} 1", f"E{2 * k + 2} {f} {m} 2"]
    for k, (f, m) in enumerate([("E1", "E4"), ("E3", "E6"), ("E5", "E8"), ("E7", "E2")]):
        rows.append(f"F{k + 1} {f} {m} {1 + k % 2}")
    return "".join(f"FAM {row} {2 if row.startswith('E1 ') else 1}\n" for row in rows) + extra


def test_consanguineous_pedigree_with_eight_loops_answers(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "big.ped"
    path.write_text(consanguineous_ped())
    ped = read_pedigree(path)
    graph = build_graph(*pedigree_arrays(ped))
    assert len(ped) == 30 and len(graph.loops) == 8 and len(graph.breakers) == 8  # refused before (6 at most)
    ages = tmp_path / "ages.tsv"
    ages.write_text("id\tage\nD2\t61\nF1\t35\nE3\t48\n")
    out = run_cli("risk", path, "--gene", "C9orf72", "--carrier", "A", "--ages", ages, "--format", "json")
    assert out.code == 0, out.stderr
    first = json.loads(out.stdout)
    assert "variable elimination" in first["assumptions"]["method"]
    p = {row["id"]: row["p_carrier"] for row in first["individuals"]}
    assert p["A"] == pytest.approx(1.0) and 0.5 < p["C1"] < 1.0 and 0 < p["F1"] < 1
    # unrelated people without data (a lone founder and a founder couple with a child) change nothing
    path.write_text(consanguineous_ped("FAM U1 0 0 1 0\nFAM U2 0 0 2 0\nFAM U3 0 0 1 0\nFAM U4 U3 U2 2 0\n"))
    again = run_cli("risk", path, "--gene", "C9orf72", "--carrier", "A", "--ages", ages, "--format", "json")
    assert again.code == 0, again.stderr
    q = {row["id"]: row for row in json.loads(again.stdout)["individuals"]}
    for row in first["individuals"]:
        for key in ("p_carrier", "risk_next_years", "risk_lifetime"):
            if row[key] is None:
                assert q[row["id"]][key] is None
            else:
                assert q[row["id"]][key] == pytest.approx(row[key], abs=1e-12)
    assert json.loads(again.stdout)["log_likelihood"] == pytest.approx(first["log_likelihood"], abs=1e-9)
    # listing the people in another order (another elimination order) gives the same posteriors
    shuffled = tmp_path / "shuffled.ped"
    shuffled.write_text("".join(reversed(consanguineous_ped().splitlines(keepends=True))))
    third = relative_risks(read_pedigree(shuffled), "C9orf72", carrier="A", sensitivity=False)
    plain = relative_risks(ped, "C9orf72", carrier="A", sensitivity=False)
    for iid in ped.ids:
        assert third.by_id(iid).p_carrier == pytest.approx(plain.by_id(iid).p_carrier, abs=1e-12)


def interbred_ped(width: int, generations: int) -> str:
    """Each generation's children have parents from the previous generation in a rotating pattern."""
    lines = [f"FAM P0_{k} 0 0 {1 if k % 2 == 0 else 2} 1\n" for k in range(width)]
    for g in range(1, generations):
        males = [f"P{g - 1}_{k}" for k in range(0, width, 2)]
        females = [f"P{g - 1}_{k}" for k in range(1, width, 2)]
        for k in range(width):
            lines.append(f"FAM P{g}_{k} {males[k % len(males)]} {females[(k + g) % len(females)]} "
                         f"{1 if k % 2 == 0 else 2} 1\n")
    return "".join(lines)


def test_too_interlinked_pedigree_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "dense.ped"
    path.write_text(interbred_ped(12, 8))
    ped = read_pedigree(path)
    assert largest_clique(build_graph(*pedigree_arrays(ped))) > MAX_CLIQUE_PEOPLE
    with pytest.raises(InputError, match=f"the limit is {MAX_CLIQUE_PEOPLE} people"):
        relative_risks(ped, "C9orf72", carrier="P0_0", sensitivity=False)
    path.write_text(interbred_ped(12, 6))  # 72 people, 19 loops: within the limit
    ped = read_pedigree(path)
    res = relative_risks(ped, "C9orf72", carrier="P0_0", sensitivity=False)
    assert "variable elimination" in res.assumptions.method
