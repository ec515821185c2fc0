"""The case report on the bundled demo case: content, determinism, formats, safety."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from charcot.outputs import sha256_file
from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.model import REPORT_SCHEMA_VERSION, Report
from charcot.report.phenopacket import render_phenopacket, validate_phenopacket_json
from charcot.report.render_html import render_html
from charcot.report.render_json import load_json, render_json

FIXED = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DATA = Path(__file__).parents[1] / "data" / "report"


def _finding(report: Report, key: str):  # type: ignore[no-untyped-def]
    return next(f for t in report.genetics.tiers for f in t.findings if f.key == key)


def test_header_carries_ids_build_checksums_and_versions(demo_report: Report) -> None:
    h = demo_report.header
    assert demo_report.schema_version == REPORT_SCHEMA_VERSION
    assert h.patient_id == "DEMO-001" and h.sample_id == "NA12878" and h.build == "GRCh37"
    roles = {i.role: i for i in h.inputs}
    assert set(roles) == {"vcf", "str_vcf", "ped", "ages", "clinical"}
    assert roles["vcf"].sha256 == sha256_file(demo_dir() / "demo.vcf.gz")
    assert roles["vcf"].path == "demo.vcf.gz"  # file names only: no directory layout in outputs
    assert h.knowledge_version and h.knowledge_snapshot
    assert h.resources[0].name == "charcot knowledge base"
    assert demo_report.statement.startswith("This report supports, and does not replace")


def test_spiked_sod1_variant_is_reported_with_its_evidence(demo_report: Report) -> None:
    a4v = _finding(demo_report, "21-33032096-C-T")  # GRCh37 position derived in demo_data/SOURCES.md
    assert a4v.gene == "SOD1"
    assert a4v.zygosity == "heterozygous"
    # Curated knowledge-base evidence (PS4, PP1_Strong, PM2_Supporting) plus PP4 from the demo's HPO terms.
    assert a4v.classification in {"Pathogenic", "Likely pathogenic"}
    assert {e.criterion for e in a4v.evidence if e.applied} >= {"PS4", "PM2"}
    assert a4v.known_variant is not None and "SOD1-A5V" in a4v.known_variant
    assert a4v.evidence and all(e.criterion for e in a4v.evidence)
    assert any(f.key == "21-33032096-C-T" for t in demo_report.genetics.tiers if t.number == 1 for f in t.findings)
    # The summary names it.
    assert any("21-33032096-C-T" in s.text or "SOD1" in s.text for s in demo_report.summary if s.topic == "Genetics")
    # Tier follows classification.
    for t in demo_report.genetics.tiers:
        for f in t.findings:
            expected = {"Pathogenic": 1, "Likely pathogenic": 1, "Uncertain significance": 2}.get(f.classification or "", 3)
            assert t.number == expected


def test_frequency_line_agrees_with_an_applied_curated_pm2(demo_report: Report) -> None:
    """The card said "Population frequency: not assessed" beside an applied PM2 (from the knowledge base's
    recorded frequency): one line must say both what this run could not assess and what PM2 rests on."""
    checked = 0
    for t in demo_report.genetics.tiers:
        for f in t.findings:
            assert f.population_frequency, f.key
            pm2 = any(e.applied and e.criterion == "PM2" for e in f.evidence)
            if f.population_frequency.startswith("not assessed"):
                assert ("PM2 rests on the frequency recorded in the knowledge base" in f.population_frequency) == pm2
                checked += pm2
    assert checked >= 1


def test_each_clinical_caveat_is_printed_once(demo_report: Report) -> None:
    """The onset imputation ("known to the month only") was printed in the ENCALS row and again as a note."""
    notes = demo_report.clinical.notes
    assert any("known to the month" in n for n in notes)
    for n in notes:
        assert not any(n in m.detail for m in demo_report.clinical.measures if m.detail), n


def test_a_failed_criterion_reads_as_not_met(demo_report: Report) -> None:
    """"failed: approved (marketed) in the patient's region (...)" read as if the drug were approved."""
    lines = [i.eligibility for i in demo_report.therapies.items if i.verdict == "not_eligible"]
    assert lines and all(not line.startswith("failed") and "would also fail" not in line for line in lines)
    assert any(line.startswith("criterion not met: ") for line in lines)


def test_real_expansionhunter_calls_are_interpreted(demo_report: Report) -> None:
    calls = {c.gene: c for c in demo_report.repeats.calls}
    assert calls["C9orf72"].alleles == [2, 2] and calls["C9orf72"].status == "normal"
    assert calls["ATXN2"].alleles == [22, 30]
    assert calls["ATXN2"].status != "normal"  # 30 CAG is an ALS risk allele (intermediate)
    assert calls["C9orf72"].thresholds and calls["C9orf72"].sources
    assert demo_report.repeats.caller
    # The EH file is another individual's: the report says so.
    assert any("named differently" in n for n in demo_report.repeats.notes)


def test_clinical_family_therapy_and_not_assessed_sections(demo_report: Report) -> None:
    names = {m.name: m.value for m in demo_report.clinical.measures}
    assert names["ALSFRS-R (latest)"].startswith("30/48")
    assert "King's stage (clinical)" in names
    assert [v.alsfrs_r for v in demo_report.clinical.visits] == [44, 39, 34, 30]
    assert demo_report.clinical.plots and demo_report.clinical.plots[0].data_uri.startswith("data:image/png;base64,")
    assert {m.id for m in demo_report.family.members} >= {"NA12878", "DEMO-F", "DEMO-C1"}
    assert demo_report.therapies.items and all(i.verdict for i in demo_report.therapies.items)
    assert any(i.name.startswith("Riluzole") for i in demo_report.therapies.items)
    whats = " ".join(n.what for n in demo_report.not_assessed).lower()
    assert "structural variants" in whats
    assert demo_report.methods and demo_report.limitations and demo_report.references
    assert all(r.citation for r in demo_report.references)


def test_json_is_deterministic_and_round_trips(demo_report: Report) -> None:
    other_time = build_report(replace(demo_inputs(), run_time=datetime(2030, 1, 1, tzinfo=UTC)))
    a, b = json.loads(render_json(demo_report)), json.loads(render_json(other_time))
    assert a["run"] != b["run"]
    a.pop("run"), b.pop("run")
    assert a == b  # the declared run-time field is the only difference
    same_time = other_time.model_copy(update={"run": demo_report.run})
    assert render_json(demo_report) == render_json(same_time)  # byte-identical for the same run time
    assert load_json(render_json(demo_report)) == demo_report
    text = render_json(demo_report)
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_phenopacket_validates_and_carries_acmg_and_repeats(demo_report: Report) -> None:
    text = render_phenopacket(demo_report)
    message = validate_phenopacket_json(text)
    assert message.subject.id == "DEMO-001"
    assert message.meta_data.phenopacket_schema_version == "2.0"
    gis = message.interpretations[0].diagnosis.genomic_interpretations
    by_id = {g.variant_interpretation.variation_descriptor.id: g for g in gis}
    sod1 = by_id["21-33032096-C-T"].variant_interpretation
    assert sod1.variation_descriptor.gene_context.symbol == "SOD1"
    assert sod1.variation_descriptor.gene_context.value_id == "HGNC:11179"
    assert sod1.variation_descriptor.vcf_record.genome_assembly == "GRCh37"
    finding = next(f for t in demo_report.genetics.tiers for f in t.findings if f.key == "21-33032096-C-T")
    assert finding.vrs is not None and finding.vrs.status == "computed" and finding.vrs.id is not None
    assert finding.vrs.refget_accession == "SQ.LpTaNW-hwuY_yARP0rtarCnpCQLkgVCg"  # GRCh37 chromosome 21
    assert list(sod1.variation_descriptor.xrefs) == [finding.vrs.id]
    names = [e.name for e in sod1.variation_descriptor.extensions]
    assert "acmg_evidence" in names and "acmg_points" in names
    c9 = by_id["repeat:C9ORF72"].variant_interpretation.variation_descriptor
    ext = {e.name: e.value for e in c9.extensions}
    assert json.loads(ext["repeat_counts"]) == [2, 2]
    assert c9.structural_type.id == "SO:0000705"
    assert {f.type.id for f in message.phenotypic_features} == set(demo_report.header.hpo_terms)
    # The phenopackets library refuses what is not a v2 Phenopacket.
    with pytest.raises(Exception, match="Phenopacket"):
        validate_phenopacket_json(json.dumps({"id": "x", "noSuchField": 1}))


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("src", "action", "srcset", "data", "poster") and value:
                self.urls.append(value)
            if name == "href" and value:
                self.links.append(value)


def test_html_is_self_contained(demo_report: Report) -> None:
    html = render_html(demo_report)
    parser = _Refs()
    parser.feed(html)
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    for url in parser.urls:  # everything the page loads is inline
        assert url.startswith(("data:", "#")), url
    for link in parser.links:  # hyperlinks go to the reference list or to public https pages only
        assert link.startswith(("#", "https://", "http://")), link
    assert "@import" not in html


def test_html_links_citations_and_identifiers(demo_report: Report) -> None:
    html = render_html(demo_report)
    parser = _Refs()
    parser.feed(html)
    refs = {r.key for r in demo_report.references}
    cited = {link[len("#ref-"):] for link in parser.links if link.startswith("#ref-")}
    assert cited and cited <= refs  # every citation link has its target in the reference list
    assert any(link.startswith("https://clinicaltrials.gov/study/NCT") for link in parser.links)
    assert any(link.startswith("https://pubmed.ncbi.nlm.nih.gov/") for link in parser.links)
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", html))
    assert "<style>" in html and 'id="summary"' in html and "What was not assessed" in html
    assert "@media print" in html
    vrs_ids = {f.vrs.id for t in demo_report.genetics.tiers if t.number in (1, 2) for f in t.findings
               if f.vrs is not None and f.vrs.id}
    assert vrs_ids and all(f'<span class="mono">{i}</span>' in html for i in vrs_ids)  # appendix, per variant


def test_script_injection_in_vcf_ped_and_clinical_renders_inert(tmp_path: Path) -> None:
    inputs = CaseInputs(vcf=DATA / "injection.vcf", ped=DATA / "injection.ped",
                        proband="<script>alert('ped')</script>", clinical=DATA / "injection_case.yaml",
                        sample="<script>alert('sample')</script>",  # the VCF's sample is the proband: said so
                        hpo=["HP:0007354"], run_time=FIXED)
    report = build_report(inputs)
    assert report.header.sample_id == "<script>alert('sample')</script>"
    html = render_html(report)
    parser = _Refs()
    parser.feed(html)
    assert "script" not in parser.tags and not parser.handlers
    assert all(u.startswith(("data:", "#")) for u in parser.urls)
    assert "&lt;script&gt;alert(&#39;sample&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;case&#39;)&lt;/script&gt;" in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")
    # JSON and phenopacket keep the text as data.
    assert json.loads(render_json(report))["header"]["sample_id"] == "<script>alert('sample')</script>"
    validate_phenopacket_json(render_phenopacket(report))


ARTIFACTS = Path(__file__).parent / "artifacts"  # one PNG per page of the demo PDF (gitignored), to look at


def test_pdf_renders(demo_report: Report, tmp_path: Path) -> None:
    from charcot.report.render_pdf import render_pdf

    pdf = render_pdf(demo_report)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir()
    (ARTIFACTS / "demo-report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(ARTIFACTS / "demo-page")], capture_output=True,
                   check=True)
    pages_png = sorted(ARTIFACTS.glob("demo-page-*.png"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages_png) == len(pages)
    assert "ALS genetic and clinical report" in pages[0] and "Key findings" in pages[0]
    # every page carries the patient id, the report id and "page N of M"
    for n, page in enumerate(pages, start=1):
        assert demo_report.header.patient_id in page and demo_report.header.report_id in page, n
        assert f"page {n} of {len(pages)}" in page, n
    # the main report is about six A4 pages; the appendix (criteria, references, provenance) follows
    appendix = next(n for n, page in enumerate(pages, start=1) if "What was not assessed" in page)
    assert appendix <= 8, f"main report is {appendix - 1} pages"
    assert "SHA-256" not in "".join(pages[: appendix - 1])  # checksums are at the end, not on page 1
    assert "Identity check failed" in pages[0]  # the demo's repeat file is another person's


def test_report_command_writes_all_outputs(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = demo_dir()
    out = tmp_path / "out"
    res = run_cli("report", "--vcf", d / "demo.vcf.gz", "--str", d / "demo.str.vcf", "--str-sample",
                  "hugelymodelbat_lanes_1_sorted_md", "--ped", d / "demo.ped", "--proband", "NA12878", "--clinical", d / "demo_case.yaml", "--hpo", "HP:0007354",
                  "--assessment-date", "2026-08-20", "--no-pdf", "--outdir", out)  # the demo test renders the PDF
    assert res.code == 0, res.stderr
    for name in ("report.html", "report.json", "phenopacket.json"):
        assert (out / name).is_file() and str(out / name) in res.stdout
    assert "interpreting variants" in res.stderr  # progress lines on stderr
    report = load_json((out / "report.json").read_text())
    assert report.header.patient_id == "DEMO-001"


def test_bad_input_exits_2_without_partial_output(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    res = run_cli("report", "--vcf", tmp_path / "missing.vcf.gz", "--outdir", out)
    assert res.code == 2 and "charcot: error:" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists() or not any(out.iterdir())
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a VCF\n")
    res = run_cli("report", "--vcf", bad, "--outdir", out)
    assert res.code == 2 and "Traceback" not in res.stderr
    assert not out.exists() or not any(out.iterdir())
    res = run_cli("report", "--vcf", demo_dir() / "demo.vcf.gz", "--ped", demo_dir() / "demo.ped", "--outdir", out)
    assert res.code == 2 and "--proband" in res.stderr


def test_demo_command(run_cli, tmp_path: Path, demo_report: Report) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    res = run_cli("-q", "demo", "--outdir", out)  # run-wide options reach the demo's report command
    assert res.code == 0, res.stderr
    assert "interpreting variants" not in res.stderr  # -q reached the report command
    html = out / "report.html"
    assert html.is_file() and str(html.resolve()) in res.stdout
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    # Same inputs, same answer: the demo is the README's report command on the bundled files.
    demo = json.loads((out / "report.json").read_text())
    built = json.loads(render_json(demo_report))
    for doc in (demo, built):
        doc["run"].pop("run_time")
    assert demo == built
    # Speed is measured by benchmarks (docs/PERFORMANCE.md), never asserted in a test.


def test_demo_data_is_small_and_documented() -> None:
    d = demo_dir()
    assert (d / "SOURCES.md").read_text().count("33032096") >= 1
    for f in d.iterdir():
        assert f.stat().st_size < 1_000_000, f
    assert shutil.which("tabix") is None or (d / "demo.vcf.gz.tbi").is_file()


def test_summary_lists_only_trials_that_still_enrol(demo_report: Report) -> None:
    therapy_lines = [s.text for s in demo_report.summary if s.topic == "Therapy"]
    assert therapy_lines, "the SOD1 demo patient should be offered at least tofersen"
    closed = [t.name for t in demo_report.therapies.items if t.kind == "trial" and t.open_to_new_participants is False]
    assert closed, "the knowledge base has completed SOD1 trials (e.g. VALOR); the demo should list them"
    for name in closed:
        assert not any(line.startswith(name) for line in therapy_lines)
    assert any("Tofersen" in line for line in therapy_lines)


def test_phenopacket_without_clinical_course_says_why_clinical_is_not_assessed(tmp_path: Path) -> None:
    packet = {
        "id": "PP-1", "subject": {"id": "P1", "sex": "MALE"},
        "phenotypicFeatures": [{"type": {"id": "HP:0007354", "label": "Amyotrophic lateral sclerosis"}}],
        "metaData": {"created": "2026-01-01T00:00:00Z", "phenopacketSchemaVersion": "2.0"},
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(packet))
    report = build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz", phenopacket=path))
    assert report.clinical.status == "not_assessed"
    assert any("no clinical course" in n for n in report.clinical.notes)
    assert "HP:0007354" in report.header.hpo_terms


def test_trial_criteria_read_the_recorded_diagnosis_date(demo_report: Report) -> None:
    # issue 15 (knowledge): AB19001 counts 24 months from diagnosis; the demo case records its diagnosis date
    trial = next(t for t in demo_report.analyses["therapy"]["trials"] if t["id"] == "NCT03127267")
    crit = next(c for c in trial["criteria"] if c["id"] == "time_since_diagnosis")
    assert crit["reason"].startswith("time since diagnosis (months) is ")
    assert trial["verdict"] != "eligible" or trial["open_to_new_participants"] is True


def test_identity_mismatch_cannot_be_final(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The demo's repeat file is another person's (other name, named with --str-sample; haploid AR in a woman):
    --strict writes nothing and exits 2; without it a requested final report stays a draft and says why."""
    d = demo_dir()
    args = ["-q", "report", "--vcf", d / "demo.vcf.gz", "--str", d / "demo.str.vcf", "--str-sample",
            "hugelymodelbat_lanes_1_sorted_md", "--proband", "NA12878",
            "--clinical", d / "demo_case.yaml", "--no-pdf", "--sign-off", "final", "--reviewer", "Dr A. Reviewer",
            "--role", "clinical geneticist"]
    strict = run_cli(*args, "--strict", "--outdir", tmp_path / "strict")
    assert strict.code == 2 and "identity check failed" in strict.stderr and "Traceback" not in strict.stderr
    assert not (tmp_path / "strict").exists()
    res = run_cli(*args, "--outdir", tmp_path / "lenient")
    assert res.code == 0, res.stderr
    report = load_json((tmp_path / "lenient" / "report.json").read_text())
    assert report.identity.status == "mismatch" and report.signoff.state == "draft"
    assert report.signoff.reviewer == "Dr A. Reviewer"
    assert report.summary[0].topic == "Identity" and report.summary[0].level == "alert"
    final = run_cli("-q", "report", "--vcf", d / "demo.vcf.gz", "--no-pdf", "--sign-off", "final", "--outdir",
                    tmp_path / "x")
    assert final.code == 2 and "--reviewer" in final.stderr
