"""Commands of charcot.family: ``risk`` and ``segregation`` (parse, call, print; no logic)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from charcot.cli_contract import (
    OutputFormat,
    ages_option,
    build_option,
    file_option,
    format_option,
    output_option,
    resolve_format,
    sample_map_file_option,
    sample_map_option,
    tsv_cell,
)

if TYPE_CHECKING:
    from charcot.family.model import RiskResult

FORMATS = (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.TSV)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def render_risk_table(result: RiskResult, horizon: float) -> str:
    a = result.assumptions
    lines = [f"# {a.gene}: curve {a.curve_title or a.curve} ({a.curve_confidence}), non-penetrance x = {a.nonpenetrance:g}, "
             f"phenocopy {a.phenocopy_lifetime_risk:g}, carrier frequency {a.carrier_frequency:.3g}; {a.method}",
             (f"# proband {a.proband_prior.id}: {a.proband_prior.text}" if a.proband_prior is not None else
              "# proband prior: population model (no untested affected proband named or identifiable; name one with "
              "--proband)"),
             f"{'id':<14}{'sex':<8}{'age':>5}  {'status':<11}{'deceased':<22}{'test':<11}{'P(carrier)':>11}"
             f"{f'risk {horizon:g}y':>10}{'lifetime':>10}"]
    for r in result.individuals:
        age = "-" if r.age is None else f"{r.age:g}"
        lines.append(f"{r.id:<14}{r.sex.value:<8}{age:>5}  {r.status.value:<11}{r.vital:<22}"
                     f"{r.tested.value:<11}"
                     f"{_pct(r.p_carrier):>11}{_pct(r.risk_next_years):>10}{_pct(r.risk_lifetime):>10}")
    if result.sensitivity:
        untested = {i.id for i in result.individuals if i.tested.value == "untested"}  # one pass: linear
        lines.append("# sensitivity of P(carrier) to the non-penetrant fraction x:")
        for row in result.sensitivity:
            vals = ", ".join(f"{k} {v:.1%}" for k, v in row.p_carrier.items() if k in untested)
            lines.append(f"#   x = {row.nonpenetrance:g} ({row.label}): {vals}")
    lines += [f"# note: {note}" for note in a.caveats]
    return "\n".join(lines) + "\n"


def render_risk_tsv(result: RiskResult) -> str:
    header: list[object] = ["id", "sex", "age", "status", "deceased", "death_age", "test", "p_carrier",
                             "risk_next_years", "risk_lifetime", "curve"]
    rows: list[list[object]] = [[r.id, r.sex.value, r.age, r.status.value, "yes" if r.deceased else "no", r.death_age,
                                 r.tested.value, r.p_carrier, r.risk_next_years, r.risk_lifetime, r.curve]
                                for r in result.individuals]
    return "\n".join("\t".join(tsv_cell(c) for c in row) for row in [header, *rows]) + "\n"


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("risk")
    def risk(
        pedigree: Path = typer.Argument(..., metavar="PEDIGREE", help="PED file or Phenopacket Family JSON."),
        gene: str = typer.Option(..., "--gene", help="Gene with a penetrance curve (C9orf72, SOD1, TARDBP, FUS)."),
        carrier: str | None = typer.Option(None, "--carrier", help="ID of the known carrier of the family variant."),
        ages: Path | None = ages_option(),
        nonpenetrance: float | None = typer.Option(None, "--nonpenetrance", help="Lifetime non-penetrant fraction x."),
        horizon: float = typer.Option(10.0, "--horizon", help="Years ahead for the short-term risk."),
        curve: str | None = typer.Option(None, "--curve", help="Curve id (default: the gene's default)."),
        no_sex_specific: bool = typer.Option(False, "--no-sex-specific", help="Ignore sex-specific curves."),
        repair: bool = typer.Option(False, "--add-missing-parents", help="Add placeholder founders for missing parents."),
        fmt: str | None = format_option(choices=FORMATS),
        output: Path | None = output_option("the risk table"),
        plot: Path | None = file_option("--plot", "Also write a PNG of the risk by age of --plot-id.", "PNG"),
        plot_id: str | None = typer.Option(None, "--plot-id", help="Relative to plot."),
        draw: Path | None = file_option("--draw", "Also draw the pedigree with P(carrier) and risks (.svg or .png)."),
        proband: str | None = typer.Option(None, "--proband", help="Proband ID (default: the only affected person)."),
    ) -> None:
        """Carrier probability and age-dependent disease risk for every relative (exact peeling)."""
        from charcot.cli_contract import emit
        from charcot.errors import InputError
        from charcot.family.pedigree import read_observations, read_pedigree
        from charcot.family.risk import relative_risks
        from charcot.outputs import check_output_files

        check_output_files(("-o", output), ("--plot", plot), ("--draw", draw))
        ped = read_pedigree(pedigree, repair=repair)
        obs = read_observations(ages, ped) if ages else {}
        if plot is not None and plot_id is None:
            raise InputError("--plot needs --plot-id (the relative whose risk by age is drawn)",
                             hint="add --plot-id ID, the pedigree ID of that relative")
        if draw is not None and draw.suffix.lower() not in (".svg", ".png"):
            raise InputError(f"--draw {draw}: the file name must end in .svg or .png (it chooses the drawing's format)",
                             hint="e.g. --draw family.svg (or family.png)")
        result = relative_risks(ped, gene, carrier=carrier, nonpenetrance=nonpenetrance, horizon_years=horizon,
                                observations=obs, curve=curve, sex_specific=not no_sex_specific, proband=proband)
        if plot is not None and plot_id is not None:
            if plot_id not in ped:
                raise InputError(f"--plot-id {plot_id!r} is not in the pedigree",
                                 hint="give the ID of a member as the pedigree writes it (column 2 of the PED)")
            from charcot.family.plots import risk_by_age_png

            risk_by_age_png(ped, gene, plot_id, plot, carrier=carrier, observations=obs,
                            nonpenetrance=result.assumptions.nonpenetrance, horizon_years=horizon, proband=proband)
        if draw is not None:
            from charcot.family.drawing import draw_pedigree

            draw_pedigree(ped, result, draw, fmt="png" if draw.suffix.lower() == ".png" else "svg")
        chosen = resolve_format(fmt, output, FORMATS)
        if chosen is OutputFormat.JSON:
            emit(result.model_dump_json(indent=1), output)
        else:
            emit(render_risk_tsv(result) if chosen is OutputFormat.TSV else render_risk_table(result, horizon), output)

    @app.command("segregation")
    def segregation(
        vcf: Path = typer.Argument(..., metavar="VCF", help="Multi-sample VCF (bgzipped or plain); '-' reads standard "
                                   "input."),
        ped: Path = typer.Option(..., "--ped", help="PED file or Phenopacket Family JSON."),
        proband: str | None = typer.Option(None, "--proband", help="Proband ID (default: first affected sequenced)."),
        variant: list[str] = typer.Option([], "--variant", help="Variant key CHROM-POS-REF-ALT (repeatable)."),
        build: str = build_option(),
        fmt: str | None = format_option(choices=FORMATS),
        output: Path | None = output_option("the evidence"),
        ages: Path | None = ages_option(),
        sample_map: list[str] = sample_map_option(),
        sample_map_file: Path | None = sample_map_file_option(),
    ) -> None:
        """Per-variant de novo / segregation / phase evidence (PS2/PM6, PP1/BS4, PM3) for ALS panel genes."""
        import json

        from charcot.cli_contract import emit, readable_input
        from charcot.errors import InputError
        from charcot.family.model import Status
        from charcot.family.pedigree import read_pedigree
        from charcot.family.samplemap import SHOWN, USAGE, join_samples, read_sample_map
        from charcot.family.segregation import family_evidence
        from charcot.genome.builds import parse_build
        from charcot.model import first_names
        from charcot.variants.reader import quiet_htslib

        quiet_htslib()
        chosen_build = parse_build(build) if build.lower() != "auto" else None
        pedigree = read_pedigree(ped)
        if ages is not None:
            from charcot.family.pedigree import read_observations

            # ages let unaffected carriers count against co-segregation under the gene's age curve
            pedigree.observations.update(read_observations(ages, pedigree))
        pairs = read_sample_map(sample_map, sample_map_file)
        with readable_input(vcf) as path:
            from charcot.variants.reader import open_vcf

            reader = open_vcf(path)
            samples = list(reader.samples)
            reader.close()
            # which VCF sample each member is read from: the map's pairs, else the same name
            join = join_samples(pedigree.ids, samples, pairs, vcf=vcf, ped=ped)
            if proband is None:
                # one status per person: the ages file's status overrides the PED column, as in the model
                affected = [i.id for i in pedigree if pedigree.status_of(i.id) is Status.AFFECTED]
                proband = next((iid for iid in affected if iid in join.samples), None)
                if proband is None:
                    raise InputError("no affected individual of the pedigree is a VCF sample", path=ped,
                                     hint=f"affected in the PED: {first_names(affected, SHOWN) or 'none'}; VCF samples: "
                                     f"{first_names(samples, SHOWN)}; names must match exactly (case too): {USAGE}, or name the "
                                     "proband with --proband")
            notes: list[str] = []
            result = family_evidence(path, pedigree, proband, variant or None, chosen_build, notes=notes,
                                     samples=join.samples)
        read_from = {i.id: join.samples.get(i.id) for i in pedigree}
        chosen = resolve_format(fmt, output, FORMATS)
        if chosen is OutputFormat.JSON:
            emit(json.dumps({"proband": proband, "variants": {k: [e.model_dump(mode="json") for e in v]
                                                              for k, v in result.items()}, "notes": notes,
                             # pedigree ID -> the VCF sample read for it (null: not genotyped, never a non-carrier)
                             "samples": read_from},
                            indent=1), output)
            return
        rows = [(key, e.criterion, e.strength, "applied" if e.applied else "not applied", f"{e.points:g}", e.reason)
                for key, evidence in result.items() for e in evidence]
        header = ("variant", "criterion", "strength", "status", "points", "reason")
        if chosen is OutputFormat.TSV:
            emit("\n".join("\t".join(tsv_cell(c) for c in row) for row in [header, *rows]), output)
            return
        lines = [f"proband {proband}; {len(result)} variant(s)"]
        if join.renamed():
            lines.append("read from VCF samples: " + ", ".join(
                f"{iid} = {sample}" if sample else f"{iid} not genotyped" for iid, sample in read_from.items()))
        if rows:
            widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
            lines += ["  ".join(str(c).ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
                      for r in [header, *rows]]
        lines += [f"note: {note}" for note in notes]
        emit("\n".join(lines), output)
