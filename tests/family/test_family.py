"""Tests of charcot.family: pedigree validation, peeling vs closed forms and brute force, risks, evidence."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charcot.errors import InputError
from charcot.family.model import Observation, Status
from charcot.family.model import TestResult as Typed
from charcot.family.pedigree import read_pedigree
from charcot.family.peeling import enumerate_posteriors, hardy_weinberg, peel
from charcot.family.penetrance import penetrance_record
from charcot.family.risk import relative_risks

DATA = Path(__file__).resolve().parents[1] / "data" / "family"


def write_ped(tmp_path: Path, text: str, name: str = "f.ped") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def duo(tmp_path: Path) -> Path:
    return write_ped(tmp_path, "F P 0 0 1 2\nF M 0 0 2 1\nF C P M 1 1\n")


C9_EXACT = {"curve": "ecdf_affected", "sex_specific": False, "phenocopy": 0.0, "carrier_frequency": 1e-10}


def f_c9(age: int) -> float:
    return penetrance_record("C9orf72").curve("ecdf_affected").values[age]


# --- the de Vienne & de Vienne headline and closed forms ------------------------------------------

def test_de_vienne_headline_child_unaffected_at_70(tmp_path: Path) -> None:
    ped = read_pedigree(duo(tmp_path))
    res = relative_risks(ped, "C9orf72", carrier="P", ages={"C": 70}, nonpenetrance=0.0, **C9_EXACT)
    p = res.by_id("C").p_carrier
    # published: "approximately a 6% risk"; the curve of their code gives F(70) = 0.9398 -> 5.68%
    assert 0.055 < p < 0.060
    F = f_c9(70)
    assert p == pytest.approx((1 - F) / (2 - F), abs=1e-6)


@pytest.mark.parametrize("age", [30, 40, 50, 60, 65, 70, 80])
@pytest.mark.parametrize("x", [0.0, 0.2, 0.5])
def test_child_closed_form_and_next_years(tmp_path: Path, age: int, x: float) -> None:
    ped = read_pedigree(duo(tmp_path))
    res = relative_risks(ped, "C9orf72", carrier="P", ages={"C": age}, nonpenetrance=x, horizon_years=10,
                         **C9_EXACT)
    fp, fpn = (1 - x) * f_c9(age), (1 - x) * f_c9(min(age + 10, 100))
    row = res.by_id("C")
    assert row.p_carrier == pytest.approx((1 - fp) / (2 - fp), abs=1e-6)
    assert row.risk_next_years == pytest.approx((fpn - fp) / (2 - fp), abs=1e-6)


def test_reference_table_x02_at_70(tmp_path: Path) -> None:
    # als-knowledge.md section 3b worked table: 70 y, x = 0.2 -> 19.9%
    ped = read_pedigree(duo(tmp_path))
    res = relative_risks(ped, "C9orf72", carrier="P", ages={"C": 70}, nonpenetrance=0.2, **C9_EXACT)
    assert res.by_id("C").p_carrier == pytest.approx(0.199, abs=0.001)


@pytest.mark.parametrize(("t1", "t2"), [(70, 40), (50, 25), (60, 35)])
def test_grandchild_closed_form(tmp_path: Path, t1: int, t2: int) -> None:
    path = write_ped(tmp_path, "F G 0 0 1 2\nF W 0 0 2 1\nF C G W 1 1\nF S 0 0 2 1\nF K C S 2 1\n")
    ped = read_pedigree(path)
    x = 0.2
    res = relative_risks(ped, "C9orf72", carrier="G", ages={"C": t1, "K": t2}, nonpenetrance=x, **C9_EXACT)
    f1, f2 = (1 - x) * f_c9(t1), (1 - x) * f_c9(t2)
    assert res.by_id("K").p_carrier == pytest.approx((1 - f2) / (2 * (2 - f1) / (1 - f1) - f2), abs=1e-6)


def test_textbook_affected_parent_tested_sibling(tmp_path: Path) -> None:
    # Sibling tested non-carrier gives no information on the other child: still 1/2 at birth-like age 0.
    path = write_ped(tmp_path, "F P 0 0 1 2\nF M 0 0 2 1\nF A P M 1 0\nF B P M 2 0\n")
    ped = read_pedigree(path)
    obs = {"B": Observation(test=Typed.NONCARRIER)}
    res = relative_risks(ped, "C9orf72", carrier="P", ages={"A": 0}, observations=obs, **C9_EXACT)
    assert res.by_id("A").p_carrier == pytest.approx(0.5, abs=1e-6)
    # an untested parent of an affected child: posterior is high, and a tested carrier child forces it
    path2 = write_ped(tmp_path, "F P 0 0 1 0\nF M 0 0 2 0\nF A P M 1 0\n", "g.ped")
    res2 = relative_risks(read_pedigree(path2), "C9orf72", observations={"A": Observation(test=Typed.CARRIER)},
                          **C9_EXACT)
    assert res2.by_id("P").p_carrier == pytest.approx(0.5, abs=1e-6)


def test_probabilities_move_the_right_way_with_age(tmp_path: Path) -> None:
    ped = read_pedigree(duo(tmp_path))
    ps = [relative_risks(ped, "C9orf72", carrier="P", ages={"C": a}, sensitivity=False).by_id("C").p_carrier
          for a in range(20, 95, 5)]
    assert all(0 <= p <= 1 for p in ps)
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(ps))
    # more non-penetrance keeps the unaffected 70-year-old's carrier probability higher
    xs = [relative_risks(ped, "C9orf72", carrier="P", ages={"C": 70}, nonpenetrance=x,
                         sensitivity=False).by_id("C").p_carrier for x in (0.0, 0.2, 0.5, 0.8)]
    assert xs == sorted(xs)
    assert xs[-1] - xs[0] > 0.3


def test_sensitivity_includes_population_maximum(tmp_path: Path) -> None:
    res = relative_risks(read_pedigree(duo(tmp_path)), "C9orf72", carrier="P", ages={"C": 70})
    xs = [r.nonpenetrance for r in res.sensitivity]
    assert 0.0 in xs and pytest.approx(0.666) in xs
    assert res.assumptions.nonpenetrance == 0.2


def test_sex_specific_curves_used(tmp_path: Path) -> None:
    res = relative_risks(read_pedigree(duo(tmp_path)), "C9orf72", carrier="P", ages={"C": 60}, sensitivity=False)
    assert res.by_id("C").curve == "km_male"
    assert res.by_id("M").curve == "km_female"


def test_other_genes_have_unverified_curves(tmp_path: Path) -> None:
    for gene in ("SOD1", "TARDBP", "FUS"):
        res = relative_risks(read_pedigree(duo(tmp_path)), gene, carrier="P", ages={"C": 50}, sensitivity=False)
        assert res.assumptions.curve_confidence == "unverified"
        assert 0 < res.by_id("C").p_carrier < 0.5


# --- peeling vs brute force ---------------------------------------------------------------------

@st.composite
def random_pedigree(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    n_founders = draw(st.integers(2, 4))
    father = [-1] * n_founders
    mother = [-1] * n_founders
    sexes = [draw(st.sampled_from([0, 1])) for _ in range(n_founders)]
    n_total = draw(st.integers(n_founders, 8))
    used_as_parent: set[int] = set()
    while len(father) < n_total:
        males = [i for i, s in enumerate(sexes) if s == 0]
        females = [i for i, s in enumerate(sexes) if s == 1]
        if not males or not females:
            father.append(-1)
            mother.append(-1)
        else:
            f = draw(st.sampled_from(males))
            m = draw(st.sampled_from(females))
            father.append(f)
            mother.append(m)
            used_as_parent |= {f, m}
        sexes.append(draw(st.sampled_from([0, 1])))
    n = len(father)
    like = np.array([[draw(st.floats(0.01, 1.0)) for _ in range(3)] for _ in range(n)])
    cf = draw(st.floats(0.001, 0.5))
    return np.array(father, dtype=np.int64), np.array(mother, dtype=np.int64), like, cf


@settings(max_examples=60, deadline=None)
@given(random_pedigree())
def test_peeling_equals_enumeration(case: tuple[np.ndarray, np.ndarray, np.ndarray, float]) -> None:
    father, mother, like, cf = case
    prior = hardy_weinberg(cf)
    brute = enumerate_posteriors(father, mother, like, prior)
    result = peel(father, mother, like, prior)  # random matings often create loops: loop breaking is exact
    assert np.allclose(result.posteriors, brute.posteriors, rtol=0, atol=1e-13)
    assert result.log_likelihood == pytest.approx(brute.log_likelihood, abs=1e-9)
    assert np.all(result.posteriors >= 0) and np.allclose(result.posteriors.sum(1), 1)


FIRST_COUSINS = ("F A 0 0 1 0\nF B 0 0 2 0\nF C A B 1 0\nF D A B 2 0\nF E 0 0 2 0\nF G 0 0 1 0\n"
                 "F H C E 1 0\nF I G D 2 0\nF K H I 1 0\n")
# double first cousins: brothers C, D marry sisters E, F; their children H and I marry
DOUBLE_FIRST_COUSINS = ("F A 0 0 1 0\nF B 0 0 2 0\nF X 0 0 1 0\nF Y 0 0 2 0\nF C A B 1 0\nF D A B 1 0\n"
                        "F E X Y 2 0\nF G X Y 2 0\nF H C E 1 2\nF I D G 2 0\nF K H I 1 0\n")


@pytest.mark.parametrize("text", [FIRST_COUSINS, DOUBLE_FIRST_COUSINS])
def test_looped_pedigrees_equal_brute_force(tmp_path: Path, text: str) -> None:
    from charcot.family.risk import pedigree_arrays, solve

    ped = read_pedigree(write_ped(tmp_path, text))
    father, mother = pedigree_arrays(ped)
    rng = np.random.default_rng(7)
    like = rng.uniform(0.05, 1.0, (len(ped), 3))
    exact = solve(ped, like, 0.01)
    brute = enumerate_posteriors(father, mother, like, hardy_weinberg(0.01))
    assert np.max(np.abs(exact.posteriors - brute.posteriors)) < 1e-14
    assert exact.log_likelihood == pytest.approx(brute.log_likelihood, abs=1e-12)
    # loop breaking for one loop here; two loops in 11 people: variable elimination is the faster
    solver = "loop breaking" if text == FIRST_COUSINS else "variable elimination"
    assert solver in exact.method
    res = relative_risks(ped, "C9orf72", carrier="A", ages={"K": 30}, sensitivity=False)
    assert solver in res.assumptions.method


def test_loop_names_only_people_on_the_loop(tmp_path: Path) -> None:
    ped = read_pedigree(write_ped(tmp_path, FIRST_COUSINS))
    # the cycle: couple A×B - C - couple C×E - H - couple H×I - I - couple G×D - D - couple A×B
    assert ped.loops() == [["C", "D", "H", "I"]]
    double = read_pedigree(write_ped(tmp_path, DOUBLE_FIRST_COUSINS))
    assert len(double.loops()) == 2 and all("K" not in loop for loop in double.loops())


def test_large_looped_pedigree_is_solved_and_many_loops_too(tmp_path: Path) -> None:
    big = read_pedigree(DATA / "ceph_slivar.ped", repair=True)
    assert len(big) > 12 and big.loops()
    res = relative_risks(big, "C9orf72", carrier=big.ids[0], sensitivity=False)
    assert "loop breaking" in res.assumptions.method
    # seven separate first-cousin marriages: 7 loop breakers, beyond loop breaking's 6 (was refused, issue 15):
    # variable elimination, and each family alone gives the loop-breaking answer
    lines = []
    for f in range(7):
        lines.append(FIRST_COUSINS.replace("F ", f"F{f} ").replace("\n", "\n").strip())
    text = "\n".join(" ".join(f"{tok}{f}" if k in (1, 2, 3) and tok != "0" else tok
                               for k, tok in enumerate(line.split()))
                      for f, block in enumerate(lines) for line in block.splitlines()) + "\n"
    many = read_pedigree(write_ped(tmp_path, text))
    assert len(many.loops()) == 7
    res = relative_risks(many, "C9orf72", carrier="A3", ages={"K3": 30}, sensitivity=False)
    assert "variable elimination" in res.assumptions.method
    one = relative_risks(read_pedigree(write_ped(tmp_path, FIRST_COUSINS, "one.ped")), "C9orf72", carrier="A",
                         ages={"K": 30}, sensitivity=False)
    assert "loop breaking" in one.assumptions.method
    for iid in ("B", "C", "D", "H", "I", "K"):
        assert res.by_id(f"{iid}3").p_carrier == pytest.approx(one.by_id(iid).p_carrier, abs=1e-12)


# --- pedigree validation ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("F A 0 0 1\n", "at least 6 columns"),
    ("F A 0 0 1 1\nF A 0 0 1 1\n", "appears twice"),
    ("F A 0 0 2 1\nF B 0 0 2 1\nF C A B 1 1\n", "recorded as female"),
    ("F A 0 0 1 1\nF B 0 0 1 1\nF C A B 1 1\n", "recorded as male"),
    ("F A 0 0 1 1\nF C A 0 1 1\n", "other is missing"),
    ("F A 0 0 1 1\nF C A X 1 1\n", "not an individual"),
    ("F A C B 1 1\nF B 0 0 2 1\nF C A B 1 1\n", "own ancestor"),
    ("F A A 0 1 1\n", "own parent"),
    ("# only a header\n", "no individuals"),
])
def test_bad_ped_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_pedigree(write_ped(tmp_path, text))
    assert info.value.path is not None


def test_real_ceph_ped_errors_then_repairs() -> None:
    with pytest.raises(InputError, match="other is missing") as info:
        read_pedigree(DATA / "ceph_slivar.ped")
    assert info.value.line == 57
    ped = read_pedigree(DATA / "ceph_slivar.ped", repair=True)
    assert len(ped) > 600 and any("placeholder" in n for n in ped.notes)


def test_phenopacket_family(tmp_path: Path) -> None:
    doc = {
        "id": "fam1",
        "proband": {"id": "p", "subject": {"id": "C", "timeAtLastEncounter": {"age": {"iso8601duration": "P70Y"}}}},
        "pedigree": {"persons": [
            {"familyId": "fam1", "individualId": "P", "sex": "MALE", "affectedStatus": "AFFECTED"},
            {"familyId": "fam1", "individualId": "M", "sex": "FEMALE", "affectedStatus": "UNAFFECTED"},
            {"familyId": "fam1", "individualId": "C", "paternalId": "P", "maternalId": "M", "sex": "MALE",
             "affectedStatus": "UNAFFECTED"},
        ]},
    }
    path = tmp_path / "family.json"
    path.write_text(json.dumps(doc))
    ped = read_pedigree(path)
    assert ped.proband == "C" and ped.observations["C"].age == 70
    assert ped["P"].status is Status.AFFECTED
    res = relative_risks(ped, "C9orf72", carrier="P", nonpenetrance=0.0, **C9_EXACT)
    assert res.by_id("C").p_carrier == pytest.approx(0.0568, abs=5e-4)
    bad = tmp_path / "bad.json"
    bad.write_text('{"pedigree": {"persons": [{"individualId": "A", "paternalId": "Z", "maternalId": "Y"}]}}')
    with pytest.raises(InputError, match="not an individual"):
        read_pedigree(bad)


@given(st.text(max_size=300))
@settings(max_examples=100, deadline=None)
def test_ped_parser_fuzz(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.ped"
        path.write_text(text, encoding="utf-8")
        try:
            ped = read_pedigree(path)
        except InputError:
            return
        assert len(ped) >= 1


# --- CLI ----------------------------------------------------------------------------------------

def test_cli_risk(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out_json = tmp_path / "r.json"
    args = ("risk", DATA / "three_generation.ped", "--gene", "C9orf72", "--carrier", "GP", "--ages", DATA / "ages.tsv")
    res = run_cli(*args)
    assert res.code == 0, res.stderr
    assert "CH" in res.stdout and "sensitivity" in res.stdout
    res = run_cli(*args, "-o", out_json, "--plot", tmp_path / "p.png", "--plot-id", "GC")
    assert res.code == 0 and res.stdout == "", res.stderr
    data = json.loads(out_json.read_text())
    assert {r["id"] for r in data["individuals"]} == {"GP", "GM", "CH", "SP", "GC"}
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_bad_input(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write_ped(tmp_path, "F A 0 0 2 1\nF B 0 0 2 1\nF C A B 1 1\n")
    out = tmp_path / "r.json"
    res = run_cli("risk", bad, "--gene", "C9orf72", "-o", out)
    assert res.code == 2 and "recorded as female" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
    res = run_cli("risk", DATA / "three_generation.ped", "--gene", "NOTAGENE")
    assert res.code == 2


# --- VCF evidence --------------------------------------------------------------------------------

def test_family_evidence_de_novo_on_real_trio() -> None:
    from charcot.family.api import family_evidence

    ped = read_pedigree(DATA / "ashk_trio.ped")
    keys = ["1-155036260-C-T", "1-200080462-A-AT"]
    ev = family_evidence(DATA / "ashk_trio_subset.vcf.gz", ped, "HG002", keys)
    assert set(ev) == set(keys)
    for key in keys:
        dn = [e for e in ev[key] if e.criterion in ("PS2", "PM6") and e.applied]
        assert dn, ev[key]
        assert "father no variant (homozygous reference) (genotype quality 99" in dn[0].reason and "parentage" in dn[0].reason
    # an inherited heterozygous variant is not called de novo
    from cyvcf2 import VCF

    inherited = None
    for v in VCF(str(DATA / "ashk_trio_subset.vcf.gz")):
        if list(v.gt_types) == [1, 1, 0] and min(v.gt_quals) >= 50:
            inherited = f"{v.CHROM}-{v.POS}-{v.REF}-{v.ALT[0]}"
            break
    assert inherited is not None
    ev2 = family_evidence(DATA / "ashk_trio_subset.vcf.gz", ped, "HG002", [inherited])
    assert not any(e.applied for e in ev2[inherited] if e.criterion in ("PS2", "PM6"))


def test_segregation_bayes_factor_levels(tmp_path: Path) -> None:
    from charcot.family.segregation import segregation_bayes_factor

    # four affected siblings all carry, parents untyped: 2^3-ish evidence for an AD variant
    lines = ["F P 0 0 1 0", "F M 0 0 2 0"] + [f"F S{i} P M {1 + i % 2} 2" for i in range(5)]
    ped = read_pedigree(write_ped(tmp_path, "\n".join(lines) + "\n"))
    carriers = {f"S{i}": Typed.CARRIER for i in range(5)}
    flb, _ = segregation_bayes_factor(ped, None, carriers, nonpenetrance=0.0)
    assert flb > 8
    # one affected non-carrier among four affected carriers is explained as a phenocopy: still strong
    carriers["S4"] = Typed.NONCARRIER
    flb2, _ = segregation_bayes_factor(ped, None, carriers, nonpenetrance=0.0)
    assert 1 < flb2 < flb
    # the proband's variant absent from all four affected siblings: lack of segregation
    others = {"S0": Typed.CARRIER} | {f"S{i}": Typed.NONCARRIER for i in range(1, 5)}
    flb3, _ = segregation_bayes_factor(ped, None, others, nonpenetrance=0.0)
    assert flb3 < 1 / 32


def test_segregation_says_what_the_vcf_covered(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A trio VCF with no record in any ALS gene printed only 'proband HG002; 0 variant(s)': nothing told the reader
    whether the genes were examined. The notes now give the records read and the panel genes not assessed."""
    import json

    res = run_cli("segregation", DATA / "ashk_trio_subset.vcf.gz", "--ped", DATA / "ashk_trio.ped", "--format", "json")
    assert res.code == 0, res.stderr
    notes = json.loads(res.stdout)["notes"]
    assert "402 record(s) read, 0 of them in ALS panel genes" in notes
    missing = next(n for n in notes if n.startswith("not assessed: "))
    assert "panel gene(s) on chromosomes with no record in the VCF" in missing and "C9orf72" in missing
    table = run_cli("segregation", DATA / "ashk_trio_subset.vcf.gz", "--ped", DATA / "ashk_trio.ped")
    assert "note: not assessed: " in table.stdout
