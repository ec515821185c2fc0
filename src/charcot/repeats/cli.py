"""Commands of charcot.repeats (registered on the main app by charcot.cli)."""

from __future__ import annotations

from pathlib import Path

import typer

from charcot.cli_contract import (
    OutputFormat,
    build_option,
    format_option,
    output_option,
    resolve_format,
    sex_option,
)


def render_text(assessment: object) -> str:
    """Plain-text rendering of a RepeatAssessment (one block per locus, then what was not assessed)."""
    from charcot.repeats.interpret import category_words, differing
    from charcot.repeats.model import RepeatAssessment

    assert isinstance(assessment, RepeatAssessment)
    shown = "standard input" if assessment.path == "-" else assessment.path or "no file"
    lines = [f"charcot repeats — {shown}",
             f"caller: {assessment.caller or '-'}   sample: {assessment.sample or '-'}   "
             f"build: {assessment.build.value if assessment.build else '-'}"
             f"{f' ({assessment.build_source})' if assessment.build_source else ''}   "
             f"sex: {assessment.sex or 'not given'}   status: {assessment.status.value}", ""]
    for call in assessment.calls:
        lines.append(f"{call.gene} {call.display_motif} ({category_words(call.role)}) {call.chrom}:{call.start}-"
                     f"{call.end}  genotype {call.genotype}  → {category_words(call.category.value)}  "
                     f"[confidence {call.confidence}]")
        for index, allele in enumerate(call.alleles):
            lines.append(f"  allele: {allele.summary}")
            if index and allele.summary == call.alleles[index - 1].summary:
                continue  # homozygous: the per-source table was just printed
            # the default verdict, then only the sources that differ from it
            for item in [c for c in allele.classifications if c.is_default] + differing(allele):
                mark = "*" if item.is_default else " "
                unverified = " (unverified)" if item.confidence == "unverified" else ""
                lines.append(f"    {mark} {item.label}{unverified}: {category_words(item.category)}"
                             f"{f' [{item.range}]' if item.range else ''}  ({item.thresholds})")
        for finding in call.genotype_findings:
            lines.append(f"  genotype: {finding.label}{' (unverified)' if finding.unverified else ''}: {finding.finding}")
        lines.append(f"  default: {call.default_label} — cited {', '.join(call.default_sources)}")
        if call.disagreement:
            lines.append(f"  other sources differ: {call.disagreement}")
        if call.sex_note:
            lines.append(f"  sex: {call.sex_note}")
        for warning in call.warnings:
            lines.append(f"  warning: {warning}")
        if call.recommendation:
            lines.append(f"  recommendation: {call.recommendation}")
        lines.append("")
    if not assessment.calls:
        lines.append(assessment.summary.splitlines()[0] if assessment.summary else "")
    for missing in assessment.not_assessed:
        lines.append(f"not assessed: {missing.what} — {missing.reason}")
    for warning in assessment.warnings:
        lines.append(f"warning: {warning}")
    lines.append("(* = charcot's default thresholds; other sources are listed only where they differ from it; "
                 "sizes are repeat units)")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("repeats")
    def repeats(
        str_file: Path = typer.Argument(..., metavar="STR", help="Repeat-caller output: ExpansionHunter VCF or "
                                        "JSON (v3-v5), TRGT, GangSTR, HipSTR or LongTR VCF (Stranger-annotated or "
                                        "not); '-' reads standard input."),
        sample: str | None = typer.Option(None, "--sample", help="Sample column (multi-sample files)."),
        build: str = build_option(),
        sex: str | None = sex_option(),
        output_format: str | None = format_option(),
        output: Path | None = output_option("the assessment"),
    ) -> None:
        """Interpret C9orf72, ATXN2, ATXN1 and AR repeat sizes against cited ALS thresholds."""
        from charcot.cli_contract import emit, readable_input
        from charcot.errors import NothingAssessed
        from charcot.model import AssessmentStatus
        from charcot.repeats.api import assess_repeats

        # a stream is read through charcot's temporary copy: the output names what the user gave
        given = "standard input" if str(str_file) == "-" else str(str_file)
        with readable_input(str_file, kind="STR") as path:
            assessment = assess_repeats(path, sample=sample, build=None if build.lower() == "auto" else build, sex=sex,
                                        name=given if path != str_file else None)
        if path != str_file:
            assessment.path = str(str_file)
        text = (assessment.model_dump_json(indent=2) + "\n" if resolve_format(output_format, output) is OutputFormat.JSON
                else render_text(assessment))
        emit(text, output)
        if assessment.status is AssessmentStatus.NOT_ASSESSED:
            raise NothingAssessed("no repeat locus could be assessed", hint="see 'not assessed' in the output")
