"""Commands of charcot.variants (registered on the main app by charcot.cli)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("interpret")
    def interpret_cmd(
        vcf: Path = typer.Argument(..., help="The patient's VCF (plain or bgzipped) or BCF; indexed input is faster."),
        sample: str | None = typer.Option(None, "--sample", help="Sample to interpret (needed for multi-sample files)."),
        build: str = typer.Option("auto", "--build", help="auto (from header contig lengths), GRCh37 or GRCh38."),
        clinvar: Path | None = typer.Option(None, "--clinvar", help="Tabix-indexed ClinVar VCF (display + PS1/PM5)."),
        gnomad: Path | None = typer.Option(None, "--gnomad", help="Tabix-indexed gnomAD sites VCF (BA1/BS1/PM2)."),
        hpo: str = typer.Option("", "--hpo", help="Comma-separated HPO terms, e.g. HP:0007354 (PP4)."),
        diagnosis: str | None = typer.Option(None, "--diagnosis", help="The clinical diagnosis, e.g. ALS or "
                                             "MONDO:0004976 (PP4 with --hpo)."),
        str_path: Path | None = typer.Option(None, "--str", help="Repeat-caller VCF (ExpansionHunter/TRGT)."),
        sex: str | None = typer.Option(None, "--sex", help="male, female or unknown (X-linked zygosity)."),
        min_gq: int | None = typer.Option(None, "--min-gq", help="Drop calls with genotype quality below this."),
        min_dp: int | None = typer.Option(None, "--min-dp", help="Drop calls with depth below this."),
        include_filtered: bool = typer.Option(False, "--include-filtered", help="Also interpret non-PASS records."),
        output: Path | None = typer.Option(None, "-o", "--output", help="Write findings JSON here (default: stdout)."),
        tsv: Path | None = typer.Option(None, "--tsv", help="Also write a findings TSV here."),
    ) -> None:
        """Interpret a patient's VCF in the ALS genes: annotation, ACMG/AMP classification, inheritance."""
        from charcot.outputs import atomic_write_text, check_output_files
        from charcot.variants.api import interpret, to_json, to_tsv

        check_output_files(("-o", output), ("--tsv", tsv))

        result = interpret(vcf, sample=sample, build=build, clinvar=clinvar, gnomad=gnomad,
                           hpo=[t for t in hpo.split(",") if t.strip()], diagnosis=diagnosis, str_path=str_path, sex=sex,
                           min_gq=min_gq, min_dp=min_dp, include_filtered=include_filtered)
        text = to_json(result)
        tsv_text = to_tsv(result) if tsv is not None else None
        if output is not None:
            atomic_write_text(output, text)
        if tsv is not None and tsv_text is not None:
            atomic_write_text(tsv, tsv_text)
        if output is None:
            typer.echo(text, nl=False)
        else:
            shown = [f for f in result.findings if f.reportable]
            typer.echo(f"{result.sample} ({result.build}): {len(result.findings)} variant(s) in "
                       f"{len(result.genes_assessed)} ALS genes, {len(shown)} coding/splice; written to {output}",
                       err=True)
