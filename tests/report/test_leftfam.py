"""Whole reports for the two defects probereport left (leftfam, 2026-12-02).

1. A family VCF named by accession numbers beside a PED named by family IDs. Before, on main: ``charcot report``
   refused it ("the proband 'ADM1059A2' is not a sample of the VCF"), and with ``--sample`` it failed later, at
   segregation ("proband 'ADM1059A2' is not a sample of the VCF"), with a hint that named no way to join the two.
   The VCF is the real Scout trio with one added record, the knowledge base's SOD1 p.(Ala5Val) at its own GRCh37
   coordinates (flagged SPIKED, as the demo's is): the son (proband) and the father heterozygous, the mother
   homozygous reference; its sample columns renamed LAB-0001 (father), LAB-0002 (son), LAB-0003 (mother).
2. A ``--genes``/``--panel`` restriction. Before, on main: page 1 named it only through the not-assessed count line
   ("55 knowledge-base gene(s) outside the requested panel"); the genes left out had no item, and the checker did not
   ask for the restriction to be stated.

Every report here comes from the real command line (``charcot.cli.main``) and is read as JSON, HTML and (once) PDF
text; the report's own checker (``contradictions``) is run on each."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pysam
import pytest

from charcot.knowledge import get_knowledge
from charcot.model import Build
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import Report
from tests.family.test_leftfam import FULL_MAP, LAB, PED, SCOUT, renamed_trio

CALLS = {"ADM1059A1": "0/1:22,19:41:99", "ADM1059A2": "0/1:20,18:38:99", "ADM1059A3": "0/0:35,0:35:99"}


def _a5v() -> tuple[str, int, str, str]:
    record = next(r for r in get_knowledge().records("variants") if getattr(r, "id", None) == "SOD1-A5V")
    allele = record.allele(Build.GRCh37)  # type: ignore[attr-defined]
    return allele.chrom, allele.pos, allele.ref, allele.alt


def _spiked_trio(folder: Path) -> tuple[Path, str]:
    """The real Scout trio with the SOD1 p.(Ala5Val) record added (CALLS), sample names as in the PED."""
    with gzip.open(SCOUT, "rt") as handle:
        lines = [line.rstrip("\n") for line in handle]
    header = [line for line in lines if line.startswith("##")]
    header.append('##INFO=<ID=SPIKED,Number=0,Type=Flag,Description="record added for a test, not a call">')
    chrom_line = next(line for line in lines if line.startswith("#CHROM"))
    chrom, pos, ref, alt = _a5v()
    spiked = "\t".join([chrom, str(pos), ".", ref, alt, "500", "PASS", "SPIKED", "GT:AD:DP:GQ",
                        *(CALLS[s] for s in chrom_line.split("\t")[9:])])
    body = [line for line in lines if not line.startswith("#")] + [spiked]
    order = {c: i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y", "MT"])}
    body.sort(key=lambda line: (order.get(line.split("\t")[0], 99), int(line.split("\t")[1])))
    plain = folder / "trio_a5v.vcf"
    plain.write_text("\n".join([*header, chrom_line, *body]) + "\n")
    out = folder / "trio_a5v.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    plain.unlink()
    return out, f"{chrom}-{pos}-{ref}-{alt}"


@pytest.fixture(scope="module")
def lab_a5v(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the spiked trio with the laboratory's sample names, the SOD1 record's key), in a folder of its own with a copy
    of the PED (a report folder's inputs for re-analysis)."""
    folder = tmp_path_factory.mktemp("lab_a5v")
    spiked, key = _spiked_trio(tmp_path_factory.mktemp("spiked"))
    vcf = renamed_trio(folder, source=spiked)
    (folder / PED.name).write_bytes(PED.read_bytes())
    return vcf, key


def _report(run_cli: Callable, outdir: Path, *args: object) -> tuple[dict, str]:  # type: ignore[type-arg]
    res = run_cli("report", *args, "--no-pdf", "-q", "--outdir", outdir)
    assert res.code == 0, res.stderr
    data = json.loads((outdir / "report.json").read_text())
    assert contradictions(Report.model_validate(data)) == []
    return data, (outdir / "report.html").read_text()


