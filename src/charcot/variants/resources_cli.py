"""The ``resources`` command group: build a local panel resource bundle and show what one holds."""

from __future__ import annotations

from pathlib import Path

import typer

from charcot.cli_contract import folder_ok

HELP = "Build and inspect the local panel resource bundle (gnomAD, ClinVar, FASTA, GFF3, predictor scores)."


def register(app: typer.Typer) -> None:
    """Add the ``resources`` group to the main app."""
    group = typer.Typer(help=HELP, no_args_is_help=True)

    @group.command("build")
    def build_cmd(
        output: Path = typer.Option(..., "--outdir", metavar="DIR", help="Bundle folder to write (replaced as a "
                                    "whole)."),
        build: str = typer.Option(..., "--build", help="GRCh37 or GRCh38: the build of every file given."),
        # the names 'charcot interpret' gives the same two files (docs/CLI.md: one spelling per concept)
        fasta: Path | None = typer.Option(None, "--reference", metavar="FILE", help="Reference FASTA (plain or "
                                          "bgzip, with --transcripts)."),
        gff: Path | None = typer.Option(None, "--transcripts", metavar="FILE", help="Ensembl GFF3 transcript models "
                                        "(with --reference)."),
        gnomad: list[Path] = typer.Option([], "--gnomad", help="gnomAD v4.x sites VCF (joint, exomes or genomes); "
                                          "repeatable."),
        gnomad_coverage: Path | None = typer.Option(None, "--gnomad-coverage", help="gnomAD per-base coverage "
                                                    "summary (coverage.summary.tsv.bgz) of the gnomAD release given."),
        clinvar: Path | None = typer.Option(None, "--clinvar", help="ClinVar clinvar.vcf.gz of the same build."),
        clinvar_summary: Path | None = typer.Option(None, "--clinvar-summary", help="ClinVar "
                                                    "variant_summary.txt.gz."),
        alphamissense: Path | None = typer.Option(None, "--alphamissense", help="AlphaMissense_hg19/hg38.tsv.gz."),
        revel: Path | None = typer.Option(None, "--revel", help="REVEL v1.3 CSV (revel_with_transcript_ids)."),
        spliceai: Path | None = typer.Option(None, "--spliceai", help="SpliceAI precomputed VCF."),
        cadd: Path | None = typer.Option(None, "--cadd", help="CADD whole-genome or 1000G TSV (Chrom, Pos, Ref, "
                                         "Alt, RawScore, PHRED)."),
        padding: int = typer.Option(1000, "--padding", help="Bases kept on each side of the panel genes (reference, "
                                    "transcripts, ClinVar)."),
        gnomad_padding: int = typer.Option(100, "--gnomad-padding", help="Bases kept on each side of the panel "
                                           "exons in gnomAD (deeper intronic positions: frequency not assessed)."),
    ) -> None:
        """Cut downloaded resource files to the ALS panel regions into a bundle with a manifest."""
        from charcot.cli_contract import note
        from charcot.genome.builds import parse_build
        from charcot.outputs import check_output_dir
        from charcot.variants.bundle import BUNDLE_FILES, build_bundle

        # before any file is cut: the bundle folder is replaced as a whole, so it may hold only a bundle's files
        check_output_dir(output, names=BUNDLE_FILES, option="--outdir")

        scores = {k: v for k, v in (("alphamissense", alphamissense), ("revel", revel), ("spliceai", spliceai),
                                    ("cadd", cadd)) if v is not None}
        manifest = build_bundle(output, parse_build(build), fasta=fasta, gff=gff, gnomad=gnomad, clinvar=clinvar,
                                clinvar_summary=clinvar_summary, scores=scores, padding=padding,
                                gnomad_padding=gnomad_padding, gnomad_coverage=gnomad_coverage)
        total = sum(e.size for e in manifest.resources)
        note(f"bundle {manifest.version}: {len(manifest.resources)} file(s), {total / 1e6:.1f} MB; written to {output}")

    @group.command("info")
    def info_cmd(
        bundle: Path = typer.Argument(..., callback=folder_ok, help="Bundle folder."),
        verify: bool = typer.Option(False, "--verify", help="Recompute every file's SHA-256 against the manifest."),
    ) -> None:
        """Show a bundle's version, build, regions and resources (source, version, date, checksum)."""
        from charcot.errors import InputError
        from charcot.variants.bundle import Bundle, region_bp

        b = Bundle(bundle, check_sizes=False)  # shown whatever happened to it; a changed size is said below
        m = b.manifest
        total = sum((b.folder / f).stat().st_size for f in b.files())
        lines = [f"bundle {m.version}", f"build {m.build}; created {m.created}; knowledge {m.knowledge_version}; "
                 f"size {total / 1e6:.1f} MB", "regions covered (outside them a resource is not assessed):"]
        for name, rs in sorted(m.region_sets.items()):
            lines.append(f"  {name:8} {rs.description}: {len(rs.regions)} regions, {region_bp(rs.regions) / 1e6:.3f} Mb")
        lines.append("files:")
        for e in m.resources:
            lines.append(f"  {e.kind:15} {e.file:24} {e.size / 1e6:8.2f} MB  covers {e.covers:7} "
                         + (f"{e.records} records  " if e.records is not None else "")
                         + f"{e.version}  {e.date}  from {e.source}  sha256 {e.sha256[:16]}")
            if e.fields:
                lines.append(f"  {'':15} keeps {', '.join(e.fields)}")
        typer.echo("\n".join(lines))
        if verify:
            bad = [e.file for e, ok in b.verify() if not ok]
            if bad:
                raise InputError(f"checksum mismatch for {', '.join(bad)}", path=bundle,
                                 hint="the bundle was changed after it was built: rebuild it")
        try:
            Bundle(bundle)  # the check every run makes (sizes of the files and their indexes)
        except InputError as exc:
            raise InputError(exc.message, path=bundle, hint=exc.hint) from None
        if verify:
            typer.echo("all checksums match")

    app.add_typer(group, name="resources")

