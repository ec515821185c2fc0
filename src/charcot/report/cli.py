"""Commands of charcot.report: ``report`` (one case → HTML/PDF/JSON/Phenopacket) and ``demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer


def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    """A progress line on stderr (rich status spinner on a terminal, plain lines otherwise)."""
    import sys
    import time

    start = time.perf_counter()

    def say(message: str) -> None:
        if enabled:
            typer.echo(f"[{time.perf_counter() - start:5.1f}s] {message}", err=True)
            sys.stderr.flush()

    return say


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("report")
    def report_cmd(
        vcf: Path | None = typer.Option(None, "--vcf", help="Small-variant VCF/BCF (bgzipped + indexed for speed)."),
        str_vcf: Path | None = typer.Option(None, "--str", help="Repeat-caller VCF (ExpansionHunter, TRGT)."),
        ped: Path | None = typer.Option(None, "--ped", help="PED pedigree."),
        proband: str | None = typer.Option(None, "--proband", help="Proband's individual ID in the PED (and VCF)."),
        ages: Path | None = typer.Option(None, "--ages", help="TSV of relatives' ages: id, age[, status, onset_age, test]."),
        clinical: Path | None = typer.Option(None, "--clinical", help="Clinical record (case YAML)."),
        phenopacket: Path | None = typer.Option(None, "--phenopacket", help="Phenopacket v2 JSON with HPO features."),
        hpo: list[str] = typer.Option([], "--hpo", help="HPO term (repeatable), e.g. HP:0007354."),
        sample: str | None = typer.Option(None, "--sample", help="Sample in a multi-sample VCF."),
        build: str | None = typer.Option(None, "--build", help="GRCh37 or GRCh38 (default: from the VCF header)."),
        sex: str | None = typer.Option(None, "--sex", help="male or female."),
        clinvar: Path | None = typer.Option(None, "--clinvar", help="ClinVar VCF (optional)."),
        gnomad: Path | None = typer.Option(None, "--gnomad", help="gnomAD sites VCF (optional)."),
        region: str | None = typer.Option(None, "--region", help="Regulatory region for therapies (e.g. EU, US)."),
        as_of: str | None = typer.Option(None, "--as-of", help="Assessment date YYYY-MM-DD (default: today)."),
        no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip the PDF."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
        outdir: Path = typer.Option(..., "-o", "--outdir", help="Output directory."),
    ) -> None:
        """One case → report.html, report.pdf, report.json and phenopacket.json in OUTDIR."""
        from charcot.errors import InputError
        from charcot.outputs import check_output_dir
        from charcot.report.build import CaseInputs, build_report
        from charcot.report.write import OUTPUT_NAMES, write_report

        check_output_dir(outdir, names=OUTPUT_NAMES)
        try:
            as_of_date = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise InputError(f"--as-of {as_of!r} is not a date", hint="use YYYY-MM-DD") from None
        say = _progress(not quiet)
        inputs = CaseInputs(vcf=vcf, str_vcf=str_vcf, ped=ped, ages=ages, proband=proband, clinical=clinical,
                            phenopacket=phenopacket, hpo=list(hpo), sample=sample, build=build, sex=sex,
                            clinvar=clinvar, gnomad=gnomad, region=region, as_of=as_of_date)
        report = build_report(inputs, progress=say)
        paths = write_report(report, outdir, pdf=not no_pdf, progress=say)
        for name in sorted(paths):
            typer.echo(str(paths[name]))

    @app.command("demo")
    def demo_cmd(
        outdir: Path = typer.Option(Path("demo-output"), "-o", "--outdir", help="Output directory."),
        no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip the PDF."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    ) -> None:
        """Run the bundled demo case (NA12878 + spiked SOD1 A4V, real ExpansionHunter VCF, fictional history)."""
        import time

        from charcot.outputs import check_output_dir
        from charcot.report.demo import run_demo
        from charcot.report.write import OUTPUT_NAMES

        check_output_dir(outdir, names=OUTPUT_NAMES)
        start = time.perf_counter()
        paths = run_demo(outdir, pdf=not no_pdf, progress=_progress(not quiet))
        typer.echo(f"demo report written in {time.perf_counter() - start:.1f} s:")
        for name in sorted(paths):
            typer.echo(f"  {paths[name].resolve()}")
        typer.echo(f"open {paths['report.html'].resolve()} in a browser")