# --------------------------------------------------------------------------- 1. the sample map
def test_a_mapped_family_vcf_reads_each_relative_from_its_sample(run_cli, lab_a5v: tuple[Path, str],  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path) -> None:
    vcf, key = lab_a5v
    data, html = _report(run_cli, tmp_path / "rep", "--vcf", vcf, "--ped", PED, "--proband", "ADM1059A2", *FULL_MAP)
    family = data["family"]
    # which VCF sample each person was read from: JSON, the HTML's members table, and a note in the family section
    assert {m["id"]: m["vcf_sample"] for m in family["members"]} == LAB
    assert data["header"]["sample_id"] == "LAB-0002" and data["header"]["parameters"]["sample_map"] == LAB
    members = html[html.index('id="appendix-family"'):]
    assert all(f'<td class="vcf-sample">{s}</td>' in members for s in LAB.values())
    note = next(n for n in family["notes"] if n.startswith("Genotypes read from VCF samples"))
    assert "ADM1059A1 from LAB-0001 (--sample-map)" in note and note in html
    # the family evidence and the relatives' risk rest on the mapped relatives' real calls
    ps2 = next(e for e in family["segregation"] if e["variant_key"] == key and e["criterion"] == "PS2")
    assert ps2["reason"].startswith("not a de novo call: the father carries the variant")
    risk = {r["relative"]: r for r in family["relatives_risk"] if r["gene"] == "SOD1"}
    assert risk["ADM1059A1"]["tested"] == "carrier" and risk["ADM1059A1"]["carrier_probability"] == 1.0
    assert risk["ADM1059A3"]["tested"] == "noncarrier" and risk["ADM1059A3"]["carrier_probability"] == 0.0
    # the proband's link is stated as the user's, to confirm (never a silent 'pass', never a mismatch)
    check = next(c for c in data["identity"]["checks"] if c["check"] == "sample name: VCF vs pedigree proband")
    assert check["status"] == "info" and "LAB-0002 is the pedigree proband ADM1059A2 by --sample-map" in check["detail"]


def test_unmatched_names_without_a_map_are_refused_naming_the_option(run_cli, lab_a5v: tuple[Path, str],  # type: ignore[no-untyped-def]
                                                                     tmp_path: Path) -> None:
    vcf, _ = lab_a5v
    out = tmp_path / "rep"
    res = run_cli("report", "--vcf", vcf, "--ped", PED, "--proband", "ADM1059A2", "--no-pdf", "--outdir", out)
    assert res.code == 2 and not out.exists() and "Traceback" not in res.stderr
    assert "--sample-map" in res.stderr and "LAB-0001" in res.stderr and "ADM1059A1" in res.stderr


def test_sample_alone_reads_the_proband_and_leaves_the_relatives_not_genotyped(  # type: ignore[no-untyped-def]
        run_cli, lab_a5v: tuple[Path, str], tmp_path: Path) -> None:
    vcf, key = lab_a5v
    data, _ = _report(run_cli, tmp_path / "rep", "--vcf", vcf, "--ped", PED, "--proband", "ADM1059A2",
                      "--sample", "LAB-0002")
    family = data["family"]
    assert {m["id"]: m["vcf_sample"] for m in family["members"]} == {"ADM1059A1": None, "ADM1059A2": "LAB-0002",
                                                                      "ADM1059A3": None}
    risk = {r["relative"]: r for r in family["relatives_risk"] if r["gene"] == "SOD1"}
    for parent in ("ADM1059A1", "ADM1059A3"):  # untested, never a non-carrier
        assert risk[parent]["tested"] in (None, "untested") and risk[parent]["carrier_probability"] > 0
    ps2 = next(e for e in family["segregation"] if e["variant_key"] == key and e["criterion"] == "PS2")
    assert not ps2["applied"] and "needs both parents genotyped" in ps2["reason"]
    note = next(n for n in family["notes"] if "not samples of the VCF" in n)
    assert "LAB-0001" in note and "LAB-0003" in note and "--sample-map" in note
    check = next(c for c in data["identity"]["checks"] if c["check"] == "sample name: VCF vs pedigree proband")
    assert check["status"] == "info" and "by --sample" in check["detail"]


