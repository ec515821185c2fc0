"""A section that is partial or not assessed says why where it is read; nothing reads as a negative result when it
was not assessed; page 1 names the items that were not assessed (regression tests, on the demo's real files)."""

from __future__ import annotations

import re
from pathlib import Path

from charcot.model import AssessmentStatus
from charcot.report.build import CaseInputs, build_report
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import Report, VariantFinding
from charcot.report.render_html import render_html


def _atxn2_36(tmp_path: Path) -> Path:
    """The demo's ExpansionHunter file with ATXN2 sized 22/36 (SCA2 range: 'pathogenic' by charcot's default)."""
    lines = []
    for line in (demo_dir() / "demo.str.vcf").read_text().splitlines():
        if "VARID=ATXN2;" in line:
            line = line.replace("<STR22>,<STR30>", "<STR22>,<STR36>").replace(":22/30:22-22/30-30:", ":22/36:22-22/36-36:")
        lines.append(line)
    out = tmp_path / "atxn2.str.vcf"
    out.write_text("\n".join(lines) + "\n")
    return out


def test_family_section_says_why_a_relatives_risk_was_not_calculated(tmp_path: Path) -> None:
    d = demo_dir()
    report = build_report(CaseInputs(str_vcf=_atxn2_36(tmp_path), ped=d / "demo.ped", proband="NA12878",
                                     ages=d / "demo.ages.tsv", str_sample="hugelymodelbat_lanes_1_sorted_md"))
    assert report.family.status.value == "partial"
    assert any("ATXN2" in n and "not assessed" in n for n in report.family.notes)
    assert contradictions(report) == []


def test_no_tier_reads_none_when_small_variants_were_not_assessed() -> None:
    report = build_report(CaseInputs(clinical=demo_dir() / "demo_case.yaml"))
    html = render_html(report)
    section = html.split('<section id="genetics"', 1)[1].split("</section>", 1)[0]
    assert "Tier 1" not in section and "None." not in section and "no VCF was given" in section
    # page 1 names what was not assessed (it listed 'consequence annotation, population frequency, ...' whatever
    # the report held)
    alert = re.search(r"<li>(\d+) item\(s\) not assessed in all \(([^)]*)", html)
    assert alert is not None and int(alert.group(1)) == len(report.not_assessed)
    assert report.not_assessed[0].what.split(" (")[0] in alert.group(2)
    assert "consequence annotation, population frequency" not in html
    assert contradictions(report) == []


def _all_findings(report: Report) -> list[VariantFinding]:
    g = report.genetics
    return [f for t in g.tiers for f in t.findings] + g.not_reported + g.not_classified


def test_clinvar_reads_not_searched_when_no_clinvar_data_was_given(demo_report: Report, scout_report: Report) -> None:
    # The demo gives no ClinVar file and its VCF carries no ClinVar annotation: each variant read "ClinVar: not
    # given" and no item said ClinVar was not consulted, as if it had been searched and listed nothing.
    demo = _all_findings(demo_report)
    assert demo
    for f in demo:
        assert f.clinvar == "not searched (no ClinVar data given)"
    items = [i for i in demo_report.not_assessed if i.what.startswith("ClinVar assertions")]
    assert len(items) == 1 and "no ClinVar file" in items[0].reason
    assert "ClinVar: not searched (no ClinVar data given)" in render_html(demo_report)
    assert contradictions(demo_report) == []
    # The Scout trio's VCF carries VEP's CLIN_SIG field: ClinVar was consulted through it.
    assert not any(i.what.startswith("ClinVar assertions") for i in scout_report.not_assessed)
    texts = {f.clinvar for f in _all_findings(scout_report)}
    assert "not searched (no ClinVar data given)" not in texts and None not in texts


def _c9orf72_intermediate(tmp_path: Path) -> Path:
    """The demo's ExpansionHunter file with C9orf72 sized 2/27 (intermediate under charcot's default thresholds)."""
    lines = []
    for line in (demo_dir() / "demo.str.vcf").read_text().splitlines():
        if "VARID=C9ORF72;" in line:
            line = line.replace("<STR2>\t", "<STR27>\t").replace("1/1:SPANNING/SPANNING:2/2:2-2/2-2:",
                                                                 "0/1:SPANNING/SPANNING:2/27:2-2/27-27:")
        lines.append(line)
    out = tmp_path / "c9_intermediate.str.vcf"
    out.write_text("\n".join(lines) + "\n")
    return out


def test_therapy_section_gives_the_gene_notes(tmp_path: Path, demo_report: Report) -> None:
    # The matching's per-gene notes (the programmes aimed at the patient's gene; why an intermediate C9orf72 repeat
    # lists no C9orf72 programme) were left out of the report: its therapy section hid the C9orf72 items silently.
    report = build_report(CaseInputs(str_vcf=_c9orf72_intermediate(tmp_path), clinical=demo_dir() / "demo_case.yaml"))
    c9 = next(c for c in report.repeats.calls if c.gene == "C9orf72")
    assert c9.status == "intermediate"
    assert any(n.startswith("C9orf72: the repeat is intermediate, not an expansion") for n in report.therapies.notes)
    assert any(n.startswith("SOD1: current programmes:") for n in demo_report.therapies.notes)
    assert contradictions(report) == []


def test_family_section_is_partial_when_the_vcf_cannot_give_segregation(demo_report: Report, scout_report: Report) -> None:
    # The demo gives a pedigree with a single-sample VCF: de novo and co-segregation evidence cannot be assessed. The
    # family section said so in a note but read "Assessed", and "What was not assessed" did not list it.
    assert demo_report.family.status == AssessmentStatus.PARTIAL
    assert any(n.startswith("De novo (PS2/PM6) and co-segregation") for n in demo_report.family.notes)
    assert [n.what for n in demo_report.not_assessed if n.what.startswith("de novo (PS2/PM6)")]
    assert contradictions(demo_report) == []
    # The Scout trio's VCF holds the parents: the evidence is assessed there.
    assert not [n for n in scout_report.not_assessed if n.what.startswith("de novo (PS2/PM6)")]


def test_page_one_does_not_say_no_vcf_when_a_vcf_was_read_but_no_gene_could_be_assessed(tmp_path: Path) -> None:
    # A real VCF cut to a stretch of chromosome 21 beside SOD1 (tests/data/variants): every ALS gene is outside the
    # records' span or on a chromosome without records. Page 1 read "Small variants not assessed (no VCF)" next to
    # the VCF's own identity and "80 of 80 ALS genes not assessed".
    import subprocess

    src = Path(__file__).parents[1] / "data" / "variants" / "na12878_hg38_chr21_30-35Mb.vcf.gz"
    vcf = tmp_path / "cut.vcf.gz"
    subprocess.run(["bcftools", "view", "-t", "chr21:34000000-35000000", "-Oz", "-o", str(vcf), str(src)],
                   check=True, capture_output=True)
    report = build_report(CaseInputs(vcf=vcf))
    assert report.genetics.status == AssessmentStatus.NOT_ASSESSED and report.genetics.records_read
    texts = [s.text for s in report.summary if s.topic == "Genetics"]
    assert not any("no VCF" in t for t in texts)
    assert any(t.startswith("Small variants not assessed: no ALS gene could be assessed in the VCF") for t in texts)
    assert contradictions(report) == []
    # without a VCF the words stay
    none = build_report(CaseInputs(clinical=demo_dir() / "demo_case.yaml"))
    assert "Small variants not assessed (no VCF)." in [s.text for s in none.summary]
