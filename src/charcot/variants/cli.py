"""Commands of charcot.variants (registered on the main app by charcot.cli)."""

from __future__ import annotations

import contextlib
import gc
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from charcot.cli_contract import (
    OutputFormat,
    bed_option,
    build_option,
    folder_ok,
    format_option,
    genes_option,
    hpo_option,
    output_option,
    panel_option,
    resolve_format,
    sex_option,
)

if TYPE_CHECKING:
    from charcot.variants.model import InterpretationResult

FORMATS = (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.TSV)


@contextlib.contextmanager
def fewer_collections(*, none: bool = False) -> Iterator[None]:
    """One command's run with less cyclic garbage collection (issue 20). A whole genome makes some 100,000 objects
    (calls, findings, their JSON), and CPython's default thresholds (700, 10, 10) had the collector scan them and
    the knowledge base over and over: about 0.25 s CPU of a 2 s run, measured with gc.callbacks. The objects alive
    at the start (modules, the knowledge base) are frozen out of the scans and young objects are collected every
    20,000 allocations instead of 700; both are restored afterwards (the command may run inside a larger process,
    as in the tests).

    ``none``: no collection at all while the command runs (``interpret``: its objects hold no reference cycles worth
    collecting, and each young-generation scan still cost ~10 ms of a ~1 s whole-genome run, issue 20); the collector
    is switched back on afterwards if it was on."""
    threshold = gc.get_threshold()
    enabled = gc.isenabled()
    gc.freeze()
    gc.set_threshold(20_000, 50, 1_000)
    if none:
        gc.disable()
    try:
        yield
    finally:
        if none:
            gc.freeze()  # the command's objects join the oldest generation below, unscanned by the next young collection
        if enabled:
            gc.enable()
        gc.set_threshold(*threshold)
        gc.unfreeze()


