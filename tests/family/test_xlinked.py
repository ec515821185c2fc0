"""X-linked transmission (issue 15): peeling against brute force, closed forms, UBQLN2 refusal."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from charcot.family.model import Observation, Status
from charcot.family.pedigree import read_pedigree
from charcot.family.peeling import build_graph, peel_graph, x_transmission
from charcot.family.penetrance import penetrance_record
from charcot.family.risk import relative_risks

# grandfather G (carrier) x W; daughter D x H; D's son S and daughter T; D's brother B marries cousin-free E
FAMILY = ("F G 0 0 1 1\nF W 0 0 2 1\nF D G W 2 1\nF B G W 1 1\nF H 0 0 1 1\nF S H D 1 1\nF T H D 2 1\n"
          "F E 0 0 2 1\nF K B E 1 1\n")


def brute_force_x(father: np.ndarray, mother: np.ndarray, male: np.ndarray, like: np.ndarray,
                  q: float) -> np.ndarray:
    """Every genotype configuration with X-linked transmission (males 0/1, females 0/1/2)."""
    post = np.zeros((len(father), 3))
    for config, w in x_configurations(father, mother, male, like, q):
        for i, g in enumerate(config):
            post[i, g] += w
    return post / post[0].sum()


def x_configurations(father: Any, mother: Any, male: Any, like: np.ndarray,
                     q: float) -> Iterator[tuple[tuple[int, ...], float]]:
    """Each genotype configuration with its weight under X-linked transmission (founders by sex), by brute force."""
    son, daughter = x_transmission(False), x_transmission(True)
    for config in itertools.product(range(3), repeat=len(father)):
        w = 1.0
        for i, g in enumerate(config):
            if male[i] and g == 2:
                w = 0.0
                break
            w *= like[i, g]
            if father[i] < 0:
                w *= [1 - q, q, 0.0][g] if male[i] else [(1 - q) ** 2, 2 * q * (1 - q), q * q][g]
            else:
                w *= (son if male[i] else daughter)[3 * config[father[i]] + config[mother[i]], g]
        yield config, w


def test_x_linked_peeling_equals_brute_force() -> None:
    # a loop too: cousins K (son of B) and T (daughter of D) have a child Z
    father = np.array([-1, -1, 0, 0, -1, 4, 4, -1, 3, 8])
    mother = np.array([-1, -1, 1, 1, -1, 2, 2, -1, 7, 6])
    male = np.array([1, 0, 0, 1, 1, 1, 0, 0, 1, 1], dtype=bool)
    rng = np.random.default_rng(3)
    like = rng.uniform(0.05, 1.0, (len(father), 3))
    q = 0.05
    prior = np.where(male[:, None], np.array([1 - q, q, 0.0]), np.array([(1 - q) ** 2, 2 * q * (1 - q), q * q]))
    graph = build_graph(father, mother, np.where(male, 1, 2).astype(np.int64))
    result = peel_graph(graph, like, prior)
    assert np.max(np.abs(result.posteriors - brute_force_x(father, mother, male, like, q))) < 1e-13
    assert graph.loops  # loop breaking also under X-linked transmission


def x_record() -> Any:
    c9 = penetrance_record("C9orf72")
    return c9.model_copy(update={"gene": "TEST-X", "x_linked": True, "female_nonpenetrance": 0.5})


def test_x_linked_closed_forms(tmp_path: Path) -> None:
    path = tmp_path / "x.ped"
    path.write_text(FAMILY)
    ped = read_pedigree(path)
    res = relative_risks(ped, "TEST-X", carrier="G", penetrance=x_record(), nonpenetrance=0.0,
                         carrier_frequency=1e-9, sensitivity=False)
    assert res.by_id("D").p_carrier == pytest.approx(1.0, abs=1e-6)  # a carrier father's daughter
    assert res.by_id("B").p_carrier == pytest.approx(0.0, abs=1e-6)  # his son gets his Y
    assert res.by_id("K").p_carrier == pytest.approx(0.0, abs=1e-6)
    assert res.by_id("S").p_carrier == pytest.approx(0.5, abs=1e-6)  # an obligate carrier mother's son
    assert "X-linked model" in " ".join(res.assumptions.caveats)
    # an unaffected daughter of 70 lowers her son's probability through the females' own penetrance
    aged = relative_risks(ped, "TEST-X", carrier="G", penetrance=x_record(), nonpenetrance=0.0,
                          carrier_frequency=1e-9, sensitivity=False,
                          observations={"S": Observation(age=70, status=Status.UNAFFECTED)})
    assert aged.by_id("S").p_carrier < 0.5 and aged.by_id("D").p_carrier == pytest.approx(1.0, abs=1e-6)


def test_ubqln2_names_the_missing_curves(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "x.ped"
    path.write_text(FAMILY)
    out = run_cli("risk", path, "--gene", "UBQLN2")
    assert out.code == 2 and "X-linked" in out.stderr and "hemizygous males" in out.stderr
    assert "no sourced penetrance curve for UBQLN2" in out.stderr
    assert "heterozygous females" in out.stderr and "Traceback" not in out.stderr
