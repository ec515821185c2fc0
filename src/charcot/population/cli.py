"""Commands of charcot.population: ``charcot cohort burden`` and ``charcot epi ...``.

Parsing and printing only; the work is in ``api`` and ``epi`` (imported inside the commands so
``charcot --help`` stays fast).
"""

from __future__ import annotations

from pathlib import Path

import typer

from charcot.cli_contract import (
    OutputFormat,
    bed_option,
    build_option,
    format_option,
    genes_option,
    output_option,
    panel_option,
    resolve_format,
)

cohort_app = typer.Typer(help="Cohort case-control analyses (gene burden).", no_args_is_help=True)
epi_app = typer.Typer(help="Population epidemiology: expected cases, SIR, prevalence, cluster check.",
                      no_args_is_help=True)


@cohort_app.command("burden")
def burden(
    vcf: Path = typer.Argument(..., metavar="VCF", help="Multi-sample cohort VCF (bgzipped + tabix index for 2-core "
                               "streaming)."),
    phenotypes: Path = typer.Option(..., "--phenotypes", help="TSV (sample, status[, covariates]) or PED."),
    covariates: str = typer.Option("", "--covariates", help="Comma list, ranges allowed: sex,PC1..PC10"),
    backend: str = typer.Option("local", "--backend", help="local (cyvcf2 streaming) or hail (Hail on Spark)."),
    outdir: Path = typer.Option(Path("results"), "--outdir", metavar="DIR",
                                help="Folder for the result tables and plots (default: results)."),
    genes: list[str] = genes_option(),
    panel: str | None = panel_option(),
    bed: Path | None = bed_option(),
    all_genes: bool = typer.Option(False, "--all-genes", help="Test every annotated gene."),
    max_af: float = typer.Option(0.001, "--max-af", help="Rare = allele frequency below this."),
    revel_min: float = typer.Option(0.5, "--revel-min", help="Missense qualifies at REVEL >= this."),
    alphamissense: Path | None = typer.Option(
        None, "--alphamissense", metavar="FILE",
        help="The AlphaMissense TSV (AlphaMissense_hg38.tsv.gz, bgzipped + tabix-indexed, or a subset with its "
             "header): adds the gene x mask masks alphamissense, lof+alphamissense, lof+missense+alphamissense."),
    am_min: float = typer.Option(0.564, "--am-min",
                                 help="AlphaMissense masks: am_pathogenicity above this (0.564 = likely pathogenic, "
                                      "Cheng et al. 2023)."),
    plp_source: str | None = typer.Option(
        None, "--plp-source",
        help="Where P/LP comes from: charcot (default: charcot's ACMG classification of each panel allele from the "
             "VCF's annotation), clinvar (INFO/CLNSIG) or sites (the --plp-sites list; implied by --plp-sites)."),
    plp_sites: Path | None = typer.Option(None, "--plp-sites", help="TSV chrom,pos,ref,alt of known P/LP alleles."),
    build: str = build_option(),
    str_vcf: Path | None = typer.Option(None, "--str",
                                        help="Multi-sample STR VCF (ExpansionHunter/GangSTR/HipSTR/TRGT/LongTR); "
                                             "knowledge-base repeat loci and thresholds unless --repeat-loci."),
    repeat_loci: Path | None = typer.Option(None, "--repeat-loci",
                                            help="Override the repeat loci: TSV gene,chrom,start,end,threshold."),
    workers: int = typer.Option(2, "--workers", help="Local backend processes (needs an index)."),
    include_filtered: bool = typer.Option(False, "--include-filtered",
                                          help="Also use non-PASS records, and calls whose own FORMAT/FT is set."),
    min_gq: int | None = typer.Option(None, "--min-gq", metavar="N",
                                      help="Genotype QC: a call with GQ below N (or none) counts as missing."),
    min_dp: int | None = typer.Option(None, "--min-dp", metavar="N",
                                      help="Genotype QC: a call with DP below N (or none) counts as missing."),
    hail_master: str = typer.Option("", "--hail-master", help="Spark master for --backend hail (default local[2])."),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip the QQ and forest plots."),
    repeat_covariate: bool = typer.Option(False, "--repeat-covariate",
                                          help="Adjust the gene x mask tests for C9orf72 repeat expansion carrier "
                                               "status (needs --str)."),
) -> None:
    """Collapsing burden tests per ALS gene and qualifying-variant class (Fisher, Firth, ACAT-V), and gene x mask
    tests (lof, missense, both; with --alphamissense also AlphaMissense alone and in union; singleton / af<=0.1% /
    af<=1%) by burden, SKAT and SKAT-O (small-sample adjusted below 2,000 samples), combined by ACAT-O.

    Classes: plp (by default charcot's own ACMG classification; --plp-source clinvar|sites for ClinVar
    labels or a site list), lof and missense (rare; REVEL for missense), repeat (--str, at the
    knowledge base's repeat loci unless --repeat-loci).
    """
    from charcot.cli_contract import split_terms
    from charcot.errors import InputError, NothingAssessed
    from charcot.genome.panels import select_genes
    from charcot.outputs import check_output_dir
    from charcot.population.api import RESULT_NAMES, run_burden, write_results
    from charcot.population.phenotypes import expand_covariates
    from charcot.population.qualifying import Criteria, read_plp_sites

    check_output_dir(outdir, names=RESULT_NAMES, option="--outdir")
    source = (plp_source or ("sites" if plp_sites else "charcot")).lower()
    if source == "sites" and plp_sites is None:
        raise InputError("--plp-source sites needs --plp-sites FILE",
                         hint="give the qualifying sites with --plp-sites, or use --plp-source charcot")
    if plp_sites is not None and source != "sites":
        raise InputError(f"--plp-sites is only used with --plp-source sites (not {source})",
                         hint="drop --plp-source, or drop --plp-sites")
    if backend == "hail":
        import importlib.util

        if importlib.util.find_spec("hail") is None:
            from charcot.errors import ConfigurationError

            raise ConfigurationError("--backend hail needs Hail, which is not installed in this environment",
                                     hint="use --backend local, or run in the Hail environment (make hail-venv; "
                                          "pip install 'charcot[hail]')")
    criteria = Criteria(max_af=max_af, revel_min=revel_min, plp_source=source, am_min=am_min, min_gq=min_gq,
                        min_dp=min_dp,
                        alphamissense=str(alphamissense) if alphamissense else None,
                        plp_sites=read_plp_sites(str(plp_sites)) if plp_sites else frozenset())
    gene_list = split_terms(genes)
    gene_set: frozenset[str] | None
    if gene_list and (panel or bed):
        raise InputError("give one of --genes, --panel or --bed", hint="keep one of the three options")
    if (panel or bed) and not all_genes:
        selection = select_genes(panel=panel, bed=bed, build=build)
        gene_set = frozenset(selection.symbols) if selection else None
    else:
        # --genes is passed through as given: a cohort may test genes outside the knowledge base
        gene_set = frozenset(gene_list) or None
        if panel or bed:
            raise InputError("--all-genes cannot be combined with --panel or --bed",
                             hint="drop --all-genes to test the panel's genes, or drop --panel/--bed")
    config = {"master": hail_master} if hail_master else None
    results = run_burden(vcf, phenotypes, covariates=expand_covariates(covariates), backend=backend,
                         criteria=criteria, genes=gene_set, all_genes=all_genes, str_vcf=str_vcf,
                         repeat_loci=repeat_loci, workers=workers, include_filtered=include_filtered,
                         hail_config=config, build=build, str_build=None if build.lower() == "auto" else build,
                         repeat_covariate=repeat_covariate)
    written = write_results(results, outdir, plots=not no_plots)
    typer.echo(f"{results.n_cases} cases, {results.n_controls} controls; {len(results.groups)} gene x class tests "
               f"({results.backend} backend)")
    for g in sorted(results.groups, key=lambda g: g.fisher_p)[:10]:
        typer.echo(f"  {g.gene:10} {g.cls:9} cases {g.case_carriers}/{g.n_cases}  controls "
                   f"{g.control_carriers}/{g.n_controls}  Fisher p={g.fisher_p:.3g}  Firth p={g.firth_p:.3g}")
    acato = sorted((m for m in results.masks if m.mask == "ACAT-O"), key=lambda m: m.acato_p)
    if acato:
        typer.echo(f"gene x mask tests (burden, SKAT, SKAT-O; masks.tsv): {len(results.masks) - len(acato)} masks in "
                   f"{len(acato)} genes; smallest ACAT-O:")
        for m in acato[:5]:
            typer.echo(f"  {m.gene:10} ACAT-O p={m.acato_p:.3g}")
    for note in results.notes:
        typer.echo(f"  note: {note}")
    for item in results.not_assessed:
        typer.echo(f"  not assessed: {item['what']}: {item['reason']}")
    t = results.timings
    if t:
        per = (t["collapse"] + t["tests"]) / max(1, results.n_samples) * 1000
        typer.echo(f"time: start-up {t['startup']:.1f} s, reading {t['collapse']:.1f} s, tests {t['tests']:.1f} s"
                   + (f", hl.skat cross-check {t['hail_skat']:.1f} s" if "hail_skat" in t else "")
                   + f" ({per:.2f} ms per sample after start-up)")
    typer.echo("wrote " + ", ".join(str(p) for p in written))
    if not results.groups:
        raise NothingAssessed("no gene x class test could be run (no qualifying variant in the cohort)",
                              hint="see 'not assessed' above and in the result files")


