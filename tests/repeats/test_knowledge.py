"""Repeat knowledge: coordinates derived from the ExpansionHunter catalogs, per-source thresholds,
and the validator's check hook."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from charcot.knowledge import Knowledge, get_knowledge
from charcot.knowledge.loader import DATA_DIR, unknown_source_problems
from charcot.knowledge.schema import repeats as schema
from charcot.model import Build

HERE = Path(__file__).resolve().parent
SHARED_COPY = HERE.parent / "data" / "repeats" / "shared"


@pytest.fixture(autouse=True)
def _catalog_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check re-reads the EH catalogs; point it at the copies committed under tests/data.
    monkeypatch.setenv("CHARCOT_SHARED_DATA", str(SHARED_COPY))


def _records() -> list[schema.Record]:
    return get_knowledge().typed("repeats", schema.Record)


def test_coordinates_are_catalog_regions_converted_to_one_based() -> None:
    for build, stem in ((Build.GRCh37, "grch37"), (Build.GRCh38, "grch38")):
        catalog = {e["LocusId"]: e for e in json.loads((SHARED_COPY / "str" / "expansionhunter" /
                                                         f"variant_catalog_{stem}.json").read_text())}
        for record in _records():
            chrom, span = catalog[record.id]["ReferenceRegion"].split(":")
            start0, end = (int(x) for x in span.split("-"))
            coords = record.coords(build)
            assert coords is not None
            assert (coords.chrom, coords.start, coords.end) == (chrom, start0 + 1, end)
            # the region is a whole number of reference motifs
            assert (coords.end - coords.start + 1) % len(record.reference_motif or "x") == 0


def test_known_values_of_c9orf72_region() -> None:
    # GRCh38 1-based chr9:27573529-27573546 is also what str-analysis' metadata table (1-based) lists.
    c9 = get_knowledge().typed("repeats", schema.Record)[0]
    assert c9.id == "C9ORF72"
    grch38 = c9.coords(Build.GRCh38)
    assert grch38 is not None and (grch38.start, grch38.end) == (27573529, 27573546)
    assert c9.reference_motif == "GGCCCC" and c9.display_motif == "GGGGCC"


def test_check_passes_and_sources_resolve() -> None:
    kb = get_knowledge()
    records = kb.records("repeats")
    assert schema.check(records, kb) == []
    assert unknown_source_problems("repeats", records, kb.bibliography) == []


def test_check_without_shared_data_uses_committed_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHARCOT_SHARED_DATA", str(tmp_path / "absent"))
    monkeypatch.setattr(schema, "shared_data_dir", lambda: None)
    kb = get_knowledge()
    assert schema.check(kb.records("repeats"), kb) == []


def test_check_reports_coordinates_that_disagree_with_catalog(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    derived = data / schema.DERIVED_FILE
    table = json.loads(derived.read_text())
    # an off-by-one error: the 0-based start stored as if it were 1-based
    table["loci"]["ATXN2"]["coordinates"]["GRCh38"]["start"] -= 1
    derived.write_text(json.dumps(table))
    kb = Knowledge(data)
    problems = schema.check(kb.records("repeats"), kb)
    assert len(problems) == 1
    assert problems[0].record == "ATXN2" and "disagree with the ExpansionHunter catalog" in problems[0].message


def test_every_default_and_set_is_ordered() -> None:
    for record in _records():
        assert record.default.id == record.default_set
        for tset in record.threshold_sets:
            assert tset.check_ranges() is None, (record.id, tset.id)


def test_sources_disagree_and_are_kept_apart() -> None:
    atxn2 = next(r for r in _records() if r.id == "ATXN2")
    by_set = {s.id: s.classify(30) for s in atxn2.threshold_sets}
    assert by_set["als_risk_by_length"] is not None
    assert by_set["als_risk_by_length"].category == schema.RepeatCategory.INTERMEDIATE
    assert by_set["stranger_catalog"] is not None and by_set["stranger_catalog"].category == schema.RepeatCategory.NORMAL
    assert by_set["gnomad_catalog"] is not None and by_set["gnomad_catalog"].category == schema.RepeatCategory.INTERMEDIATE
    c9 = next(r for r in _records() if r.id == "C9ORF72")
    assert c9.threshold_set("stranger_catalog").classify(40).category == schema.RepeatCategory.PATHOGENIC  # type: ignore[union-attr]
    assert c9.threshold_set("stranger_catalog").classify(39).category == schema.RepeatCategory.INTERMEDIATE  # type: ignore[union-attr]


def test_derivation_script_region_parser() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("derive_repeat_loci", HERE.parents[1] / "scripts" / "derive_repeat_loci.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.parse_region("chr9:27573528-27573546") == ("9", 27573529, 27573546)
    assert module.parse_region("X:66765158-66765227") == ("X", 66765159, 66765227)
    with pytest.raises(ValueError):
        module.parse_region("9-27573528")


def test_every_locus_compares_itself_with_stranger_and_strchive() -> None:
    for record in _records():
        for set_id in schema.REFERENCE_SETS:
            comparison = record.threshold_set(set_id).comparison
            assert comparison and "charcot" in comparison, (record.id, set_id)


def test_validator_requires_the_reference_comparison() -> None:
    records = _records()
    atxn2 = next(r for r in records if r.id == "ATXN2")
    atxn2.threshold_set("strchive").comparison = None
    problems = schema.check(records, get_knowledge())
    assert any(p.record == "ATXN2" and "'strchive'" in p.message for p in problems)
