"""The findings JSON, format 2 (charcot.variants.findings_json, issue 20): reportable findings in full, the others
as a table of groups and rows, read back into exactly the result that was written.

Real calls: the Platinum Genomes NA12878 chr21 records tiled over ten panel genes (the fixture of
test_quiet_memo, as benchmarks/make_wgs_vcf.py does for the whole-genome benchmark), the demo VCF and the real
Pfeiffer exome panel subset.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from charcot.genome.panel import knowledge_panel
from charcot.model import Build
from charcot.variants import api, findings_json
from charcot.variants.findings_json import COLUMNS, FINDINGS_FORMAT, expand, load
from tests.variants.test_quiet_memo import DATA, DEMO, _relocated_vcf
from tests.variants.vcfbuild import Rec, write_vcf


@pytest.fixture(scope="module")
def relocated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _relocated_vcf(tmp_path_factory.mktemp("fjson") / "na12878_relocated.vcf.gz")


def _format1(result: api.InterpretationResult) -> str:
    """The format written before (every finding in full)."""
    return json.dumps(result.model_dump(mode="json"), sort_keys=True, separators=(",", ":")) + "\n"


@pytest.mark.parametrize("which", ["relocated", "demo", "pfeiffer"])
def test_round_trip_is_exact(which: str, relocated: Path) -> None:
    vcf = {"relocated": relocated, "demo": DEMO, "pfeiffer": DATA / "pfeiffer_panel.vcf.gz"}[which]
    result = api.interpret(vcf, sex="male")
    text = api.to_json(result)
    data = json.loads(text)
    assert data["findings_format"] == FINDINGS_FORMAT
    # expanded, it is the format-1 document byte for byte; loaded, it is the same result
    assert json.dumps(expand(data), sort_keys=True, separators=(",", ":")) + "\n" == _format1(result)
    assert _format1(load(text)) == _format1(result)
    assert load(text).findings == result.findings
    # and format 1 still reads
    assert _format1(load(_format1(result))) == _format1(result)


def test_every_not_reportable_finding_is_counted(relocated: Path) -> None:
    result = api.interpret(relocated, sex="female", include_filtered=True)
    data = json.loads(api.to_json(result))
    quiet = [f for f in result.findings if not f.reportable and f.classification is not None]
    table = data["not_reportable"]
    assert len(quiet) > 500 and table["count"] == len(quiet) == len(table["rows"])
    assert table["by_gene"] == dict(Counter(f.gene for f in quiet))
    assert table["by_region"] == dict(Counter(f.position.region for f in quiet))
    assert table["by_classification"] == dict(Counter(f.classification.value for f in quiet if f.classification))
    assert sum(table["by_classification"].values()) == len(quiet)
    # every reportable or not-classified finding is written in full, in the run's order
    full = [f for f in result.findings if f.reportable or f.classification is None]
    assert [f["key"] for f in data["findings"]] == [f.key for f in full]
    assert len(full) + len(quiet) == len(result.findings)
    assert table["columns"] == list(COLUMNS)
    # far fewer groups than rows: that is what makes the file small
    assert len(table["groups"]) < len(quiet) // 5
    assert len(api.to_json(result)) < len(_format1(result)) // 3


def test_memo_off_gives_the_same_document(relocated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the groups come from the findings' content, not from how they were made
    fast = api.to_json(api.interpret(relocated))
    monkeypatch.setattr(api, "_QUIET_MEMO", False)
    assert api.to_json(api.interpret(relocated)) == fast


def test_a_changed_copy_is_its_own_group(relocated: Path) -> None:
    result = api.interpret(relocated)
    quiet = [f for f in result.findings if not f.reportable and f.classification is not None]
    # two findings copied from one template share their sub-objects; change one copy's notes in place
    first = next(f for f in quiet if sum(g.inheritance is f.inheritance for g in quiet) > 2)
    first.notes = [*first.notes, "edited after the run"]
    text = api.to_json(result)
    assert load(text).findings == result.findings
    assert any("edited after the run" in g["notes"] for g in json.loads(text)["not_reportable"]["groups"])


@pytest.mark.parametrize("which", ["relocated", "demo", "pfeiffer"])
def test_reused_full_dumps_give_the_same_document(which: str, relocated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # findings written in full reuse an earlier copy's dump (issue 20): the same bytes as dumping each one, also after
    # one copy was changed in place
    vcf = {"relocated": relocated, "demo": DEMO, "pfeiffer": DATA / "pfeiffer_panel.vcf.gz"}[which]
    result = api.interpret(vcf, sex="male")
    full = [f for f in result.findings if f.reportable or f.classification is None]
    shared = [f for f in full if sum(g.inheritance is f.inheritance for g in full) > 1]
    if which == "relocated":
        assert shared  # copies among the findings written in full
        shared[-1].notes = [*shared[-1].notes, "edited after the run"]
    reused = api.to_json(result)
    monkeypatch.setattr(findings_json, "_REUSE_FULL", False)
    assert api.to_json(result) == reused
    assert load(reused).findings == result.findings


def test_unknown_format_is_refused(relocated: Path) -> None:
    data = json.loads(api.to_json(api.interpret(DEMO)))
    data["findings_format"] = 3
    with pytest.raises(ValueError, match="format 3"):
        expand(data)


def test_not_classified_findings_are_written_in_full(tmp_path: Path) -> None:
    # a gene without an exon table in this build: its alleles' position and consequence are unknown, so they are
    # not classified; that status is listed in full in ``findings`` even though they are not reportable
    no_exons = [g for g in knowledge_panel(Build.GRCh38).genes if not g.exons]
    assert no_exons, "the test needs a panel gene without an exon table on GRCh38"
    gene = no_exons[0]
    middle = (gene.region_start + gene.region_end) // 2
    vcf = write_vcf(tmp_path / "u.vcf.gz", [Rec(gene.chrom, middle, "C", "T"), Rec(gene.chrom, middle + 40, "G", "A")],
                    build=Build.GRCh38)
    result = api.interpret(vcf)
    unknown = [f for f in result.findings if f.gene == gene.symbol]
    assert len(unknown) == 2 and all(f.classification is None and not f.reportable for f in unknown)
    data = json.loads(api.to_json(result))
    assert [f["key"] for f in data["findings"] if f["gene"] == gene.symbol] == [f.key for f in unknown]
    assert all(f["not_classified"] for f in data["findings"] if f["gene"] == gene.symbol)
    assert gene.symbol not in data["not_reportable"]["by_gene"]
