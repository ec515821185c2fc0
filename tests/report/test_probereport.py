"""Reviewer probe (probereport): whole reports on unseen but realistic inputs, each read in every output.

Every case runs on the bundled real data (the demo's NA12878 chr21 calls with the spiked SOD1 p.Ala5Val, the real
ExpansionHunter v5 file of another person, the Scout trio) with one thing changed as a user or a pipeline changes it.
Each test failed on the code before its fix; the report's own checker (``contradictions``) is run on every report,
and the HTML and the exported phenopacket are read too, not only report.json.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.report.build import CaseInputs, build_report
from charcot.report.consistency import contradictions
from charcot.report.demo import DEMO_STR_SAMPLE, demo_dir, demo_inputs
from charcot.report.model import Report
from charcot.report.phenopacket import render_phenopacket
from charcot.report.render_html import render_html
from tests.report.conftest import FIXED, scout_trio_inputs

D = demo_dir()
CLINICAL = Path(__file__).parents[1] / "data" / "clinical"
# the real ExpansionHunter v5 file's C9orf72 record (sized 2/2, PASS)
_C9 = "\tC\t<STR2>\t.\tPASS\tEND=27573544;REF=3;RL=18;RU=GGCCCC;VARID=C9ORF72;REPID=C9ORF72\t" \
      "GT:SO:REPCN:REPCI:ADSP:ADFL:ADIR:LC\t1/1:SPANNING/SPANNING:2/2:2-2/2-2:31/31:5/5:0/0:28.174689"
# the same record with one allele not called ('1/.'), as ExpansionHunter writes a locus it sized on one allele only
_C9_HALF = _C9.replace("1/1:SPANNING/SPANNING:2/2:2-2/2-2", "1/.:SPANNING/.:2/.:2-2/.")


def _build(**changes: object) -> Report:
    return build_report(CaseInputs(run_time=FIXED, **changes))  # type: ignore[arg-type]


def _phenopacket(report: Report) -> dict:
    return json.loads(render_phenopacket(report))


def _repeat_gis(report: Report) -> dict[str, dict]:
    return {gi["variantInterpretation"]["variationDescriptor"]["id"]: gi
            for p in _phenopacket(report).get("interpretations", [])
            for gi in p["diagnosis"]["genomicInterpretations"]
            if gi["variantInterpretation"]["variationDescriptor"]["id"].startswith("repeat:")}


def _str_with(folder: Path, record: str) -> Path:
    text = (D / "demo.str.vcf").read_text()
    assert text.count(_C9) == 1
    out = folder / "edited.str.vcf"
    out.write_text(text.replace(_C9, record))
    return out


def _vcf_all_filtered(folder: Path) -> Path:
    """The demo's VCF with every record's FILTER set to LowConfidence (declared in its header): a sample whose calls a
    pipeline filtered wholesale."""
    lines = []
    with gzip.open(D / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#"):
                fields[6] = "LowConfidence"
            lines.append("\t".join(fields) + "\n")
    out = folder / "all_filtered.vcf"
    out.write_text("".join(lines))
    return out


def _genetics_html(report: Report) -> str:
    html = render_html(report)
    return html[html.index('<section id="genetics"'):html.index('<section id="repeats"')]


# --------------------------------------------------------------------------- stated sex
@pytest.mark.parametrize("given", ["M", "Male", "XY"])
def test_sex_word_on_the_command_line_is_read_as_every_input_reads_it(given: str) -> None:
    """``--sex M`` (or 'Male', 'XY'): the repeat analysis read it as male, but the identity check compared 'male' by the
    data with 'M' as stated: a false red banner ("male by the data ... but M in the command line") that bars a final
    report, and the header said 'M'."""
    report = _build(str_vcf=D / "demo.str.vcf", sex=given)
    assert report.header.sex == "male"
    assert report.header.parameters is not None and report.header.parameters.sex == "male"
    ploidy = next(c for c in report.identity.checks if c.check == "sex from the repeat caller's X ploidy")
    assert ploidy.status == "pass", ploidy
    assert report.identity.status == "pass" and not any(s.topic == "Identity" for s in report.summary)
    assert contradictions(report) == []


def test_sex_unknown_on_the_command_line_states_nothing() -> None:
    """``--sex unknown`` (one of the option's three documented values) replaced the clinical record's 'female' and was
    compared with the data: "male by the data ... but unknown in the command line" (a mismatch), header sex 'unknown'.
    It states no sex: the record's is used, and the real mismatch (the repeat file is a man's) is named against it."""
    report = build_report(replace(demo_inputs(), sex="unknown", run_time=FIXED))
    assert report.header.sex == "female"
    ploidy = next(c for c in report.identity.checks if c.check == "sex from the repeat caller's X ploidy")
    assert ploidy.detail.endswith("but female in the clinical record"), ploidy.detail
    assert not any("unknown" in c.detail for c in report.identity.checks if c.status == "mismatch")


def test_two_inputs_stating_different_sexes_are_an_identity_mismatch(tmp_path: Path) -> None:
    """``--sex male`` beside a clinical record stating female (and a phenopacket stating male beside it): the report
    took the first and said nothing of the other (header 'male', phenopacket MALE, no check failed)."""
    report = _build(vcf=D / "demo.vcf.gz", clinical=D / "demo_case.yaml", sex="male")
    [check] = [c for c in report.identity.checks if c.check.startswith("stated sex: ")]
    assert check.check == "stated sex: command line vs clinical record" and check.status == "mismatch"
    assert "male on the command line (--sex); female in the clinical record" in check.detail
    assert report.identity.status == "mismatch"
    assert any(s.topic == "Identity" and "female in the clinical record" in s.text for s in report.summary)
    assert "Identity check failed" in render_html(report)

    packet = json.loads((CLINICAL / "example_phenopacket.json").read_text())
    packet["subject"].update(id="DEMO-001", sex="MALE")  # the record's own id: only the sex differs
    path = tmp_path / "male.phenopacket.json"
    path.write_text(json.dumps(packet))
    report = _build(vcf=D / "demo.vcf.gz", clinical=D / "demo_case.yaml", phenopacket=path)
    [check] = [c for c in report.identity.checks if c.check.startswith("stated sex: ")]
    assert (check.check, check.status) == ("stated sex: phenopacket vs clinical record", "mismatch")
    assert not any(c.check.startswith("patient id") and c.status == "mismatch" for c in report.identity.checks)
    assert contradictions(report) == []

    agree = _build(vcf=D / "demo.vcf.gz", clinical=D / "demo_case.yaml", sex="F")
    [check] = [c for c in agree.identity.checks if c.check.startswith("stated sex: ")]
    assert check.status == "pass" and agree.header.sex == "female"


def test_repeat_notes_name_where_the_sex_was_stated() -> None:
    """The demo's sex comes from its clinical record and the Scout trio's from its pedigree; the AR note in the repeat
    appendix, the phenopacket and FHIR said "Female (--sex)" / "Male (--sex)", an option never given."""
    demo = build_report(replace(demo_inputs(), run_time=FIXED))
    ar = next(c for c in demo.repeats.calls if c.gene == "AR")
    assert "Female (clinical record)" in ar.interpretation and "--sex" not in ar.interpretation
    assert any(w.startswith("female (clinical record)") for w in ar.warnings)
    trio = build_report(scout_trio_inputs())
    ar = next(c for c in trio.repeats.calls if c.gene == "AR")
    assert "Male (pedigree)" in ar.interpretation and "--sex" not in ar.interpretation
    given = _build(str_vcf=D / "demo.str.vcf", sex="male")
    assert "Male (--sex)" in next(c for c in given.repeats.calls if c.gene == "AR").interpretation


# --------------------------------------------------------------------------- whose documents
def test_a_phenopacket_of_another_patient_beside_the_record_is_a_mismatch() -> None:
    """The bundled example phenopacket (subject DEMO-ALS-002) beside the demo's clinical record (DEMO-001): the report
    took its patient id and HPO terms from the one and the course from the other, and no check compared them."""
    report = _build(vcf=D / "demo.vcf.gz", clinical=D / "demo_case.yaml",
                    phenopacket=CLINICAL / "example_phenopacket.json")
    [check] = [c for c in report.identity.checks if c.check == "patient id: clinical record vs phenopacket"]
    assert check.status == "mismatch" and "DEMO-001" in check.detail and "DEMO-ALS-002" in check.detail
    assert any(s.topic == "Identity" and "DEMO-ALS-002" in s.text for s in report.summary)


def test_a_pedigree_marking_the_patient_unaffected_beside_a_clinical_record_is_a_mismatch(tmp_path: Path) -> None:
    """The demo's pedigree with the patient's PED status 1 (unaffected) and no ages file, beside the clinical record of
    her ALS: the relatives' risks were computed for an unaffected patient and nothing said so. With the demo's ages
    file (status 'affected' for her, which the family section reads over the PED column) the two agree."""
    ped = tmp_path / "unaffected.ped"
    ped.write_text((D / "demo.ped").read_text().replace("DEMO\tNA12878\tDEMO-F\tDEMO-M\t2\t2",
                                                        "DEMO\tNA12878\tDEMO-F\tDEMO-M\t2\t1"))
    base = replace(demo_inputs(), str_vcf=None, str_sample=None, ped=ped, run_time=FIXED)
    report = build_report(replace(base, ages=None))
    [check] = [c for c in report.identity.checks if c.check == "affection status: clinical record vs pedigree"]
    assert check.status == "mismatch" and "unaffected" in check.detail
    assert next(m for m in report.family.members if m.id == "NA12878").affected == "unaffected"
    with_ages = build_report(base)
    [check] = [c for c in with_ages.identity.checks if c.check == "affection status: clinical record vs pedigree"]
    assert check.status == "pass"
    assert next(m for m in with_ages.family.members if m.id == "NA12878").affected == "affected"


# --------------------------------------------------------------------------- repeats: one call, every output
def test_an_indeterminate_call_says_so_in_its_own_text(tmp_path: Path) -> None:
    """The real ExpansionHunter file with C9orf72 called on one allele ('1/.', REPCN '2/.'). Page 1 and the item said
    'not assessed (indeterminate ...)', but the call's text, the phenopacket's description and FHIR's note, read
    "C9orf72 GGGGCC repeat: 2/not called. 2 repeats: normal under ..." (the demo's haploid AR in a woman likewise
    "AR CAG repeat: 27. 27 repeats: normal"), and the table, the figure and the phenopacket label gave '2' as if
    one size were the genotype."""
    report = _build(vcf=D / "demo.vcf.gz", str_vcf=_str_with(tmp_path, _C9_HALF), str_sample=DEMO_STR_SAMPLE,
                    clinical=D / "demo_case.yaml")
    c9 = next(c for c in report.repeats.calls if c.gene == "C9orf72")
    assert c9.status == "indeterminate" and c9.sizes_text() == "2/?"
    assert "Indeterminate (not assessed): one allele was not called" in c9.interpretation
    ar = next(c for c in report.repeats.calls if c.gene == "AR")
    assert ar.interpretation.startswith("AR CAG repeat: 27. Indeterminate (not assessed): one allele was not called")
    gis = _repeat_gis(report)
    c9_gi = gis["repeat:C9ORF72"]["variantInterpretation"]["variationDescriptor"]
    assert "Indeterminate" in c9_gi["description"] and c9_gi["label"] == "C9orf72 repeat 2/?"
    assert gis["repeat:C9ORF72"].get("interpretationStatus", "UNKNOWN_STATUS") == "UNKNOWN_STATUS"
    assert "C9orf72 2/? (indeterminate)" in report.repeats.plots[0].caption
    assert contradictions(report) == []
    told_normal = [c.model_copy(update={"interpretation": c.interpretation.replace(
        "Indeterminate (not assessed)", "Sized")}) for c in report.repeats.calls]
    problems = contradictions(report.model_copy(update={"repeats": report.repeats.model_copy(
        update={"calls": told_normal})}))
    assert any("C9orf72 is indeterminate" in p for p in problems), problems


def test_a_flagged_normal_call_is_not_rejected_in_the_phenopacket(tmp_path: Path) -> None:
    """C9orf72 2/2 with FILTER=LowDepth: page 1 and the item carry the caller's flag (probe-case), but the phenopacket
    exported it "C9orf72 GGGGCC repeat: 2/2. both alleles 2 repeats: normal", status REJECTED (ruled out), and FHIR's
    note said the same: a low-confidence call read as a normal one wherever the report went."""
    report = _build(str_vcf=_str_with(tmp_path, _C9.replace("\t.\tPASS\t", "\t.\tLowDepth\t")), sex="male")
    c9 = next(c for c in report.repeats.calls if c.gene == "C9orf72")
    assert c9.status == "normal" and "FILTER=LowDepth" in c9.interpretation
    gi = _repeat_gis(report)["repeat:C9ORF72"]
    assert gi.get("interpretationStatus", "UNKNOWN_STATUS") == "UNKNOWN_STATUS"
    desc = gi["variantInterpretation"]["variationDescriptor"]
    assert "FILTER=LowDepth" in desc["description"]
    assert {"name": "caller_filter", "value": "LowDepth"} in desc["extensions"]
    assert _repeat_gis(_build(str_vcf=D / "demo.str.vcf", sex="male"))["repeat:C9ORF72"]["interpretationStatus"] \
        == "REJECTED"  # a PASS call of normal size is ruled out, as before
    assert contradictions(report) == []


def test_record_status_beside_an_indeterminate_call_names_both_on_page_1(tmp_path: Path) -> None:
    """The clinical record states C9orf72 expanded (a laboratory's result) and the repeat-caller file's C9orf72 call is
    indeterminate: page 1 said only "C9orf72 repeat expanded according to the clinical record (...; charcot did not
    assess it from data)", the file's own call was in the item alone."""
    record = tmp_path / "record.yaml"
    record.write_text((D / "demo_case.yaml").read_text().replace(
        "ftd: false\n", "ftd: false\ngenotype:\n  c9orf72_status: expanded\n"))
    report = _build(vcf=D / "demo.vcf.gz", str_vcf=_str_with(tmp_path, _C9_HALF), str_sample=DEMO_STR_SAMPLE,
                    clinical=record)
    line = next(s.text for s in report.summary if s.topic == "Repeats" and "C9orf72" in s.text)
    assert line.startswith("C9orf72 repeat expanded according to the clinical record"), line
    assert "the repeat-caller file's call (2/?) is indeterminate: one allele was not called" in line
    assert contradictions(report) == []


