"""Variants of an annotated VCF left not classified for two different reasons (probegen review): the real SnpEff 4.1k
header (nf-core, tests/data/variants/SOURCES.md) with OPTN's frameshift annotated only on a non-MANE isoform and SOD1's
exon loss (a term charcot does not classify), beside a classified TBK1 stop gained.

Before: the report's "Not classified" table gave the first variant's reason as the reason of every variant (SOD1's
exon loss read as "only on other transcripts"), and page 1 told the reader of an annotated VCF to "annotate the VCF
(VEP/SnpEff) and re-run"."""

from __future__ import annotations

import html
import re
from pathlib import Path

from variants.test_probegen_annotations import _annotated_but_unknown

from charcot.report.build import CaseInputs, build_report
from charcot.report.consistency import contradictions
from charcot.report.render_html import render_html


def _text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_each_unclassified_variant_keeps_its_own_reason_in_the_report(tmp_path: Path) -> None:
    report = build_report(CaseInputs(vcf=_annotated_but_unknown(tmp_path)))
    assert contradictions(report) == []
    unclassified = {f.gene: f for f in report.genetics.not_classified}
    assert set(unclassified) == {"OPTN", "SOD1"}
    text = _text(render_html(report))
    section = text[text.index("Not classified: consequence unknown"):text.index("Repeat expansions")]
    # each variant's row carries its own reason, and only its own
    optn = section[section.index("OPTN"):section.index("SOD1")]
    sod1 = section[section.index("SOD1"):]
    assert "other transcripts" in optn and "exon_loss_variant" not in optn
    assert "exon_loss_variant" in sod1 and "other transcripts" not in sod1
    # page 1: the VCF is annotated; its entries could not be used
    (line,) = [s.text for s in report.summary if "not classified (consequence unknown)" in s.text]
    assert "annotate the VCF (VEP/SnpEff)" not in line and "could not be used" in line
    # the findings table (interpret) and page 1 name the same genes and count
    assert "2 coding or splice-region variant(s)" in line and "OPTN, SOD1" in line
