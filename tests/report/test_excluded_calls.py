"""A variant call the run leaves out (FILTER not PASS, GQ/DP below the thresholds) is not "no variant".

Unseen case: the demo's real NA12878 chr21 calls with the spiked SOD1 p.Ala5Val record (a variant the knowledge base
lists as pathogenic) given a FILTER the file's own header declares (LowConfidence), as a caller's soft filter marks a
call with weak support. Before the fix the call was dropped and counted ("1 filtered" in the methods note) and SOD1 read
"assessed: no reportable variant"; page 1 said no pathogenic variant in the genes assessed and never named the call.
The same with ``charcot interpret --min-gq``: a call below the threshold vanished from its gene."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import ItemState, Report
from charcot.variants.model import EXCLUDED_CALLS_PREFIX


def _spiked_pos() -> int:
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        return next(int(line.split("\t")[1]) for line in handle if not line.startswith("#") and "SPIKED" in line)


def _demo_with_spiked(folder: Path, *, filter_: str = "PASS", fmt: str | None = None) -> Path:
    """The demo VCF with the spiked SOD1 record's FILTER (and, given ``fmt`` as 'GT:GQ:DP\t0/1:5:4', its FORMAT and
    sample columns) replaced; the GQ/DP header lines are added when a FORMAT uses them."""
    lines = []
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#CHROM") and fmt is not None:
                lines.append('##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n')
                lines.append('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n')
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and "SPIKED" in fields[7]:
                fields[6] = filter_
                if fmt is not None:
                    fields[8], fields[9] = fmt.split("\t")
            lines.append("\t".join(fields) + "\n")
    out = folder / "spiked.vcf"
    out.write_text("".join(lines))
    return out


def _report(run_cli: Any, vcf: Path, out: Path) -> Report:
    r = run_cli("report", "--vcf", vcf, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text())


def test_filtered_known_pathogenic_call_is_named_not_silent(run_cli: Any, tmp_path: Path) -> None:
    vcf = _demo_with_spiked(tmp_path, filter_="LowConfidence")
    report = _report(run_cli, vcf, tmp_path / "out")
    g = report.genetics
    assert "SOD1" in g.genes_assessed
    assert not any(f.gene == "SOD1" for t in g.tiers for f in t.findings)  # left out, as asked: not classified
    [ex] = g.excluded_calls
    assert (ex.gene, ex.chrom, ex.why, ex.known_pathogenic) == ("SOD1", "21", "FILTER LowConfidence", True)
    assert "p.(Ala5Val)" in (ex.known or "")
    why = g.genes_partly_covered["SOD1"]
    assert why.startswith(EXCLUDED_CALLS_PREFIX) and f"{ex.pos:,}" in why and "LowConfidence" in why
    sod1 = next(i for i in report.items if i.key == "gene:SOD1")
    assert sod1.status == ItemState.ASSESSED and "left out" in (sod1.result or "")
    assert (sod1.result or "").startswith("no reportable variant among the calls kept;")
    alerts = [s.text for s in report.summary if s.level == "alert" and s.topic == "Genetics"]
    assert any("p.(Ala5Val)" in a and "LowConfidence" in a for a in alerts), report.summary
    assert any(why in n.reason for n in report.not_assessed)
    # a gene-targeted therapy waits for the call: "cannot decide", never "not eligible" for want of a finding
    tofersen = next(i for i in report.therapies.items if i.name.startswith("Tofersen (Qalsody)"))
    assert tofersen.verdict == "cannot_decide"
    assert contradictions(report) == []
    html = (tmp_path / "out" / "report.html").read_text()
    assert "LowConfidence" in html and "p.(Ala5Val)" in html


def test_passing_call_has_no_exclusion(run_cli: Any, tmp_path: Path) -> None:
    report = _report(run_cli, _demo_with_spiked(tmp_path), tmp_path / "out")
    assert report.genetics.excluded_calls == [] and "SOD1" not in report.genetics.genes_partly_covered
    assert any(f.gene == "SOD1" for t in report.genetics.tiers for f in t.findings)


def test_interpret_names_a_call_below_min_gq(run_cli: Any, tmp_path: Path) -> None:
    vcf = _demo_with_spiked(tmp_path, fmt="GT:GQ:DP\t0/1:5:4")
    r = run_cli("interpret", vcf, "--min-gq", "20", "--min-dp", "10", "-o", tmp_path / "f.json")
    assert r.code == 0, r.stderr
    data = json.loads((tmp_path / "f.json").read_text())
    # the file's other records carry no GQ: they are left out too, as the option asks
    [ex] = [c for c in data["excluded_calls"] if c["gene"] == "SOD1" and c["pos"] == _spiked_pos()]
    assert ex["why"] == "GQ 5 below --min-gq 20 and DP 4 below --min-dp 10"
    assert ex["genotype"] == "0/1" and ex["known_pathogenic"] is True
    assert data["genes_partly_covered"]["SOD1"].startswith(EXCLUDED_CALLS_PREFIX)
    assert data["reading"]["below_quality"] >= len({(c["pos"], c["alt"]) for c in data["excluded_calls"]}) > 1
    table = run_cli("interpret", vcf, "--min-gq", "20")  # the GQ alone
    assert table.code == 0 and "GQ 5 below --min-gq 20" in table.stdout
    # the depth alone
    r = run_cli("interpret", vcf, "--min-dp", "10", "-o", tmp_path / "g.json")
    dp = json.loads((tmp_path / "g.json").read_text())["excluded_calls"]
    assert [c["why"] for c in dp if c["pos"] == _spiked_pos()] == ["DP 4 below --min-dp 10"]


def test_include_filtered_classifies_the_call(run_cli: Any, tmp_path: Path) -> None:
    vcf = _demo_with_spiked(tmp_path, filter_="LowConfidence")
    r = run_cli("interpret", vcf, "--include-filtered", "-o", tmp_path / "f.json")
    assert r.code == 0, r.stderr
    data = json.loads((tmp_path / "f.json").read_text())
    assert data["excluded_calls"] == [] and "SOD1" not in data["genes_partly_covered"]
    sod1 = [f for f in data["findings"] if f["gene"] == "SOD1"]
    assert sod1 and sod1[0]["filter"] == "LowConfidence"


def test_filtered_deep_intronic_call_is_listed_only(run_cli: Any, tmp_path: Path) -> None:
    """A whole genome has ~100 filtered calls in the panel genes' introns (GATKCutoffSNP...): kept, they would not be
    reported, so left out they leave the gene's status as it is (listed in the JSON, no page-1 line)."""
    from charcot.genome.normalise import Allele
    from charcot.genome.panel import Region, knowledge_panel
    from charcot.model import Build

    g = next(x for x in knowledge_panel(Build.GRCh37, ["SOD1"]).genes)
    lines, chosen = [], None
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if chosen is None and not line.startswith("#") and g.region_start <= int(fields[1]) <= g.region_end \
                    and len(fields[3]) == len(fields[4]) == 1 and "1" in fields[9] and \
                    g.locate_allele(Allele(int(fields[1]), fields[3], fields[4])).region == Region.INTRON:
                fields[6] = "LowConfidence"
                chosen = int(fields[1])
            lines.append("\t".join(fields) + "\n")
    assert chosen is not None
    vcf = tmp_path / "intronic.vcf"
    vcf.write_text("".join(lines))
    report = _report(run_cli, vcf, tmp_path / "out")
    [ex] = report.genetics.excluded_calls
    assert (ex.pos, ex.region, ex.coding_or_splice) == (chosen, "intron", False)
    assert "SOD1" not in report.genetics.genes_partly_covered
    assert not any("left out" in s.text for s in report.summary)
    assert contradictions(report) == []


