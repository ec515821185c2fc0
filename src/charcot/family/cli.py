"""Commands of charcot.family: ``risk`` and ``segregation`` (parse, call, print; no logic)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("risk")
    def risk(
        pedigree: Path = typer.Argument(..., help="PED file or Phenopacket Family JSON."),
        gene: str = typer.Option(..., "--gene", help="Gene with a penetrance curve (C9orf72, SOD1, TARDBP, FUS)."),
        carrier: str | None = typer.Option(None, "--carrier", help="ID of the known carrier of the family variant."),
        ages: Path | None = typer.Option(None, "--ages", help="TSV: id, age[, status, onset_age, test]."),
        nonpenetrance: float | None = typer.Option(None, "--nonpenetrance", help="Lifetime non-penetrant fraction x."),
        horizon: float = typer.Option(10.0, "--horizon", help="Years ahead for the short-term risk."),
        curve: str | None = typer.Option(None, "--curve", help="Curve id (default: the gene's default)."),
        no_sex_specific: bool = typer.Option(False, "--no-sex-specific", help="Ignore sex-specific curves."),
        repair: bool = typer.Option(False, "--add-missing-parents", help="Add placeholder founders for missing parents."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the full result as JSON."),
        plot: Path | None = typer.Option(None, "--plot", help="PNG: risk by age for --plot-id."),
        plot_id: str | None = typer.Option(None, "--plot-id", help="Relative to plot."),
        draw: Path | None = typer.Option(None, "--draw", help="Pedigree drawing with P(carrier) and risks (.svg or .png)."),
        proband: str | None = typer.Option(None, "--proband", help="Proband ID (default: the only affected person)."),
    ) -> None:
        """Carrier probability and age-dependent disease risk for every relative (exact peeling)."""
        from charcot.errors import InputError
        from charcot.family.pedigree import read_observations, read_pedigree
        from charcot.family.risk import relative_risks
        from charcot.outputs import atomic_write_text, check_output_files

        check_output_files(("--json", json_out), ("--plot", plot), ("--draw", draw))
        ped = read_pedigree(pedigree, repair=repair)
        obs = read_observations(ages, ped) if ages else {}
        if plot is not None and plot_id is None:
            raise InputError("--plot needs --plot-id (the relative whose risk by age is drawn)")
        if draw is not None and draw.suffix.lower() not in (".svg", ".png"):
            raise InputError(f"--draw {draw.name}: the file name must end in .svg or .png", path=draw)
        result = relative_risks(ped, gene, carrier=carrier, nonpenetrance=nonpenetrance, horizon_years=horizon,
                                observations=obs, curve=curve, sex_specific=not no_sex_specific, proband=proband)
        if plot is not None and plot_id is not None:
            if plot_id not in ped:
                raise InputError(f"--plot-id {plot_id!r} is not in the pedigree")
            from charcot.family.plots import risk_by_age_png

            risk_by_age_png(ped, gene, plot_id, plot, carrier=carrier, observations=obs,
                            nonpenetrance=result.assumptions.nonpenetrance, horizon_years=horizon, proband=proband)
        if draw is not None:
            from charcot.family.drawing import draw_pedigree

            draw_pedigree(ped, result, draw, fmt="png" if draw.suffix.lower() == ".png" else "svg")
        if json_out is not None:
            atomic_write_text(json_out, result.model_dump_json(indent=1))
        a = result.assumptions
        typer.echo(f"# {a.gene}: curve {a.curve} ({a.curve_confidence}), non-penetrance x = {a.nonpenetrance:g}, "
                   f"phenocopy {a.phenocopy_lifetime_risk:g}, carrier frequency {a.carrier_frequency:.3g}; {a.method}")
        if a.proband_prior is not None:
            typer.echo(f"# proband {a.proband_prior.id}: {a.proband_prior.text}")
        else:
            typer.echo("# proband prior: population model (no untested affected proband named or identifiable; "
                       "name one with --proband)")
        def pct(v: float | None) -> str:
            return "-" if v is None else f"{v:.1%}"

        rows = [f"{'id':<14}{'sex':<8}{'age':>5}  {'status':<11}{'test':<11}{'P(carrier)':>11}"
                f"{f'risk {horizon:g}y':>10}{'lifetime':>10}"]
        for r in result.individuals:
            age = "-" if r.age is None else f"{r.age:g}"
            rows.append(f"{r.id:<14}{r.sex.value:<8}{age:>5}  {r.status.value:<11}{r.tested.value:<11}"
                        f"{pct(r.p_carrier):>11}{pct(r.risk_next_years):>10}{pct(r.risk_lifetime):>10}")
        typer.echo("\n".join(rows))
        if result.sensitivity:
            typer.echo("# sensitivity of P(carrier) to the non-penetrant fraction x:")
            untested = {i.id for i in result.individuals if i.tested.value == "untested"}
            for row in result.sensitivity:
                vals = ", ".join(f"{k} {v:.1%}" for k, v in row.p_carrier.items() if k in untested)
                typer.echo(f"#   x = {row.nonpenetrance:g} ({row.label}): {vals}")
        for note in a.caveats:
            typer.echo(f"# note: {note}")

    @app.command("segregation")
    def segregation(
        vcf: Path = typer.Argument(..., help="Multi-sample VCF (bgzipped or plain)."),
        ped: Path = typer.Option(..., "--ped", help="PED file or Phenopacket Family JSON."),
        proband: str | None = typer.Option(None, "--proband", help="Proband ID (default: first affected sequenced)."),
        variant: list[str] = typer.Option([], "--variant", help="Variant key CHROM-POS-REF-ALT (repeatable)."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the evidence as JSON."),
        build: str | None = typer.Option(None, "--build", help="GRCh37 or GRCh38 (default: from the VCF header)."),
        ages: Path | None = typer.Option(None, "--ages", help="TSV: id, age[, status, onset_age, deceased, death_age]."),
    ) -> None:
        """Per-variant de novo / segregation / phase evidence (PS2/PM6, PP1/BS4, PM3) for ALS panel genes."""
        import json

        from cyvcf2 import VCF

        from charcot.errors import InputError
        from charcot.family.model import Status
        from charcot.family.pedigree import read_pedigree
        from charcot.family.segregation import family_evidence
        from charcot.outputs import atomic_write_text, check_output_file

        check_output_file(json_out, option="--json")
        from charcot.genome.builds import parse_build
        from charcot.variants.reader import quiet_htslib

        quiet_htslib()
        chosen_build = parse_build(build) if build is not None else None
        pedigree = read_pedigree(ped)
        if ages is not None:
            from charcot.family.pedigree import read_observations

            # ages let unaffected carriers count against co-segregation under the gene's age curve
            pedigree.observations.update(read_observations(ages, pedigree))
        if proband is None:
            try:
                reader = VCF(str(vcf))
            except OSError as exc:
                raise InputError(f"cannot read VCF: {exc}", path=vcf) from exc
            samples = set(reader.samples)
            reader.close()
            proband = next((i.id for i in pedigree if i.id in samples and i.status is Status.AFFECTED), None)
            if proband is None:
                raise InputError("no affected individual of the pedigree is a VCF sample", path=ped,
                                 hint="name the proband with --proband")
        notes: list[str] = []
        result = family_evidence(vcf, pedigree, proband, variant or None, chosen_build, notes=notes)
        if json_out is not None:
            atomic_write_text(json_out, json.dumps({k: [e.model_dump() for e in v] for k, v in result.items()},
                                                   indent=1))
        typer.echo(f"# proband {proband}; {len(result)} variant(s)")
        for key, evidence in result.items():
            for e in evidence:
                mark = "applied" if e.applied else "not applied"
                typer.echo(f"{key}\t{e.criterion}\t{e.strength}\t{mark}\t{e.points:g}\t{e.reason}")
        for note in notes:
            typer.echo(f"# note: {note}")
