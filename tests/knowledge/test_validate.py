"""The validator: every problem is reported with file and record, no traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from charcot.errors import KnowledgeError
from charcot.knowledge import Knowledge, get_knowledge
from charcot.knowledge.validate import validate


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_committed_knowledge_base_validates_against_real_table_subsets(subset: Path) -> None:
    report = validate(shared_dir=subset)
    assert report.ok, [p.render() for p in report.problems]
    curated = len(get_knowledge().records("genes"))
    assert curated >= 80 and any(f"re-derived {curated} genes" in n for n in report.notes)
    assert any("52 rows" in n for n in report.notes)


def test_corrupted_gene_file_raises_knowledge_error_naming_file_and_record(kb_copy: Path) -> None:
    _replace(kb_copy / "genes.yaml", "  - symbol: TBK1\n    hgnc_id: \"HGNC:11584\"\n    role: causal",
             "  - symbol: TBK1\n    hgnc_id: \"HGNC:11584\"\n    role: very_causal")
    with pytest.raises(KnowledgeError) as info:
        _ = Knowledge(kb_copy).genes
    text = info.value.render()
    assert "genes.yaml" in text and "TBK1" in text and "role" in text
    assert "Traceback" not in text


def test_broken_yaml_names_the_line(kb_copy: Path) -> None:
    (kb_copy / "variants.yaml").write_text("records:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        Knowledge(kb_copy).records("variants")
    assert info.value.line is not None and "variants.yaml" in str(info.value.path)


def test_validate_reports_unknown_source_duplicate_and_moved_span(kb_copy: Path, subset: Path) -> None:
    _replace(kb_copy / "variants.yaml", "sources: [S-CVG93C, S-InterVarPS1]", "sources: [S-NoSuchKey]")
    genes = kb_copy / "genes.yaml"
    text = genes.read_text(encoding="utf-8")
    block = re.search(r"  - \{symbol: NEFH.*?\n(?=  - )", text, re.S)
    assert block is not None
    genes.write_text(text + block.group(0), encoding="utf-8")  # NEFH twice
    derived = kb_copy / "derived" / "genes.json"
    doc = json.loads(derived.read_text(encoding="utf-8"))
    doc["genes"]["SOD1"]["coordinates"]["GRCh38"]["span"]["start"] += 1000
    derived.write_text(json.dumps(doc), encoding="utf-8")

    report = validate(kb_copy, shared_dir=subset)
    rendered = [p.render() for p in report.problems]
    assert not report.ok
    assert any("variants.yaml" in r and "SOD1-G94C" in r and "S-NoSuchKey" in r for r in rendered), rendered
    assert any("genes.yaml" in r and "NEFH" in r and "duplicate" in r for r in rendered), rendered
    assert any("derived/genes.json" in r and "SOD1" in r and "coordinates" in r for r in rendered), rendered


def test_validate_without_shared_tables_says_so(kb_copy: Path, tmp_path: Path) -> None:
    report = validate(kb_copy, shared_dir=tmp_path / "nowhere")
    assert report.ok, [p.render() for p in report.problems]
    assert any("re-derivation not possible" in n for n in report.notes)


def test_clingen_disagreement_is_reported(kb_copy: Path, subset: Path) -> None:
    derived = kb_copy / "derived" / "genes.json"
    doc = json.loads(derived.read_text(encoding="utf-8"))
    doc["genes"]["DAO"]["clingen"][0]["classification"] = "Definitive"
    derived.write_text(json.dumps(doc), encoding="utf-8")
    report = validate(kb_copy, shared_dir=subset)
    rendered = [p.render() for p in report.problems]
    assert any("DAO" in r and "ClinGen" in r for r in rendered), rendered
    assert any("DAO" in r and "refuted" in r for r in rendered), rendered  # role no longer fits Definitive


def test_missing_section_and_schema_errors_are_all_listed(kb_copy: Path) -> None:
    (kb_copy / "claims.yaml").unlink()
    _replace(kb_copy / "variants.yaml", "hgvs_p: p.(His47Arg)", "hgvs_p: His47Arg")
    _replace(kb_copy / "variants.yaml", "transcript: NM_004960.4", "transcript: ENST0001")
    report = validate(kb_copy)
    assert "claims" in report.missing_sections
    rendered = [p.render() for p in report.problems]
    assert any("SOD1-H47R" in r for r in rendered) and any("FUS-P525L" in r for r in rendered), rendered


def test_frequency_threshold_must_agree_with_its_model(kb_copy: Path) -> None:
    _replace(kb_copy / "genes.yaml", "frequency:\n        <<: *ad_rare\n      sources: [S-CG25, S-CSH, S-AbouTayoun18]",
             "frequency:\n        <<: *ad_rare\n        bs1: 0.01\n      sources: [S-CG25, S-CSH, S-AbouTayoun18]")
    report = validate(kb_copy)
    assert any("OPTN" in p.render() and "max-credible-AF" in p.render() for p in report.problems)