def render_table(result: InterpretationResult) -> str:
    """The findings for a person: one line per reportable variant, then what was not assessed."""
    from charcot.variants.model import not_covered_kinds

    shown = [f for f in result.findings if f.reportable]
    lines = [f"{result.sample} ({result.build}): {len(result.findings)} variant(s) in {len(result.genes_assessed)} "
             f"ALS genes, {len(shown)} coding/splice; {result.records_read} record(s) read"
             + (f"; {len(result.genes_not_covered)} gene(s) not assessed ("
                + "; ".join(not_covered_kinds(result.not_covered_reasons)) + ")"
                if result.genes_not_covered else "")]
    if shown:
        rows = [("gene", "variant", "HGVS", "zygosity", "classification", "criteria")]
        for f in shown:
            criteria = ",".join(e.criterion for e in f.evidence if e.applied) or "-"
            hgvs = " ".join(x for x in (f.hgvs_c, f.hgvs_p) if x) or ("consequence unknown" if not f.consequence
                                                                         else "no HGVS")
            cls = f.classification.value if f.classification is not None else "not classified (consequence unknown)"
            rows.append((f.gene, f.key, hgvs, f.zygosity.value, cls, criteria))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        lines.append("")
        lines += ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] for r in rows]
    for f in shown:
        if f.clinvar_discordance is not None:
            lines.append(f"ClinVar disagrees for {f.gene} {f.key}: {f.clinvar_discordance.note}")
        if f.allele_balance_flag is not None:
            lines.append(f"confirm {f.gene} {f.key}: {f.allele_balance_flag}")
        if f.call_quality_flag is not None:
            lines.append(f"confirm {f.gene} {f.key}: {f.call_quality_flag}")
    for c in result.compound_heterozygous:
        lines.append(f"compound heterozygous candidate: {c.gene}: {', '.join(c.variants)} ({c.phase})")
    known = [c for c in result.excluded_calls if c.known_pathogenic]
    if known:
        lines.append("")
        lines += [textwrap.fill(f"LEFT OUT, NOT CLASSIFIED: {c.gene} {c.chrom}-{c.pos}-{c.ref}-{c.alt} ({c.genotype}), "
                                f"listed in the knowledge base as {c.known}: the call was left out ({c.why}); review "
                                "it and confirm by Sanger or targeted sequencing", width=110, subsequent_indent="  ")
                  for c in known]
    if result.not_assessed:
        lines.append("")
        lines += [textwrap.fill(f"not assessed: {n.what}: {n.reason}", width=110, subsequent_indent="  ")
                  for n in result.not_assessed]
    lines.append("(--format json for every detail, --format tsv for one row per variant)")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("interpret")
    def interpret_cmd(
        vcf: Path = typer.Argument(..., metavar="VCF", help="The patient's VCF (plain or bgzipped) or BCF; '-' reads "
                                   "standard input (plain or BGZF). Indexed input is faster."),
        sample: str | None = typer.Option(None, "--sample", help="Sample to interpret (needed for multi-sample files)."),
        build: str = build_option(),
        clinvar: Path | None = typer.Option(None, "--clinvar", help="Tabix-indexed ClinVar VCF (display + PS1/PM5)."),
        gnomad: Path | None = typer.Option(None, "--gnomad", help="Tabix-indexed gnomAD sites VCF (BA1/BS1/PM2)."),
        gnomad_coverage: Path | None = typer.Option(None, "--gnomad-coverage", help="gnomAD per-base coverage "
                                                    "summary TSV (bgzip; tabix-indexed unless small): absence counts "
                                                    "for PM2 only where gnomAD covered the position."),
        local_frequencies: Path | None = typer.Option(None, "--local-frequencies", help="The laboratory's own "
                                                      "frequency VCF (INFO AF or AC/AN, tabix-indexed): shown next "
                                                      "to each finding, never used for BA1/BS1/PM2."),
        clinvar_summary: Path | None = typer.Option(None, "--clinvar-summary", help="ClinVar variant_summary.txt.gz "
                                                    "(protein changes for PS1/PM5; with --clinvar)."),
        resources: Path | None = typer.Option(None, "--resources", metavar="BUNDLE", callback=folder_ok, help="Resource bundle folder "
                                              "from 'charcot "
                                              "resources build' (gnomAD, ClinVar, FASTA, GFF3; default: the "
                                              "configuration's resource_bundle)."),
        reference: Path | None = typer.Option(None, "--reference", help="Reference FASTA of the VCF's build (REF "
                                              "check; consequences with --transcripts)."),
        transcripts: Path | None = typer.Option(None, "--transcripts", help="Ensembl GFF3 transcript models "
                                                "(consequences and HGVS by bcftools csq)."),
        hpo: list[str] = hpo_option(),
        diagnosis: str | None = typer.Option(None, "--diagnosis", help="The clinical diagnosis, e.g. ALS or "
                                             "MONDO:0004976 (PP4 with --hpo)."),
        onset_age: float | None = typer.Option(None, "--onset-age", help="Age at symptom onset in years (PP4 for "
                                               "genes with a juvenile- or adult-onset form)."),
        str_path: Path | None = typer.Option(None, "--str", help="Repeat-caller VCF (ExpansionHunter/TRGT)."),
        str_sample: str | None = typer.Option(None, "--str-sample", metavar="NAME",
                                              help="The patient's sample in the repeat-caller file, when it is named "
                                                   "otherwise than the VCF's sample."),
        sex: str | None = sex_option(),
        genes: list[str] = genes_option(),
        panel: str | None = panel_option(),
        bed: Path | None = bed_option(),
        min_gq: int | None = typer.Option(None, "--min-gq", help="Drop calls with genotype quality below this."),
        min_dp: int | None = typer.Option(None, "--min-dp", help="Drop calls with depth below this."),
        include_filtered: bool = typer.Option(False, "--include-filtered", help="Also interpret non-PASS records."),
        fmt: str | None = format_option(choices=FORMATS),
        output: Path | None = output_option("the findings"),
    ) -> None:
        """Interpret a patient's VCF in the ALS genes: annotation, ACMG/AMP classification, inheritance."""
        with fewer_collections(none=True):
            from charcot.cli_contract import emit, readable_input, split_terms
            from charcot.errors import NothingAssessed
            from charcot.genome.panels import select_genes
            from charcot.variants.api import interpret, to_json, to_tsv

            selection = select_genes(genes=split_terms(genes), panel=panel, bed=bed, build=build)
            if resources is None:
                from charcot.config import load_config

                resources = load_config().path("resource_bundle")
            with readable_input(vcf) as path, (readable_input(str_path, kind="STR") if str_path is not None
                                               else contextlib.nullcontext(None)) as str_read:
                result = interpret(path, sample=sample, build=build, clinvar=clinvar, gnomad=gnomad,
                                   hpo=split_terms(hpo), diagnosis=diagnosis, str_path=str_read, str_sample=str_sample, sex=sex,
                                   min_gq=min_gq, min_dp=min_dp, include_filtered=include_filtered, genes=selection,
                                   reference=reference, transcripts=transcripts, clinvar_summary=clinvar_summary,
                                   resources=resources, gnomad_coverage=gnomad_coverage, onset_age=onset_age,
                                   local_frequencies=local_frequencies,
                                   str_name="standard input" if str_read is not None and str_read != str_path else None)
            # read from a pipe: name each input as the user gave it, not its temporary copy
            copies = {str(copy): str(given) for copy, given in ((path, vcf), (str_read, str_path))
                      if copy is not None and copy != given}
            if path != vcf:
                result.input = str(vcf)
            for item in result.provenance.inputs:
                item.path = copies.get(item.path, item.path)
            if result.repeats is not None and getattr(result.repeats, "path", None) in copies:
                result.repeats.path = copies[result.repeats.path]
            chosen = resolve_format(fmt, output, FORMATS)
            text = (to_json(result) if chosen is OutputFormat.JSON else to_tsv(result) if chosen is OutputFormat.TSV
                    else render_table(result))
            emit(text, output)
        if result.status == "not_assessed" or not result.genes_assessed:
            raise NothingAssessed(f"no ALS gene could be assessed in {vcf} (status {result.status})",
                                  hint="see 'not assessed' in the output")
