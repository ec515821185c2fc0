"""Commands of charcot.population: ``charcot cohort burden`` and ``charcot epi ...``.

Parsing and printing only; the work is in ``api`` and ``epi`` (imported inside the commands so
``charcot --help`` stays fast).
"""

from __future__ import annotations

from pathlib import Path

import typer

cohort_app = typer.Typer(help="Cohort case-control analyses (gene burden).", no_args_is_help=True)
epi_app = typer.Typer(help="Population epidemiology: expected cases, SIR, prevalence, cluster check.",
                      no_args_is_help=True)


@cohort_app.command("burden")
def burden(
    vcf: Path = typer.Argument(..., help="Multi-sample cohort VCF (bgzipped + tabix index for 2-core streaming)."),
    phenotypes: Path = typer.Option(..., "--phenotypes", help="TSV (sample, status[, covariates]) or PED."),
    covariates: str = typer.Option("", "--covariates", help="Comma list, ranges allowed: sex,PC1..PC10"),
    backend: str = typer.Option("local", "--backend", help="local (cyvcf2 streaming) or hail (Hail on Spark)."),
    out: Path = typer.Option(Path("results"), "-o", "--out", help="Output directory."),
    genes: str = typer.Option("", "--genes", help="Comma list of genes (default: the knowledge base's ALS genes)."),
    all_genes: bool = typer.Option(False, "--all-genes", help="Test every annotated gene."),
    max_af: float = typer.Option(0.001, "--max-af", help="Rare = allele frequency below this."),
    revel_min: float = typer.Option(0.5, "--revel-min", help="Missense qualifies at REVEL >= this."),
    plp_source: str | None = typer.Option(
        None, "--plp-source",
        help="Where P/LP comes from: charcot (default: charcot's ACMG classification of each panel allele from the "
             "VCF's annotation), clinvar (INFO/CLNSIG) or sites (the --plp-sites list; implied by --plp-sites)."),
    plp_sites: Path | None = typer.Option(None, "--plp-sites", help="TSV chrom,pos,ref,alt of known P/LP alleles."),
    build: str = typer.Option("auto", "--build", help="Genome build of the VCFs (GRCh37/GRCh38; auto = from headers)."),
    str_vcf: Path | None = typer.Option(None, "--str-vcf",
                                        help="Multi-sample STR VCF (ExpansionHunter/GangSTR/HipSTR/TRGT/LongTR); "
                                             "knowledge-base repeat loci and thresholds unless --repeat-loci."),
    repeat_loci: Path | None = typer.Option(None, "--repeat-loci",
                                            help="Override the repeat loci: TSV gene,chrom,start,end,threshold."),
    workers: int = typer.Option(2, "--workers", help="Local backend processes (needs an index)."),
    include_filtered: bool = typer.Option(False, "--include-filtered", help="Also use non-PASS records."),
    hail_master: str = typer.Option("", "--hail-master", help="Spark master for --backend hail (default local[2])."),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip the QQ and forest plots."),
) -> None:
    """Collapsing burden tests per ALS gene and qualifying-variant class (Fisher, Firth, ACAT-V).

    Classes: plp (by default charcot's own ACMG classification; --plp-source clinvar|sites for ClinVar
    labels or a site list), lof and missense (rare; REVEL for missense), repeat (--str-vcf, at the
    knowledge base's repeat loci unless --repeat-loci).
    """
    from charcot.errors import InputError
    from charcot.outputs import check_output_dir
    from charcot.population.api import RESULT_NAMES, run_burden, write_results
    from charcot.population.phenotypes import expand_covariates
    from charcot.population.qualifying import Criteria, read_plp_sites

    check_output_dir(out, names=RESULT_NAMES)
    source = (plp_source or ("sites" if plp_sites else "charcot")).lower()
    if source == "sites" and plp_sites is None:
        raise InputError("--plp-source sites needs --plp-sites FILE")
    if plp_sites is not None and source != "sites":
        raise InputError(f"--plp-sites is only used with --plp-source sites (not {source})",
                         hint="drop --plp-source, or drop --plp-sites")
    criteria = Criteria(max_af=max_af, revel_min=revel_min, plp_source=source,
                        plp_sites=read_plp_sites(str(plp_sites)) if plp_sites else frozenset())
    gene_set = frozenset(g.strip() for g in genes.split(",") if g.strip()) or None
    config = {"master": hail_master} if hail_master else None
    results = run_burden(vcf, phenotypes, covariates=expand_covariates(covariates), backend=backend,
                         criteria=criteria, genes=gene_set, all_genes=all_genes, str_vcf=str_vcf,
                         repeat_loci=repeat_loci, workers=workers, include_filtered=include_filtered,
                         hail_config=config, build=build, str_build=None if build.lower() == "auto" else build)
    written = write_results(results, out, plots=not no_plots)
    typer.echo(f"{results.n_cases} cases, {results.n_controls} controls; {len(results.groups)} gene x class tests "
               f"({results.backend} backend)")
    for g in sorted(results.groups, key=lambda g: g.fisher_p)[:10]:
        typer.echo(f"  {g.gene:10} {g.cls:9} cases {g.case_carriers}/{g.n_cases}  controls "
                   f"{g.control_carriers}/{g.n_controls}  Fisher p={g.fisher_p:.3g}  Firth p={g.firth_p:.3g}")
    for note in results.notes:
        typer.echo(f"  note: {note}")
    for item in results.not_assessed:
        typer.echo(f"  not assessed: {item['what']}: {item['reason']}")
    typer.echo("wrote " + ", ".join(str(p) for p in written))


