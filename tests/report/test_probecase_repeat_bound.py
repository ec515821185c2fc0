"""Reviewer probe (probe-case): a C9orf72 allele known only as 'at least N' repeats reads so in every output.

Unseen case: the real ExpansionHunter v5 VCF (justhusky, tests/data/repeats) with its C9orf72 record turned into a
heterozygous expansion seen in in-repeat reads only (REPCN 2/850, REPCI 700-1000, SO SPANNING/INREPEAT), as
ExpansionHunter writes one. The repeat analysis says "2/at least 700": the caller's 850 is no size. Before the fix
page 1 read "C9orf72 2/850 repeats: expanded at least n" (the caller's count, and the category's code), and so did
the repeat table, the figure, the phenopacket label and the FHIR export (value 850)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.model import Report

EH = Path(__file__).parents[1] / "data" / "repeats" / "justhusky_exphun_hugelymodelbat.eh5.vcf"
_SIZED = "\tC\t<STR2>\t.\tPASS\tEND=27573544;REF=3;RL=18;RU=GGCCCC;VARID=C9ORF72;REPID=C9ORF72\t" \
         "GT:SO:REPCN:REPCI:ADSP:ADFL:ADIR:LC\t1/1:SPANNING/SPANNING:2/2:2-2/2-2:31/31:5/5:0/0:28.174689"
_EXPANDED = "\tC\t<STR2>,<STR850>\t.\tPASS\tEND=27573544;REF=3;RL=18;RU=GGCCCC;VARID=C9ORF72;REPID=C9ORF72\t" \
            "GT:SO:REPCN:REPCI:ADSP:ADFL:ADIR:LC\t1/2:SPANNING/INREPEAT:2/850:2-2/700-1000:31/0:5/3:0/20:28.174689"


def _report_with(run_cli: Any, str_vcf: Path, record: str) -> tuple[Report, Path]:
    """``charcot report`` on the real ExpansionHunter file with its C9orf72 record replaced by ``record``: the report
    and its folder."""
    str_vcf.write_text(EH.read_text().replace(_SIZED, record))
    out = str_vcf.parent / "out"
    r = run_cli("report", "--str", str_vcf, "--sex", "male", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text()), out


def test_lower_bound_allele_is_told_as_a_lower_bound(run_cli: Any, tmp_path: Path) -> None:
    assert EH.read_text().count(_SIZED) == 1
    report, out = _report_with(run_cli, tmp_path / "c9_expanded.eh5.vcf", _EXPANDED)
    c9 = next(c for c in report.repeats.calls if c.gene == "C9orf72")
    assert c9.alleles == [2, 850] and c9.at_least == [None, 700] and c9.sizes_text() == "2/≥700"
    line = next(s.text for s in report.summary if s.topic == "Repeats" and "C9orf72" in s.text)
    assert line.startswith("C9orf72 2/≥700 repeats: expanded ("), line
    item = next(i for i in report.items if i.name == "C9orf72")
    assert item.result is not None and item.result.startswith("C9orf72 2/≥700 repeats: expanded ("), item.result
    html = (out / "report.html").read_text()
    assert "850" not in html and "at least n" not in html and "2 / ≥700" in html
    labels = [i["variantInterpretation"]["variationDescriptor"]["label"]
              for p in json.loads((out / "phenopacket.json").read_text())["interpretations"]
              for i in p["diagnosis"]["genomicInterpretations"] if "variantInterpretation" in i]
    assert "C9orf72 repeat 2/≥700" in labels, labels
    assert contradictions(report) == []

    fhir = tmp_path / "bundle.json"
    r = run_cli("export", "fhir", out / "report.json", "-o", fhir)
    assert r.code == 0, r.stderr
    quantities = [c["valueQuantity"] for e in json.loads(fhir.read_text())["entry"]
                  for c in e["resource"].get("component", []) if "(GGGGCC)" in c["code"].get("text", "")]
    assert quantities == [{"value": 2, "unit": "repeat units"},
                          {"value": 700, "comparator": ">=", "unit": "repeat units"}]


def test_checker_names_a_lower_bound_told_as_a_size(run_cli: Any, tmp_path: Path) -> None:
    str_vcf = tmp_path / "c9_expanded.eh5.vcf"
    str_vcf.write_text(EH.read_text().replace(_SIZED, _EXPANDED))
    out = tmp_path / "out"
    assert run_cli("report", "--str", str_vcf, "--sex", "male", "--no-pdf", "-q", "--outdir", out).code == 0
    report = Report.model_validate_json((out / "report.json").read_text())
    told_as_size = [i.model_copy(update={"result": "C9orf72 2/850 repeats: expanded"}) if i.name == "C9orf72" else i
                    for i in report.items]
    problems = contradictions(report.model_copy(update={"items": told_as_size}))
    assert any("C9orf72: the repeat analysis gives 2/≥700" in p for p in problems), problems


def test_caller_flag_is_told_with_the_call(run_cli: Any, tmp_path: Path) -> None:
    """The same real file with the C9orf72 record's FILTER set to LowDepth (an ExpansionHunter filter). Before: page 1
    and the item read "C9orf72 2/2: normal" without the flag the repeat table showed."""
    report, _ = _report_with(run_cli, tmp_path / "c9_lowdepth.eh5.vcf",
                             _SIZED.replace("\t.\tPASS\t", "\t.\tLowDepth\t"))
    flag = "C9orf72 2/2 (the caller flagged this call: FILTER=LowDepth; low confidence)"
    assert any(flag in s.text for s in report.summary if s.topic == "Repeats"), report.summary
    item = next(i for i in report.items if i.name == "C9orf72")
    assert "FILTER=LowDepth" in (item.result or "")
    assert contradictions(report) == []
    plain = [s.model_copy(update={"text": s.text.replace(flag[len("C9orf72 2/2"):], "")}) for s in report.summary]
    assert any("tells it without the flag" in p for p in contradictions(report.model_copy(update={"summary": plain})))