# --------------------------------------------------------------------------- small variants left out
def test_a_left_out_call_is_in_the_genetics_section_where_page_1_points(tmp_path: Path) -> None:
    """Every record of the demo's VCF filtered (LowConfidence), the spiked SOD1 p.Ala5Val among them. Page 1 said "No
    pathogenic or likely pathogenic small variant among the calls classified in the 2 genes assessed (1 call(s) left
    out ...: see below)" while no call at all had been classified, and below, the genetics section (HTML and PDF) read
    "Tier 1 ... None." with no word of the left-out call: it was only in the appendix's not-assessed table."""
    report = _build(vcf=_vcf_all_filtered(tmp_path))
    g = report.genetics
    assert len(g.excluded_calls) == 17 and not any(t.findings for t in g.tiers)
    genetics = [s.text for s in report.summary if s.topic == "Genetics"]
    assert not any(t.startswith("No pathogenic") for t in genetics), genetics
    assert any(t.startswith("None of the sample's 17 variant calls in the 2 genes assessed was kept") for t in genetics)
    section = _genetics_html(report)
    assert "Calls left out by the run: not classified" in section
    assert "21:33032096 C&gt;T" in section and "FILTER LowConfidence" in section
    assert "Pathogenic: NM_000454.5:c.14C&gt;T p.(Ala5Val)" in section
    assert "16 further call(s) left out by the run lie outside coding and splice regions" in section
    assert contradictions(report) == []
    said = [s.model_copy(update={"text": "No pathogenic or likely pathogenic small variant in the 2 genes assessed."})
            if s.topic == "Genetics" and s.text.startswith("None of") else s for s in report.summary]
    assert any("kept none of the sample's calls" in p
               for p in contradictions(report.model_copy(update={"summary": said})))


