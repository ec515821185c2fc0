"""Commands of charcot.repeats (registered on the main app by charcot.cli)."""

from __future__ import annotations

from pathlib import Path

import typer


def render_text(assessment: object) -> str:
    """Plain-text rendering of a RepeatAssessment (one block per locus, then what was not assessed)."""
    from charcot.repeats.interpret import differing
    from charcot.repeats.model import RepeatAssessment

    assert isinstance(assessment, RepeatAssessment)
    lines = [f"charcot repeats — {assessment.path or 'no file'}",
             f"caller: {assessment.caller or '-'}   sample: {assessment.sample or '-'}   "
             f"build: {assessment.build.value if assessment.build else '-'}"
             f"{f' ({assessment.build_source})' if assessment.build_source else ''}   "
             f"sex: {assessment.sex or 'not given'}   status: {assessment.status.value}", ""]
    for call in assessment.calls:
        lines.append(f"{call.gene} {call.display_motif} ({call.role}) {call.chrom}:{call.start}-{call.end}  "
                     f"genotype {call.genotype}  → {call.category.value}  [confidence {call.confidence}]")
        for index, allele in enumerate(call.alleles):
            lines.append(f"  allele: {allele.summary}")
            if index and allele.summary == call.alleles[index - 1].summary:
                continue  # homozygous: the per-source table was just printed
            # the default verdict, then only the sources that differ from it
            for item in [c for c in allele.classifications if c.is_default] + differing(allele):
                mark = "*" if item.is_default else " "
                unverified = " (unverified)" if item.confidence == "unverified" else ""
                lines.append(f"    {mark} {item.label}{unverified}: {item.category or 'not classified'}"
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
        str_file: Path = typer.Argument(..., help="Repeat-caller output: ExpansionHunter VCF/JSON, TRGT, GangSTR, "
                                        "HipSTR or LongTR VCF (Stranger-annotated or not)."),
        sample: str | None = typer.Option(None, "--sample", help="Sample column (multi-sample files)."),
        build: str | None = typer.Option(None, "--build", help="GRCh37 or GRCh38 (default: from the file)."),
        sex: str | None = typer.Option(None, "--sex", help="female or male (AR / Kennedy disease is X-linked)."),
        output_format: str = typer.Option("text", "--format", help="text or json."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    ) -> None:
        """Interpret C9orf72, ATXN2, ATXN1 and AR repeat sizes against cited ALS thresholds."""
        from charcot.errors import InputError
        from charcot.outputs import atomic_write_text, check_output_file
        from charcot.repeats.api import assess_repeats

        check_output_file(output, option="-o")

        if output_format not in ("text", "json"):
            raise InputError(f"unknown --format {output_format!r}", hint="use text or json")
        assessment = assess_repeats(str_file, sample=sample, build=build, sex=sex)
        text = assessment.model_dump_json(indent=2) + "\n" if output_format == "json" else render_text(assessment)
        if output is not None:
            atomic_write_text(output, text)
        else:
            typer.echo(text, nl=False)