# Illumina Strelka2's germline header lines (src/c++/lib/starling_common/gvcf_header.cpp, Strelka 2.9: its FT and
# its LowGQX filter): a joint call set's site FILTER is PASS when another sample passes, the sample's own filter is FT
_STRELKA_FT = ("##FORMAT=<ID=FT,Number=1,Type=String,Description=\"Sample filter, 'PASS' indicates that all filters "
               "have passed for this sample\">\n")
_STRELKA_LOWGQX = '##FILTER=<ID=LowGQX,Description="Locus GQX is below threshold or not present">\n'


def _demo_with_sample_filter(folder: Path, value: str) -> Path:
    lines = []
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#CHROM"):
                lines += [_STRELKA_LOWGQX, _STRELKA_FT]
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and "SPIKED" in fields[7]:
                fields[8], fields[9] = "GT:FT", f"{fields[9]}:{value}"
            lines.append("\t".join(fields) + "\n")
    out = folder / "ft.vcf"
    out.write_text("".join(lines))
    return out


def test_sample_genotype_filter_ft_is_a_filter(run_cli: Any, tmp_path: Path) -> None:
    """FILTER PASS but the sample's FT says LowGQX: before, the call was classified as if it had passed."""
    vcf = _demo_with_sample_filter(tmp_path, "LowGQX")
    r = run_cli("interpret", vcf, "-o", tmp_path / "f.json")
    assert r.code == 0, r.stderr
    data = json.loads((tmp_path / "f.json").read_text())
    assert [(c["gene"], c["why"]) for c in data["excluded_calls"]] == [("SOD1", "FT LowGQX")]
    assert not [f for f in data["findings"] if f["gene"] == "SOD1" and f["pos"] == _spiked_pos()]
    r = run_cli("interpret", vcf, "--include-filtered", "-o", tmp_path / "g.json")
    kept = [f for f in json.loads((tmp_path / "g.json").read_text())["findings"] if f["pos"] == _spiked_pos()]
    assert kept and kept[0]["filter"] == "FT LowGQX"
    # FT PASS or '.' (no filter applied) is a passing call
    for ok in ("PASS", "."):
        r = run_cli("interpret", _demo_with_sample_filter(tmp_path, ok), "-o", tmp_path / "h.json")
        data = json.loads((tmp_path / "h.json").read_text())
        assert data["excluded_calls"] == [] and [f for f in data["findings"] if f["pos"] == _spiked_pos()]