def _json(data: object) -> str:
    """JSON with non-finite numbers as null (never NaN/Infinity, which JSON does not allow)."""
    import json
    import math

    def clean(value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(data), indent=1, allow_nan=False)


def _rate_set_json(rates: object) -> dict[str, object]:
    from charcot.population.epi import RateSet

    assert isinstance(rates, RateSet)
    return {"label": rates.label, "sources": rates.sources, "unverified": rates.unverified,
            "caveats": rates.caveats,
            "rates": [{"age_band": a, "sex": s, "per_100k_person_years": r} for (a, s), r in rates.rates.items()]}


def _sir_json(result: object, area: str) -> dict[str, object]:
    import dataclasses

    assert dataclasses.is_dataclass(result) and not isinstance(result, type)
    return {"area": area, **dataclasses.asdict(result)}


@epi_app.command("expected")
def expected(
    population: Path = typer.Argument(..., metavar="POPULATION", help="TSV: age_band (e.g. 60-69), sex (M/F/all), "
                                      "persons."),
    rates: str = typer.Option("", "--rates", help="Rate TSV (age_band, sex, rate per 100,000 PY) or a "
                              "knowledge-base rate id (see 'charcot epi rates')."),
    years: float = typer.Option(1.0, "--years", help="Observation period in years."),
    observed: int | None = typer.Option(None, "--observed", help="Observed cases: gives the SIR and a cluster check."),
    area: str = typer.Option("the area", "--area", help="Name of the area for the explanation."),
    fmt: str | None = format_option(),
    output: Path | None = output_option("the result"),
) -> None:
    """Expected ALS cases for a population from its age/sex structure and cited incidence rates."""
    from charcot.cli_contract import emit
    from charcot.population import epi

    result = epi.expected_cases(epi.read_population(population), epi.resolve_rates(rates), years=years)
    ratio = epi.sir(observed, result.expected) if observed is not None else None
    if resolve_format(fmt, output) is OutputFormat.JSON:
        data: dict[str, object] = {
            "area": area, "expected": result.expected, "person_years": result.person_years, "years": years,
            "rates": _rate_set_json(result.rates),
            "strata": [{"age_band": st.age_band, "sex": st.sex, "persons": st.persons, "rate": rate, "rate_band": band,
                        "expected": e} for (st, rate, e), band in zip(result.strata, result.rate_bands, strict=True)],
            "crude_rate_for": result.crude_for,
            "sir": _sir_json(ratio, area) if ratio is not None else None}
        emit(_json(data), output)
        return
    text = epi.explain_expected(result, area)
    if ratio is not None:
        text += "\n\n" + epi.explain_sir(ratio, area)
    emit(text, output)


