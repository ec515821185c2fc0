"""Report inputs other than the demo's: a Phenopacket instead of a clinical YAML, odd JSON, a VCF alone."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charcot.errors import InputError
from charcot.model import AssessmentStatus
from charcot.report.build import CaseInputs, _hpo_from_phenopacket, build_report
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.phenopacket import render_phenopacket


def test_phenopacket_round_trip_as_input(tmp_path: Path) -> None:
    first = build_report(replace(demo_inputs(), hpo=["HP:0007354"]))
    packet = tmp_path / "p.json"
    packet.write_text(render_phenopacket(first))
    again = build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz", phenopacket=packet))
    assert again.header.patient_id == "DEMO-001"
    assert "HP:0007354" in again.header.hpo_terms
    assert again.header.sex == "female"


def test_vcf_alone_says_what_was_not_assessed() -> None:
    report = build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz"))
    # the demo VCF holds records on chr21 only: the genes elsewhere are not assessed, so genetics is partial
    assert report.genetics.status == AssessmentStatus.PARTIAL
    assert "SOD1" in report.genetics.genes_assessed and "TARDBP" in report.genetics.genes_not_covered
    for section in (report.repeats, report.family, report.clinical):
        assert section.status == AssessmentStatus.NOT_ASSESSED
    whats = " ".join(n.what for n in report.not_assessed).lower()
    assert "c9orf72" in whats and "family" in whats and "clinical" in whats
    assert any("C9orf72 repeat NOT assessed" in s.text for s in report.summary)


def test_proband_missing_from_pedigree_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not in the pedigree"):
        build_report(replace(demo_inputs(), proband="NOBODY"))


@pytest.mark.parametrize("value", [{"phenotypicFeatures": [{"type": "x"}]}, {"phenotypicFeatures": 5},
                                   {"subject": "s", "phenotypicFeatures": [None, {"type": {"id": 3}}]}, [1, 2]])
def test_phenopacket_reader_edge_cases(tmp_path: Path, value: object) -> None:
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(value))
    try:
        terms, _, _ = _hpo_from_phenopacket(path)
    except InputError:
        return
    assert terms == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                                        max_size=4),
                    max_leaves=20))
def test_phenopacket_reader_never_crashes(tmp_path: Path, value: object) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(value))
    try:
        terms, subject, sex = _hpo_from_phenopacket(path)
    except InputError:
        return
    assert all(isinstance(t, str) for t in terms)
    assert subject is None or isinstance(subject, str)
    assert sex is None or isinstance(sex, str)


def test_a_proband_missing_from_a_family_vcf_is_named() -> None:
    trio = Path(__file__).resolve().parents[1] / "data" / "report"
    with pytest.raises(InputError) as info:
        build_report(CaseInputs(vcf=trio / "scout_643594_trio.vcf.gz", ped=trio / "scout_643594.ped", proband="NOPE"))
    # regression: it said only "the VCF has 3 samples", as if no proband had been given
    assert "'NOPE' is not a sample of the VCF" in info.value.message and "ADM1059A2" in info.value.message
