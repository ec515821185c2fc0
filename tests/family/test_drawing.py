"""Tests of the pedigree drawing (charcot.family.drawing) and ``charcot risk --draw``."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charcot.family.drawing import UNIT, draw_pedigree, pedigree_svg
from charcot.family.model import Sex, Status
from charcot.family.pedigree import Pedigree, read_observations, read_pedigree
from charcot.family.risk import relative_risks

DATA = Path(__file__).resolve().parents[1] / "data" / "family"
NS = "{http://www.w3.org/2000/svg}"
SHAPE = {f"{NS}rect": "square", f"{NS}circle": "circle", f"{NS}polygon": "diamond"}
EXPECTED_SHAPE = {Sex.MALE: "square", Sex.FEMALE: "circle", Sex.UNKNOWN: "diamond"}


def real_pedigrees() -> dict[str, Pedigree]:
    return {
        "three_generation": read_pedigree(DATA / "three_generation.ped"),
        "ashk_trio": read_pedigree(DATA / "ashk_trio.ped"),
        "ceph_slivar": read_pedigree(DATA / "ceph_slivar.ped", repair=True),
    }


def symbols(svg: str) -> dict[str, tuple[str, float, float, ET.Element]]:
    """data-id -> (shape, cx, cy, element) for every person symbol (legend symbols have no data-id)."""
    root = ET.fromstring(svg)
    out: dict[str, tuple[str, float, float, ET.Element]] = {}
    for el in root.iter():
        pid = el.get("data-id")
        if pid is None:
            continue
        assert pid not in out, f"two symbols for {pid}"
        shape = SHAPE[el.tag]
        if shape == "square":
            cx = float(el.get("x", "nan")) + float(el.get("width", "nan")) / 2
            cy = float(el.get("y", "nan")) + float(el.get("height", "nan")) / 2
        elif shape == "circle":
            cx, cy = float(el.get("cx", "nan")), float(el.get("cy", "nan"))
        else:
            pts = [tuple(map(float, p.split(","))) for p in el.get("points", "").split()]
            cx = sum(p[0] for p in pts) / len(pts)
            cy = sum(p[1] for p in pts) / len(pts)
        out[pid] = (shape, cx, cy, el)
    return out


def labels_under(svg: str, cx: float, cy: float) -> list[str]:
    """Texts centred on the symbol's x and within 70 px below it, top to bottom."""
    root = ET.fromstring(svg)
    found = [(float(t.get("y", "0")), t.text or "") for t in root.iter(f"{NS}text")
             if abs(float(t.get("x", "0")) - cx) < 0.5 and cy < float(t.get("y", "0")) < cy + 70]
    return [text for _, text in sorted(found)]


def pct(v: float) -> str:
    return "<0.1%" if 0 < v < 0.0005 else f"{v:.1%}"


@pytest.fixture(scope="module")
def three_gen_risk() -> tuple[Pedigree, object]:
    ped = read_pedigree(DATA / "three_generation.ped")
    obs = read_observations(DATA / "ages.tsv", ped)
    return ped, relative_risks(ped, "C9orf72", carrier="GP", observations=obs)


@pytest.mark.parametrize("name", ["three_generation", "ashk_trio", "ceph_slivar"])
def test_one_symbol_per_person_with_shape_and_fill(name: str) -> None:
    ped = real_pedigrees()[name]
    svg = pedigree_svg(ped)
    syms = symbols(svg)
    assert set(syms) == set(ped.ids)
    for ind in ped:
        shape, _, _, el = syms[ind.id]
        assert shape == EXPECTED_SHAPE[ind.sex], ind.id
        assert el.get("fill") == ("#000" if ind.status is Status.AFFECTED else "#fff"), ind.id
        assert ind.status.value in (el.get("class") or "").split()
    # the fixtures carry real variety: both sexes, affected and unknown status
    if name == "ashk_trio":
        assert syms["HG002"][3].get("fill") == "#000" and syms["HG003"][3].get("fill") == "#fff"