def test_a_phenopacket_keeps_a_left_out_call_left_out(tmp_path: Path) -> None:
    """The phenopacket charcot wrote for that report carries the left-out SOD1 call as a GenomicInterpretation with its
    vcfRecord (no class, 'left_out' extension). Given back with ``--phenopacket``, it was read as a passing call and
    classified: page 1 "SOD1 NM_000454.5:c.14C>T p.(Ala5Val): Likely pathogenic, heterozygous", from a call the first
    run had refused to classify."""
    first = _build(vcf=_vcf_all_filtered(tmp_path))
    path = tmp_path / "phenopacket.json"
    path.write_text(render_phenopacket(first))
    again = _build(phenopacket=path)
    assert not any(t.findings for t in again.genetics.tiers)
    [ex] = again.genetics.excluded_calls
    assert (ex.gene, ex.pos, ex.why, ex.known_pathogenic) == ("SOD1", 33032096, "FILTER LowConfidence", True)
    assert any(s.level == "alert" and "was left out (FILTER LowConfidence)" in s.text for s in again.summary)
    assert contradictions(again) == []


def test_a_phenopacket_variant_without_allelic_state_has_no_zygosity(tmp_path: Path) -> None:
    """A phenopacket variant with a vcfRecord but no allelicState is written '0/1' for the interpretation; the report
    then called it "heterozygous" on page 1, in its card and in the exported phenopacket, a zygosity no input gave."""
    first = build_report(replace(demo_inputs(), run_time=FIXED))
    packet = _phenopacket(first)
    for p in packet["interpretations"]:
        for gi in p["diagnosis"]["genomicInterpretations"]:
            gi["variantInterpretation"]["variationDescriptor"].pop("allelicState", None)
    path = tmp_path / "no_state.json"
    path.write_text(json.dumps(packet))
    again = _build(phenopacket=path)
    [f] = [f for t in again.genetics.tiers for f in t.findings if f.gene == "SOD1"]
    assert f.zygosity == "unknown" and any("no allelic state" in n for n in f.notes)
    line = next(s.text for s in again.summary if s.topic == "Genetics" and "SOD1" in s.text)
    assert line.endswith("zygosity unknown") and "heterozygous" not in line, line
    out = _phenopacket(again)
    sod1 = next(gi for p in out["interpretations"] for gi in p["diagnosis"]["genomicInterpretations"]
                if gi["variantInterpretation"]["variationDescriptor"].get("geneContext", {}).get("symbol") == "SOD1")
    assert "allelicState" not in sod1["variantInterpretation"]["variationDescriptor"]
    # with its allelic state the variant keeps it
    kept = json.loads(render_phenopacket(first))
    path.write_text(json.dumps(kept))
    assert [f.zygosity for t in _build(phenopacket=path).genetics.tiers for f in t.findings] == ["heterozygous"]


