"""Commands of charcot.report: ``report`` (one case → HTML/PDF/JSON/Phenopacket) and ``demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from charcot.cli_contract import (
    ages_option,
    bed_option,
    build_option,
    folder_ok,
    genes_option,
    hpo_option,
    panel_option,
    sample_map_file_option,
    sample_map_option,
    sex_option,
)


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


def _exit_3_when_an_input_assessed_nothing(report: Any) -> None:
    """Exit code 3 (docs/CLI.md) after the report is written, when a variant or repeat-caller file it was given could
    assess nothing: the same file gives 3 through ``charcot interpret`` / ``charcot repeats``, and a pipeline reading
    the exit code must not take the report for an answer on it. An input not given is not 'asked'."""
    from charcot.errors import NothingAssessed
    from charcot.model import AssessmentStatus

    given = {i.role for i in report.header.inputs}
    nothing = [words for role, section, words in (
        ("vcf", report.genetics, "the VCF: no ALS gene could be assessed in it"),
        ("str_vcf", report.repeats, "the repeat-caller file: no repeat locus could be assessed in it"))
        if role in given and section.status == AssessmentStatus.NOT_ASSESSED]
    if nothing:
        raise NothingAssessed("; ".join(nothing) + " (the report was written and says why)",
                              hint="see 'What was not assessed' in the report")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("report")
    def report_cmd(
        vcf: Path | None = typer.Option(None, "--vcf", help="Small-variant VCF/BCF (bgzipped + indexed for speed)."),
        str_vcf: Path | None = typer.Option(None, "--str", help="Repeat-caller VCF (ExpansionHunter, TRGT)."),
        ped: Path | None = typer.Option(None, "--ped", help="PED pedigree."),
        proband: str | None = typer.Option(None, "--proband", help="Proband's individual ID in the PED (and VCF)."),
        ages: Path | None = ages_option(),
        clinical: Path | None = typer.Option(None, "--clinical", metavar="CASE",
                                             help="Clinical record (the case YAML/JSON that 'clinical' reads)."),
        phenopacket: Path | None = typer.Option(None, "--phenopacket", help="Phenopacket v2 JSON with HPO features."),
        hpo: list[str] = hpo_option(),
        sample: str | None = typer.Option(None, "--sample", help="The patient's sample in the VCF (a multi-sample VCF, "
                                          "or a sample named otherwise than the pedigree's proband)."),
        str_sample: str | None = typer.Option(None, "--str-sample", metavar="NAME",
                                              help="The patient's sample in the repeat-caller file, when the file "
                                                   "names the patient otherwise than the VCF and the pedigree."),
        sample_map: list[str] = sample_map_option(),
        sample_map_file: Path | None = sample_map_file_option(),
        build: str = build_option(),
        sex: str | None = sex_option(),
        genes: list[str] = genes_option(),
        panel: str | None = panel_option(),
        bed: Path | None = bed_option(),
        clinvar: Path | None = typer.Option(None, "--clinvar", help="ClinVar VCF (optional)."),
        gnomad: Path | None = typer.Option(None, "--gnomad", help="gnomAD sites VCF (optional)."),
        gnomad_coverage: Path | None = typer.Option(None, "--gnomad-coverage", help="gnomAD per-base coverage "
                                                    "summary TSV (optional): PM2 absence only where gnomAD covered "
                                                    "the position."),
        resources: Path | None = typer.Option(None, "--resources", metavar="BUNDLE", callback=folder_ok, help="Resource bundle folder "
                                              "from 'charcot resources build' (default: the configuration's resource_bundle)."),
        jurisdiction: str | None = typer.Option(None, "--jurisdiction", metavar="CODE",
                                                help="Regulatory jurisdiction for therapies: US, EU, EEA, UK, ... (default: "
                                                     "the configuration's 'jurisdiction')."),
        assessment_date: str | None = typer.Option(None, "--assessment-date", metavar="DATE",
                                                   help="Date of the assessment, YYYY-MM-DD (default: the clinical record's last visit, or its diagnosis or death date if later)."),
        country: str | None = typer.Option(None, "--country", metavar="CODE",
                                           help="Patient's country (ISO 3166 code, e.g. DE); gives the jurisdiction."),
        no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip the PDF."),
        sign_off: str = typer.Option("draft", "--sign-off", metavar="STATE", help="draft or final (final needs --reviewer)."),
        reviewer: str | None = typer.Option(None, "--reviewer", metavar="NAME", help="Reviewer signing the report (default with "
                                             "--sign-off final: the configuration's signatory)."),
        role: str | None = typer.Option(None, "--role", help="Reviewer's role, e.g. clinical geneticist."),
        signed_on: str | None = typer.Option(None, "--signed-on", metavar="DATE",
                                             help="Sign-off date YYYY-MM-DD (default: today for a final report)."),
        strict: bool = typer.Option(False, "--strict",
                                    help="Write no report at all when an identity or sex check fails."),
        outdir: Path = typer.Option(..., "--outdir", metavar="DIR",
                                    help="Folder for report.html, report.pdf, report.json and phenopacket.json."),
    ) -> None:
        """One case → report.html, report.pdf, report.json and phenopacket.json in OUTDIR."""
        from charcot.report.helper import report_helper
        from charcot.variants.cli import fewer_collections

        if clinical is not None or phenopacket is not None:
            # read by this process (the record) and by the helper (the plots' arguments): imported once, before the
            # helper is forked, instead of in both (~0.25 s CPU with pydantic; issue 20)
            import charcot.clinical.api  # noqa: F401

        # From here on a helper process imports WeasyPrint and matplotlib while this one imports and runs the
        # analyses; it then draws the clinical plots and lays out the PDF (charcot.report.helper). Both run with
        # fewer garbage collections (the helper inherits the setting): the default thresholds had the collector
        # scan the imported modules over and over, ~0.3 s CPU in each process and ~0.35 s in the PDF's layout.
        with fewer_collections(), report_helper(pdf=not no_pdf, plots=clinical is not None or phenopacket is not None):
            from charcot.cli_contract import past_date, split_terms
            from charcot.cli_state import verbosity
            from charcot.config import load_config
            from charcot.errors import InputError
            from charcot.genome.panels import select_genes
            from charcot.outputs import check_output_dir
            from charcot.report.build import CaseInputs, build_report, sign
            from charcot.report.write import OUTPUT_NAMES, write_report
            from charcot.variants.reader import quiet_htslib

            check_output_dir(outdir, names=OUTPUT_NAMES, option="--outdir")
            dates: dict[str, date | None] = {}
            for name, value in (("--assessment-date", assessment_date), ("--signed-on", signed_on)):
                dates[name] = past_date(value, name)  # a report is never dated or signed in the future
            when = dates["--assessment-date"]
            if sign_off not in ("draft", "final"):
                raise InputError(f"--sign-off {sign_off!r} is not draft or final", hint="use --sign-off draft or final")
            selection = select_genes(genes=split_terms(genes), panel=panel, bed=bed, build=build)
            pairs: Any = {}
            if sample_map or sample_map_file is not None:
                from charcot.family.api import read_sample_map

                pairs = read_sample_map(sample_map, sample_map_file)  # checked against the PED and VCF when read
            config = load_config()
            where = config.prefer("jurisdiction", jurisdiction, "--jurisdiction")
            if where is not None:  # the words of 'charcot therapies' and the patient facts' region
                from charcot.therapy.jurisdictions import checked_code

                where = checked_code(where, what="--jurisdiction" if jurisdiction else
                                     "the configuration's 'jurisdiction'")
            if resources is None:
                resources = config.path("resource_bundle")
            if reviewer is None and sign_off == "final":
                reviewer = config.get("signatory")
            if verbosity() < 1:
                quiet_htslib()
            say = _progress(verbosity() >= 0)
            inputs = CaseInputs(vcf=vcf, str_vcf=str_vcf, ped=ped, ages=ages, proband=proband, clinical=clinical,
                                phenopacket=phenopacket, hpo=split_terms(hpo), sample=sample, str_sample=str_sample,
                                sample_map=pairs,
                                build=None if build.lower() == "auto" else build, sex=sex, clinvar=clinvar,
                                gnomad=gnomad, gnomad_coverage=gnomad_coverage, resources=resources, region=where, country=country,
                                as_of=when,
                                genes=selection)
            report = build_report(inputs, progress=say)
            laboratory = config.get("laboratory")
            if laboratory:
                report = report.model_copy(update={"header": report.header.model_copy(update={"laboratory": laboratory})})
            signed = dates["--signed-on"] or (date.today() if sign_off == "final" else None)
            report = sign(report, state=sign_off, reviewer=reviewer, role=role, on=signed, strict=strict)
            paths = write_report(report, outdir, pdf=not no_pdf, progress=say)
            for name in sorted(paths):
                typer.echo(str(paths[name]))
            _exit_3_when_an_input_assessed_nothing(report)

    @app.command("demo")
    def demo_cmd(
        outdir: Path = typer.Option(Path("demo-output"), "--outdir", metavar="DIR",
                                    help="Folder for the demo report (default: demo-output)."),
        no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip the PDF."),
    ) -> None:
        """Run the README's `charcot report` command on the bundled demo case (NA12878 + spiked SOD1 A4V,
        a real ExpansionHunter VCF from another person, fictional history)."""
        import time

        from charcot.cli_contract import note
        from charcot.outputs import check_output_dir
        from charcot.report.demo import demo_args
        from charcot.report.write import OUTPUT_NAMES

        check_output_dir(outdir, names=OUTPUT_NAMES, option="--outdir")
        start = time.perf_counter()
        # The same command line as the README's, through the same parser; the run-wide options (-q/-v,
        # --config) were already applied by the root command and stay in force.
        args = demo_args(outdir) + (["--no-pdf"] if no_pdf else [])
        note("charcot " + " ".join(args))
        typer.main.get_command(app).main(args=args, prog_name="charcot", standalone_mode=False)
        typer.echo(f"demo report written in {time.perf_counter() - start:.1f} s")
        typer.echo(f"open {(Path(outdir) / 'report.html').resolve()} in a browser")
