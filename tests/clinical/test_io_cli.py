from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charcot.clinical.api import assess, load_case, render_plots
from charcot.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data" / "clinical"
EXAMPLE = DATA / "example_case.yaml"


def write_case(tmp_path: Path, raw: dict[str, Any], name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.mark.parametrize(("mutate", "message", "field"), [
    (lambda r: r["visits"][0]["alsfrs_r"].update(q3=5), "less than or equal to 4", "visits.1.alsfrs_r.q3"),
    (lambda r: r["visits"][0]["alsfrs_r"].update(q3=-1), "greater than or equal to 0", "visits.1.alsfrs_r.q3"),
    (lambda r: r["visits"][1]["alsfrs_r"].update(q5b=2), "both q5a and q5b", "visits.2.alsfrs_r"),
    (lambda r: r["visits"][1]["alsfrs_r"].update(q5=2), "q5a (no gastrostomy) or q5b", "visits.2.alsfrs_r"),
    (lambda r: r["visits"][0].update(date="2023-12-01"), "before symptom onset", None),
    (lambda r: r["visits"][2].update(fvc_percent_predicted=0), "FVC % predicted must be > 0",
     "visits.3.fvc_percent_predicted"),
    (lambda r: r["visits"][2].update(fvc_percent_predicted=-5), "FVC % predicted must be > 0", None),
    (lambda r: r.update(investigations={"mri_knee": "normal"}), "unknown investigation 'mri_knee'", None),
    (lambda r: r["onset"].update(region="left_toe"), "Input should be", "onset.region"),
    (lambda r: r.update(favourite_colour="blue"), "unknown field 'favourite_colour'", "favourite_colour"),
    (lambda r: r["diagnosis"].update(date="2023-01-01"), "before symptom onset", None),
])
def test_bad_input_gives_clear_error(tmp_path: Path, run_cli: Callable[..., Any],
                                     mutate: Callable[[dict[str, Any]], None], message: str, field: str | None) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text())
    mutate(raw)
    path = write_case(tmp_path, raw)
    result = run_cli("clinical", path)
    assert result.code == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert str(path) in result.stderr and message in result.stderr
    if field:
        assert field in result.stderr