# --------------------------------------------------------------------------- clinical
def test_a_number_not_calculated_says_why_on_page_1(tmp_path: Path) -> None:
    """A clinical record without ALSFRS-R items: page 1 read "ENCALS model not calculated." with no reason (the table
    and the item gave it)."""
    record = tmp_path / "no_alsfrs.yaml"
    record.write_text(re.sub(r"\n    alsfrs_r: \{[^}]*\}", "", (D / "demo_case.yaml").read_text()))
    report = _build(vcf=D / "demo.vcf.gz", clinical=record)
    line = next(s.text for s in report.summary if s.topic == "Prognosis")
    assert line.startswith("ENCALS model not calculated (no ALSFRS-R visit"), line
    assert contradictions(report) == []


def test_an_unknown_sex_word_is_refused_without_a_repeat_file() -> None:
    with pytest.raises(InputError, match="unknown sex 'banana'"):
        _build(clinical=D / "demo_case.yaml", sex="banana")


def test_a_record_stating_sex_other_is_read_not_refused() -> None:
    """``sex: other`` is a value of the case record; with a repeat-caller file the report stopped with "unknown sex
    'other' ... use --sex female or --sex male", an option never given. It states no chromosomal sex: the repeat
    analysis and the sex checks read it as not stated, the header and the exports keep 'other'."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "other.yaml"
        record.write_text((D / "demo_case.yaml").read_text().replace("\nsex: female\n", "\nsex: other\n"))
        report = _build(str_vcf=D / "demo.str.vcf", clinical=record)
    assert report.header.sex == "other"
    ploidy = next(c for c in report.identity.checks if c.check == "sex from the repeat caller's X ploidy")
    assert ploidy.status == "info" and "no stated sex to compare with" in ploidy.detail
    assert _phenopacket(report)["subject"]["sex"] == "OTHER_SEX"
    from charcot.exports.fhir import fhir_bundle

    patient = next(e["resource"] for e in fhir_bundle(report)["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["gender"] == "other"


def test_a_repeat_file_is_read_in_its_own_build_beside_a_vcf_of_the_other() -> None:
    """The real GRCh38 NA12878 panel calls beside the real GRCh37 ExpansionHunter file (two pipelines of one
    laboratory): the report forced the VCF's GRCh38 on the repeat file as if the user had said so, and ATXN2, ATXN1 and
    AR read "not assessed: no record at this locus's position; the repeat positions fit GRCh37 better than the given
    GRCh38: check --build", an option never given (C9orf72 alone was matched, by its name)."""
    vcf = Path(__file__).parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
    report = _build(vcf=vcf, str_vcf=D / "demo.str.vcf", str_sample=DEMO_STR_SAMPLE)
    assert report.header.build == "GRCh38"
    repeat_items = {i.name: i for i in report.items if i.kind == "repeat"}
    assert all(i.status.value == "assessed" for i in repeat_items.values()), repeat_items
    assert not any("--build" in n.reason for n in report.not_assessed)
    assert any(n.startswith("The repeat-caller file is on GRCh37 (from its repeat positions") for n in report.repeats.notes)
    assert contradictions(report) == []


def test_a_sample_name_in_two_unicode_forms_is_named_as_such(tmp_path: Path) -> None:
    """The demo VCF's sample renamed 'Jöns' with a composed ö (NFC), the pedigree's proband 'Jöns' with o + combining
    diaeresis (NFD, as some systems write it): refused as "the VCF's sample Jöns is not the pedigree's proband Jöns",
    two names that print alike, with nothing to say why."""
    import unicodedata

    nfc, nfd = unicodedata.normalize("NFC", "Jöns"), unicodedata.normalize("NFD", "Jöns")
    with gzip.open(D / "demo.vcf.gz", "rt") as handle:
        text = handle.read().replace("\tNA12878\n", f"\t{nfc}\n")
    vcf = tmp_path / "nfc.vcf"
    vcf.write_text(text, encoding="utf-8")
    ped = tmp_path / "nfd.ped"
    ped.write_text(f"F\t{nfd}\t0\t0\t2\t2\n", encoding="utf-8")
    with pytest.raises(InputError, match="two Unicode forms"):
        _build(vcf=vcf, ped=ped, proband=nfd)