@pytest.mark.parametrize("name", ["three_generation", "ashk_trio", "ceph_slivar"])
def test_layout_no_shared_coordinates_and_children_below_parents(name: str) -> None:
    ped = real_pedigrees()[name]
    syms = symbols(pedigree_svg(ped))
    points = [(round(cx, 1), round(cy, 1)) for _, cx, cy, _ in syms.values()]
    assert len(set(points)) == len(points)
    by_row: dict[float, list[float]] = {}
    for x, y in points:
        by_row.setdefault(y, []).append(x)
    for xs in by_row.values():  # a full slot between neighbours: symbols and labels cannot overlap
        xs.sort()
        assert all(b - a >= UNIT - 1e-6 for a, b in itertools.pairwise(xs))
    for ind in ped:
        if ind.father is not None and ind.mother is not None:
            assert syms[ind.id][2] > max(syms[ind.father][2], syms[ind.mother][2]), ind.id
    # a founder who married in stands in their spouse's generation (three_generation: SP beside CH)
    if name == "three_generation":
        assert syms["SP"][2] == syms["CH"][2] and abs(syms["SP"][1] - syms["CH"][1]) == pytest.approx(UNIT)


def test_probabilities_match_risk_result(three_gen_risk: tuple[Pedigree, object]) -> None:
    ped, result = three_gen_risk
    svg = pedigree_svg(ped, result)  # type: ignore[arg-type]
    syms = symbols(svg)
    horizon = f"{result.assumptions.horizon_years:g}-y"  # type: ignore[attr-defined]
    for row in result.individuals:  # type: ignore[attr-defined]
        _, cx, cy, _ = syms[row.id]
        lines = labels_under(svg, cx, cy)
        assert lines[0] == row.id
        assert lines[1] == ("age unknown" if row.age is None else f"age {row.age:g}")
        assert f"P(carrier) {pct(row.p_carrier)}" in lines, (row.id, lines)
        if row.risk_next_years is not None:
            assert f"{horizon} risk {pct(row.risk_next_years)}" in lines
        elif row.status is not Status.AFFECTED:
            assert f"{horizon} risk not assessed" in lines
    # the numbers differ between relatives, so a label attached to the wrong person would fail above
    assert len({r.p_carrier for r in result.individuals}) > 2  # type: ignore[attr-defined]
    # the named carrier gets the tested-carrier mark beside the symbol
    _, cx, cy, el = syms["GP"]
    assert "carrier" in (el.get("class") or "").split()
    root = ET.fromstring(svg)
    assert any(t.text == "+" and cx < float(t.get("x", "0")) < cx + 40 for t in root.iter(f"{NS}text"))


def test_noncarrier_mark_obligate_dot_and_proband_arrow(tmp_path: Path) -> None:
    ped = read_pedigree(DATA / "three_generation.ped")
    ages = tmp_path / "ages.tsv"
    ages.write_text("id\tage\tstatus\ttest\nCH\t70\tunaffected\t\nGC\t40\tunaffected\tcarrier\n"
                    "SP\t65\tunaffected\tnoncarrier\n")
    obs = read_observations(ages, ped)
    result = relative_risks(ped, "C9orf72", observations=obs)
    svg = pedigree_svg(ped, result, proband="GC")
    syms = symbols(svg)
    root = ET.fromstring(svg)
    texts = list(root.iter(f"{NS}text"))
    _, sx, _, sp = syms["SP"]
    assert "noncarrier" in (sp.get("class") or "").split()
    assert any(t.text == "\u2212" and sx < float(t.get("x", "0")) < sx + 40 for t in texts)
    # CH is untested, unaffected, and the father of a tested carrier whose mother tested negative:
    # an obligate carrier (P = 1), drawn with a central dot
    assert result.by_id("CH").p_carrier == pytest.approx(1.0)
    _, cx, cy, _ = syms["CH"]
    dots = [(float(c.get("cx", "0")), float(c.get("cy", "0"))) for c in root.iter(f"{NS}circle")
            if c.get("class") == "obligate"]
    assert dots == [(cx, cy)]
    _, gx, gy, _ = syms["GC"]
    assert any(t.text == "P" and float(t.get("x", "0")) < gx and float(t.get("y", "0")) > gy for t in texts)
    assert "P" not in [t.text for t in ET.fromstring(pedigree_svg(ped, result)).iter(f"{NS}text")]