@epi_app.command("sir")
def sir_command(
    observed: int = typer.Option(..., "--observed", help="Observed cases."),
    expected_cases: float = typer.Option(..., "--expected", help="Expected cases."),
    area: str = typer.Option("the area", "--area", help="Name of the area for the explanation."),
    level: float = typer.Option(0.95, "--level", help="Confidence level."),
    fmt: str | None = format_option(),
    output: Path | None = output_option("the result"),
) -> None:
    """Standardized incidence ratio with exact (Garwood) Poisson interval and a cluster check."""
    from charcot.cli_contract import emit
    from charcot.population import epi

    result = epi.sir(observed, expected_cases, level)
    emit(_json(_sir_json(result, area)) if resolve_format(fmt, output) is OutputFormat.JSON
         else epi.explain_sir(result, area), output)


@epi_app.command("prevalence")
def prevalence_command(
    incidence: float = typer.Option(..., "--incidence", help="Incidence per 100,000 person-years."),
    duration: float = typer.Option(..., "--duration", help="Mean disease duration in years."),
    fmt: str | None = format_option(),
    output: Path | None = output_option("the result"),
) -> None:
    """Steady-state prevalence from incidence and mean duration (P = I x D)."""
    from charcot.cli_contract import emit
    from charcot.population import epi

    if resolve_format(fmt, output) is OutputFormat.JSON:
        emit(_json({"incidence_per_100k_person_years": incidence, "mean_duration_years": duration,
                    "prevalence_per_100k": epi.prevalence(incidence, duration)}), output)
        return
    emit(epi.explain_prevalence(incidence, duration), output)


@epi_app.command("rates")
def rates_command(fmt: str | None = format_option(), output: Path | None = output_option("the list")) -> None:
    """List the cited incidence figures in the knowledge base (with source keys and confidence)."""
    from charcot.cli_contract import emit
    from charcot.population import epi

    if resolve_format(fmt, output) is OutputFormat.JSON:
        emit(_json({key: _rate_set_json(value) for key, value in epi.knowledge_rate_sets().items()}), output)
        return
    emit(epi.describe_rates(), output)


def register(app: typer.Typer) -> None:
    """Add ``cohort`` (burden) and ``epi`` groups to the main app."""
    app.add_typer(cohort_app, name="cohort")
    app.add_typer(epi_app, name="epi")