def test_invalid_yaml_names_line(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nonset: [unclosed\n")
    result = run_cli("clinical", path)
    assert result.code == 2 and "line" in result.stderr


def test_missing_file_and_bad_options(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    assert run_cli("clinical", tmp_path / "nope.yaml").code == 2
    assert "--assessment-date" in run_cli("clinical", EXAMPLE, "--assessment-date", "tomorrow").stderr
    assert run_cli("clinical", EXAMPLE, "--assessment-date", "2020-01-01").code == 2  # before onset
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["genotype"]["c9orf72_status"] = "expanded"
    conflict = run_cli("clinical", write_case(tmp_path, raw), "--c9orf72", "normal")
    assert conflict.code == 2 and "contradicts" in conflict.stderr


def test_cli_table_and_json(run_cli: Callable[..., Any]) -> None:
    table = run_cli("clinical", EXAMPLE)
    assert table.code == 0 and "King's (clinical)" in table.stdout and "ENCALS: not calculated" in table.stdout
    first = run_cli("clinical", EXAMPLE, "--format", "json", "--c9orf72", "normal", "--assessment-date", "2025-12-01")
    second = run_cli("clinical", EXAMPLE, "--format", "json", "--c9orf72", "normal", "--assessment-date", "2025-12-01")
    assert first.code == 0 and first.stdout == second.stdout  # byte-reproducible
    data = json.loads(first.stdout)
    assert data["today"] == "2025-12-01" and data["today_source"] == "explicit"
    assert data["encals"]["status"] == "assessed"
    assert {c["system"] for c in data["criteria"]} == {"revised_el_escorial", "awaji", "gold_coast"}


def test_every_cited_key_is_in_the_bibliography() -> None:
    from charcot.knowledge import get_knowledge

    result = assess(load_case(EXAMPLE), c9orf72_status="normal")
    bibliography = get_knowledge().bibliography
    assert result.sources and set(result.sources) <= set(bibliography)


def test_plots_are_png_and_reproducible(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    case = load_case(EXAMPLE)
    assessment = assess(case, c9orf72_status="normal")
    first = render_plots(case, assessment, tmp_path / "a")
    second = render_plots(case, assessment, tmp_path / "b")
    assert set(first) == {"alsfrs_trajectory", "survival_curve"}
    for name, path in first.items():
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        assert data == second[name].read_bytes()
    result = run_cli("clinical", EXAMPLE, "--outdir", tmp_path / "cli")
    assert result.code == 0 and (tmp_path / "cli" / "alsfrs_trajectory.png").exists()
    assert not (tmp_path / "cli" / "survival_curve.png").exists()  # ENCALS refused: no survival plot


def test_phenopacket_reader() -> None:
    case = load_case(DATA / "example_phenopacket.json")
    assert case.id == "DEMO-ALS-002" and case.sex.value == "female"
    assert case.onset.region.value == "bulbar" and case.diagnosis is not None
    assert [v.date.isoformat() for v in case.visits] == ["2025-03-10", "2025-07-01"]
    assert case.visits[0].alsfrs_r is not None and case.visits[0].alsfrs_r.q3 == 3
    assert case.visits[1].fvc_percent_predicted == 81 and case.visits[1].weight_kg == 61.5
    assert "HP:0003487" not in case.hpo_terms and "HP:0001260" in case.hpo_terms
    result = assess(case)
    assert result.kings_alsfrs_r[-1].regions_involved == ["bulbar"]


def test_phenopacket_errors(tmp_path: Path) -> None:
    raw = json.loads((DATA / "example_phenopacket.json").read_text())
    raw["measurements"][1]["value"]["quantity"]["value"] = 7
    path = tmp_path / "pp.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError, match="less than or equal to 4"):
        load_case(path)
    raw = json.loads((DATA / "example_phenopacket.json").read_text())
    raw["subject"]["favourite"] = 1
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError, match="not a valid Phenopacket"):
        load_case(path)
    raw = json.loads((DATA / "example_phenopacket.json").read_text())
    del raw["diseases"][0]["primarySite"]
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError, match="primarySite"):
        load_case(path)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 60) | st.floats(allow_nan=False, width=32) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_fuzz_text_only_input_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(InputError):
        load_case(path)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["id", "onset", "visits", "examination", "cognition", "genotype", "date_of_birth",
                        "diagnosis", "regions_involved"]), _json_values)
def test_fuzz_field_values_only_input_errors(tmp_path: Path, field: str, value: Any) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw[field] = value
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(raw, default=str))
    try:
        case = load_case(path)
    except InputError:
        return
    assess(case, c9orf72_status="normal")  # anything that loads must assess without crashing


def test_phenopacket_fvc_in_litres_is_refused_and_can_be_confirmed(tmp_path: Path) -> None:
    # issue 15 (round 2): the litres check must say how to confirm a real value in a Phenopacket too
    raw = json.loads((DATA / "example_phenopacket.json").read_text())
    fvc = next(m for m in raw["measurements"] if m["assay"]["id"] == "CHARCOT:fvc_percent_predicted")
    fvc["value"]["quantity"]["value"] = 3.2
    path = tmp_path / "pp.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError, match="looks like litres") as refused:
        load_case(path)
    assert "CHARCOT:fvc_percent_confirmed" in str(refused.value)
    confirm = json.loads(json.dumps(fvc))
    confirm["assay"] = {"id": "CHARCOT:fvc_percent_confirmed", "label": "fvc percent confirmed"}
    confirm["value"]["quantity"]["value"] = 1
    raw["measurements"].append(confirm)
    path.write_text(json.dumps(raw))
    case = load_case(path)
    assert any(v.fvc_percent_predicted == 3.2 and v.fvc_percent_confirmed for v in case.visits)