def test_markup_in_ids_is_escaped(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    other = "a&b\"c'd>"
    path = tmp_path / "evil.ped"
    path.write_text(f"F {evil} 0 0 1 2\nF {other} 0 0 2 1\nF kid {evil} {other} 1 1\n")
    ped = read_pedigree(path)
    result = relative_risks(ped, "C9orf72", carrier=evil, ages={"kid": 50}, sensitivity=False)
    svg = pedigree_svg(ped, result, proband=evil)
    assert "<script" not in svg.lower() and "javascript" not in svg.lower()
    syms = symbols(svg)  # parses as XML and the IDs round-trip exactly
    assert set(syms) == {evil, other, "kid"}
    titles = {t.text for t in ET.fromstring(svg).iter(f"{NS}title")}
    assert evil in titles and other in titles
    # a control character is not legal XML even escaped: replaced, and the document still parses
    path.write_text("F x\x01y 0 0 1 2\n")
    assert set(symbols(pedigree_svg(read_pedigree(path)))) == {"x\ufffdy"}


def test_self_contained_and_deterministic(three_gen_risk: tuple[Pedigree, object], tmp_path: Path) -> None:
    ped, result = three_gen_risk
    first = pedigree_svg(ped, result)  # type: ignore[arg-type]
    again = pedigree_svg(read_pedigree(DATA / "three_generation.ped"), result)  # type: ignore[arg-type]
    assert first == again
    out = draw_pedigree(ped, result, tmp_path / "p.svg")  # type: ignore[arg-type]
    assert out.read_bytes() == first.encode("utf-8")
    lowered = first.lower()
    for ref in ("href", "url(", "<image", "<script", "@import", "http://", "https://"):
        if ref == "http://":  # only the SVG namespace URI is allowed
            assert lowered.count(ref) == 1 and 'xmlns="http://www.w3.org/2000/svg"' in first
        else:
            assert ref not in lowered, ref
    big = real_pedigrees()["ceph_slivar"]
    assert pedigree_svg(big) == pedigree_svg(read_pedigree(DATA / "ceph_slivar.ped", repair=True))


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc", "Zl", "Zp", "Cs", "Cn")), min_size=1,
                        max_size=12), min_size=3, max_size=3, unique=True))
@settings(max_examples=60, deadline=None)
def test_arbitrary_ids_give_valid_svg(ids: list[str]) -> None:
    from charcot.family.model import Individual

    a, b, c = ids
    ped = Pedigree({
        a: Individual(id=a, family="F", sex=Sex.MALE, status=Status.AFFECTED),
        b: Individual(id=b, family="F", sex=Sex.FEMALE),
        c: Individual(id=c, family="F", father=a, mother=b),
    })
    svg = pedigree_svg(ped, proband=c)
    syms = symbols(svg)
    assert set(syms) == set(ids)
    assert syms[a][0] == "square" and syms[a][3].get("fill") == "#000" and syms[c][0] == "diamond"


def test_cli_draw_png_and_svg(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out").mkdir()
    png = tmp_path / "out" / "family.png"
    res = run_cli("risk", DATA / "three_generation.ped", "--gene", "C9orf72", "--carrier", "GP", "--ages",
                  DATA / "ages.tsv", "--draw", png)
    assert res.code == 0, res.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    from PIL import Image

    with Image.open(png) as im:
        w, h = im.size
        assert w > 300 and h > 300
        # black pixels exist (symbols, lines, the filled affected grandfather), not a blank canvas
        assert im.convert("L").getextrema()[0] < 50
    svg_path = tmp_path / "family.svg"
    res = run_cli("risk", DATA / "three_generation.ped", "--gene", "C9orf72", "--carrier", "GP", "--ages",
                  DATA / "ages.tsv", "--draw", svg_path)
    assert res.code == 0, res.stderr
    ped = read_pedigree(DATA / "three_generation.ped")
    result = relative_risks(ped, "C9orf72", carrier="GP", observations=read_observations(DATA / "ages.tsv", ped))
    assert svg_path.read_text(encoding="utf-8") == pedigree_svg(ped, result)


def test_cli_draw_bad_suffix_writes_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "family.pdf"
    out_json = tmp_path / "r.json"
    res = run_cli("risk", DATA / "three_generation.ped", "--gene", "C9orf72", "--draw", bad, "-o", out_json)
    assert res.code == 2 and ".svg or .png" in res.stderr and "Traceback" not in res.stderr
    assert not bad.exists() and not out_json.exists()