def test_a_relative_left_out_of_the_map_is_not_genotyped(run_cli, lab_a5v: tuple[Path, str],  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    vcf, _ = lab_a5v
    data, html = _report(run_cli, tmp_path / "rep", "--vcf", vcf, "--ped", PED, "--proband", "ADM1059A2",
                         "--sample-map", "ADM1059A2=LAB-0002", "--sample-map", "ADM1059A1=LAB-0001")
    family = data["family"]
    assert next(m for m in family["members"] if m["id"] == "ADM1059A3")["vcf_sample"] is None
    mother = next(r for r in family["relatives_risk"] if r["relative"] == "ADM1059A3" and r["gene"] == "SOD1")
    assert mother["tested"] in (None, "untested") and mother["carrier_probability"] > 0  # her 0/0 call is not read
    father = next(r for r in family["relatives_risk"] if r["relative"] == "ADM1059A1" and r["gene"] == "SOD1")
    assert father["tested"] == "carrier"
    assert '<td class="vcf-sample">not genotyped</td>' in html


def test_sample_and_map_that_disagree_are_refused(run_cli, lab_a5v: tuple[Path, str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = lab_a5v
    out = tmp_path / "rep"
    res = run_cli("report", "--vcf", vcf, "--ped", PED, "--proband", "ADM1059A2", "--sample", "LAB-0001", *FULL_MAP,
                  "--no-pdf", "--outdir", out)
    assert res.code == 2 and not out.exists()
    assert "--sample LAB-0001" in res.stderr and "LAB-0002" in res.stderr and "hint:" in res.stderr
    # the map without a pedigree, or a pair naming nobody of it: refused before anything is written
    res = run_cli("report", "--vcf", vcf, "--sample", "LAB-0002", *FULL_MAP, "--no-pdf", "--outdir", out)
    assert res.code == 2 and "no --ped was given" in res.stderr and not out.exists()
    res = run_cli("report", "--vcf", vcf, "--ped", PED, "--proband", "ADM1059A2", "--sample-map", "ADM1059A2=LAB-0002",
                  "--sample-map", "ADM1059A9=LAB-0003", "--no-pdf", "--outdir", out)
    assert res.code == 2 and "ADM1059A9 is not an individual of the pedigree" in res.stderr and not out.exists()


def test_a_mapped_report_is_re_analysed_with_its_map(run_cli, lab_a5v: tuple[Path, str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = lab_a5v
    out = tmp_path / "rep"
    _report(run_cli, out, "--vcf", vcf, "--ped", vcf.parent / PED.name, "--proband", "ADM1059A2", *FULL_MAP)
    res = run_cli("reanalyse", out, "--inputs", vcf.parent, "--format", "json")
    assert res.code == 0, res.stderr
    case = json.loads(res.stdout)["cases"][0]
    assert case["status"] == "unchanged", case


# --------------------------------------------------------------------------- 2. a restricted analysis on page 1
def _page1(html: str) -> str:
    return html[html.index('<section id="page1"'):html.index('<nav class="toc')]


def test_a_panel_restriction_is_stated_on_page_1_in_every_output(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "rep"
    res = run_cli("report", "--vcf", demo_dir() / "demo.vcf.gz", "--panel", "causal", "-q", "--outdir", out)
    assert res.code == 0, res.stderr
    data = json.loads((out / "report.json").read_text())
    report = Report.model_validate(data)
    assert contradictions(report) == []
    restriction = data["genetics"]["restriction"]
    panel = set(restriction["genes"])
    left_out = sorted(g.symbol for g in get_knowledge().genes if g.symbol not in panel)
    assert restriction["not_assessed"] == left_out and "SOD1" in panel and "ATXN2" in left_out
    statement = restriction["statement"]
    assert "panel 'causal'" in statement and f"other {len(left_out)} ALS genes" in statement
    assert "not assessed" in statement and "not a negative result" in statement
    # page 1 (HTML and PDF) says it, first among the genetic lines
    genetics_lines = [s["text"] for s in data["summary"] if s["topic"] == "Genetics"]
    assert genetics_lines[0] == statement
    page1 = re.sub(r"\s+", " ", _page1((out / "report.html").read_text()))
    assert statement.replace("'", "&#39;") in page1
    assert ", ".join(left_out[:3]) not in page1  # said once, short: the 55 names are in the appendix, not on page 1
    pdf = subprocess.run(["pdftotext", "-layout", str(out / "report.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    first = re.sub(r"\s+", " ", pdf.split("\f")[0])
    assert "Small-variant analysis restricted to the 25 genes of the panel 'causal'" in first
    assert f"The other {len(left_out)} ALS genes of the knowledge base were not assessed: no result for them, not a " \
           "negative result." in first
    # each gene left out has one status, 'not assessed' with the restriction's reason (FHIR and the appendix read it)
    items = {i["key"]: i for i in data["items"]}
    for gene in left_out:
        assert items[f"gene:{gene}"]["status"] == "not_assessed"
        assert items[f"gene:{gene}"]["reason"] == restriction["reason"]


def test_a_genes_restriction_names_the_genes_and_never_reads_as_no_variant(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, html = _report(run_cli, tmp_path / "rep", "--vcf", demo_dir() / "demo.vcf.gz", "--genes", "SOD1,FUS")
    statement = data["genetics"]["restriction"]["statement"]
    assert statement.startswith("Small-variant analysis restricted to the 2 requested genes (SOD1, FUS).")
    tardbp = next(i for i in data["items"] if i["key"] == "gene:TARDBP")
    assert tardbp["status"] == "not_assessed" and tardbp["result"] is None
    assert "outside the requested panel" in tardbp["reason"]
    genetics = html[html.index('<section id="genetics"'):html.index('<section id="repeats"')]
    assert 'id="restriction"' in genetics and "the 2 requested genes (SOD1, FUS)" in genetics


def test_the_checker_requires_the_restriction_statement(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, _ = _report(run_cli, tmp_path / "rep", "--vcf", demo_dir() / "demo.vcf.gz", "--genes", "SOD1")
    report = Report.model_validate(data)
    statement = report.genetics.restriction.statement if report.genetics.restriction else ""
    unsaid = report.model_copy(update={"summary": [s for s in report.summary if s.text != statement]})
    assert any("page 1 does not say so" in p for p in contradictions(unsaid))
    unstated = report.model_copy(update={"genetics": report.genetics.model_copy(update={"restriction": None})})
    assert any("states no restriction" in p for p in contradictions(unstated))
    told_found = report.model_copy(update={"items": [
        i.model_copy(update={"status": "assessed", "result": "no reportable variant", "reason": None})
        if i.key == "gene:TARDBP" else i for i in report.items]})
    assert any(p.startswith("TARDBP lies outside the requested panel") for p in contradictions(told_found))



def test_a_restricted_report_is_re_analysed_on_the_same_genes(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from charcot.reanalysis.api import rerun_case

    out = tmp_path / "rep"
    data, _ = _report(run_cli, out, "--vcf", demo_dir() / "demo.vcf.gz", "--genes", "SOD1,FUS")
    result, new = rerun_case(out, [demo_dir()])
    assert result.status == "unchanged" and new is not None
    # the same question: never re-run on every gene (the 78 genes left out would read as assessed, 'no variant')
    assert new.genetics.restriction is not None
    assert new.genetics.restriction.model_dump() == data["genetics"]["restriction"]
    assert contradictions(new) == []