@epi_app.command("expected")
def expected(
    population: Path = typer.Argument(..., help="TSV: age_band (e.g. 60-69), sex (M/F/all), persons."),
    rates: str = typer.Option("", "--rates", help="Rate TSV (age_band, sex, rate per 100,000 PY) or a "
                              "knowledge-base rate id (see 'charcot epi rates')."),
    years: float = typer.Option(1.0, "--years", help="Observation period in years."),
    observed: int | None = typer.Option(None, "--observed", help="Observed cases: gives the SIR and a cluster check."),
    area: str = typer.Option("the area", "--area", help="Name of the area for the explanation."),
) -> None:
    """Expected ALS cases for a population from its age/sex structure and cited incidence rates."""
    from charcot.population import epi

    result = epi.expected_cases(epi.read_population(population), epi.resolve_rates(rates), years=years)
    typer.echo(epi.explain_expected(result, area))
    if observed is not None:
        typer.echo("")
        typer.echo(epi.explain_sir(epi.sir(observed, result.expected), area))


@epi_app.command("sir")
def sir_command(
    observed: int = typer.Option(..., "--observed", help="Observed cases."),
    expected_cases: float = typer.Option(..., "--expected", help="Expected cases."),
    area: str = typer.Option("the area", "--area"),
    level: float = typer.Option(0.95, "--level", help="Confidence level."),
) -> None:
    """Standardized incidence ratio with exact (Garwood) Poisson interval and a cluster check."""
    from charcot.population import epi

    typer.echo(epi.explain_sir(epi.sir(observed, expected_cases, level), area))


@epi_app.command("prevalence")
def prevalence_command(
    incidence: float = typer.Option(..., "--incidence", help="Incidence per 100,000 person-years."),
    duration: float = typer.Option(..., "--duration", help="Mean disease duration in years."),
) -> None:
    """Steady-state prevalence from incidence and mean duration (P = I x D)."""
    from charcot.population import epi

    typer.echo(epi.explain_prevalence(incidence, duration))


@epi_app.command("rates")
def rates_command() -> None:
    """List the cited incidence figures in the knowledge base (with source keys and confidence)."""
    from charcot.population import epi

    typer.echo(epi.describe_rates())


def register(app: typer.Typer) -> None:
    """Add ``cohort`` (burden) and ``epi`` groups to the main app."""
    app.add_typer(cohort_app, name="cohort")
    app.add_typer(epi_app, name="epi")
