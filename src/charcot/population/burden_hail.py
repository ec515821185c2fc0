"""Hail backend: the same collapse as :mod:`burden_local`, written as Hail expressions on Spark.

Hail is an optional extra installed in its own environment (``.venv-hail``; see
scripts/setup-hail-env.sh). ``import hail`` happens only inside these functions.

Configuration (``config`` dict, or environment variables ``CHARCOT_HAIL_MASTER``,
``CHARCOT_HAIL_TMP``, ``CHARCOT_HAIL_DRIVER_MEMORY``):

* ``master``: Spark master URL. Default ``local[2]`` (both local cores). For a cluster give e.g.
  ``spark://host:7077`` or ``yarn``; the VCF path must then be readable by every executor (HDFS,
  GCS, S3 or a shared file system) and ``tmp_dir`` must be a shared location.
* ``tmp_dir``: Hail's temporary directory (default: a fresh local directory).
* ``driver_memory``: Spark driver memory (default ``4g``).
* ``skat_check`` (``CHARCOT_HAIL_SKAT_CHECK``): ``0`` skips the second pass that recomputes every SKAT
  p-value with ``hl.skat`` (column ``p_skat_hail``); default on.
* ``executor_memory`` (``CHARCOT_HAIL_EXECUTOR_MEMORY``): Spark executor memory (default: Spark's, 1g).

Input: a VCF/BCF path, a Hail MatrixTable directory (``*.mt``) or a VariantDataset (``*.vds``,
densified with ``hl.vds.to_dense_mt``); see :func:`_read_matrix`.

Spark is bound to 127.0.0.1 and its UI is off: a local run opens no network port to the outside.

What Hail computes: per-row qualifying classes from INFO/CSQ/ANN/BCSQ strings (same rules as
:func:`charcot.population.qualifying.classify_allele`; the P/LP sites of the default ``charcot``
source are classified once in Python by :mod:`charcot.population.acmg_sites` and passed in as a
literal, not re-derived in Hail), the cohort allele frequency, per-variant case
and control carrier counts, and per-(gene, class) carrier status of each sample via
``group_rows_by(...).aggregate(hl.agg.any(...))``. The small carrier matrix is collected to the
driver and tested by the same statistics code as the local backend (so the numbers agree).
"""

from __future__ import annotations

import atexit
import os
import tempfile
from contextlib import suppress
from typing import Any

import numpy as np

from charcot.genome.callquality import FT_PASSING
from charcot.population.masks import MASK_MAX_AF, MaskVariant
from charcot.population.model import Collapse, GroupCarriers, QualifyingVariant
from charcot.population.qualifying import (
    LOF_TERMS,
    MISSENSE_TERMS,
    PLP_LABELS,
    POPULATION_AF_FIELDS,
    REVEL_FIELDS,
    Criteria,
    annotation_spec,
    info_numbers,
)

_STARTED: dict[str, Any] = {}
TIMINGS: dict[str, float] = {}  # seconds: "start" (JVM + Spark + Hail start-up), "collapse", "skat"


def _remove_own_tmp(hl: Any, tmp: str) -> None:
    import shutil

    with suppress(Exception):  # Hail may already be stopped
        hl.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def init_hail(config: dict[str, str] | None = None) -> Any:
    """Start Hail once per process (local Spark by default)."""
    import hail as hl

    if _STARTED:
        TIMINGS["start"] = 0.0  # already running in this process
        return hl
    config = config or {}
    master = config.get("master") or os.environ.get("CHARCOT_HAIL_MASTER") or "local[2]"
    tmp = config.get("tmp_dir") or os.environ.get("CHARCOT_HAIL_TMP")
    if not tmp:  # our own directory (Hail's log and temporary tables): removed when the process ends
        tmp = tempfile.mkdtemp(prefix="charcot-hail-")
        atexit.register(_remove_own_tmp, hl, tmp)
    memory = config.get("driver_memory") or os.environ.get("CHARCOT_HAIL_DRIVER_MEMORY") or "4g"
    spark_conf = {"spark.driver.memory": memory, "spark.ui.enabled": "false"}
    if master.startswith("local") or master.startswith(("spark://127.0.0.1:", "spark://localhost:")):
        # a local run, or a standalone cluster on loopback (scripts/spark-cluster.sh): stay on 127.0.0.1
        spark_conf |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    executor_memory = config.get("executor_memory") or os.environ.get("CHARCOT_HAIL_EXECUTOR_MEMORY")
    if executor_memory:
        spark_conf["spark.executor.memory"] = executor_memory
    import time

    began = time.perf_counter()
    hl.init(master=master, quiet=True, tmp_dir=tmp, local_tmpdir=tmp, spark_conf=spark_conf,
            log=os.path.join(tmp, "hail.log"))
    _STARTED["tmp"] = tmp
    TIMINGS["start"] = time.perf_counter() - began
    return hl


def _numbers(hl: Any, text: Any) -> Any:
    pieces = hl.str(text).split("[&,/]")
    return pieces.map(lambda p: hl.parse_float64(p)).filter(lambda x: hl.is_defined(x))


def _info_value(hl: Any, info: Any, name: str, k: Any, n_alts: Any, number: str | None) -> Any:
    """ALT ``k``'s value of INFO ``name`` by its header ``number``, the rule of variants.annotation.value_for_alt (which burden_local reads): R one per
    allele (REF first), A one per ALT; on a record with several ALTs a value given once (Number=1 or '.') is missing."""
    value = info[name]
    if isinstance(value.dtype, hl.tarray):
        if number == "R":
            return hl.or_missing(hl.len(value) == n_alts + 1, value[k])
        if number == "A":
            return hl.or_missing((n_alts <= 1) | (hl.len(value) == n_alts), value[k - 1])
        if number is None:
            return hl.if_else(hl.len(value) >= k, value[k - 1], hl.or_missing(hl.len(value) > 0, value[0]))
        return hl.or_missing((n_alts <= 1) & (hl.len(value) > 0), value[0])
    if number is None:
        return value
    return hl.or_missing(n_alts <= 1, value)


def genotype_qc(hl: Any, mt: Any, criteria: Criteria, include_filtered: bool) -> tuple[Any, bool]:
    """The same genotype QC as the local backend: an entry whose GQ/DP is below ``criteria.min_gq/min_dp`` or
    missing, or whose FORMAT/FT is set and not PASS (unless ``include_filtered``), gets a missing GT; the call as
    read stays in ``raw_GT``. The table comes back unchanged, with False, when no rule applies."""
    fields = set(mt.entry.dtype.fields)
    if criteria.min_gq is None and criteria.min_dp is None and (include_filtered or "FT" not in fields):
        return mt, False
    failed = hl.bool(False)
    for name, cut in (("GQ", criteria.min_gq), ("DP", criteria.min_dp)):
        if cut is None:
            continue
        failed = failed | (hl.or_else(mt[name] < cut, True) if name in fields else hl.bool(True))
    if not include_filtered and "FT" in fields:
        ft = mt.FT
        text = hl.delimit(ft, ";") if isinstance(ft.dtype, hl.tarray | hl.tset) else hl.str(ft)
        failed = failed | ~hl.or_else(hl.literal(set(FT_PASSING)).contains(text), True)
    return mt.annotate_entries(raw_GT=mt.GT, GT=hl.or_missing(~failed, mt.GT)), True


def _read_header(path: str) -> str:
    from cyvcf2 import VCF

    vcf = VCF(path, lazy=True)
    try:
        return str(vcf.raw_header)
    finally:
        vcf.close()


def collapse_hail(
    path: str, analysed: list[str], is_case: list[bool], criteria: Criteria,
    genes: frozenset[str] | None, include_filtered: bool = False, config: dict[str, str] | None = None,
    raw_header: str | None = None,
) -> Collapse:
    hl = init_hail(config)
    temporary: list[str] = []  # checkpoints (cohort genotypes, AlphaMissense table), removed when the collapse ends
    try:
        return _collapse_hail(hl, temporary, path, analysed, is_case, criteria, genes, include_filtered, raw_header)
    finally:
        import hailtop.fs as hfs

        for written in temporary:
            with suppress(Exception):  # best effort: a failed removal must not hide the result or the error
                hfs.rmtree(written)


def _collapse_hail(
    hl: Any, temporary: list[str], path: str, analysed: list[str], is_case: list[bool], criteria: Criteria,
    genes: frozenset[str] | None, include_filtered: bool, raw_header: str | None,
) -> Collapse:
    raw_header = raw_header if raw_header is not None else _read_header(path)
    spec = annotation_spec(raw_header)
    mt = _read_matrix(hl, path)
    info_fields = set(mt.info.dtype.fields) if hasattr(mt.info.dtype, "fields") else set()
    order = {s: i for i, s in enumerate(analysed)}
    mt = mt.filter_cols(hl.literal(set(analysed)).contains(mt.s))
    if not path.rstrip("/").endswith(".mt"):
        # the collapse below runs several Spark actions; without this each one parses the VCF text (or
        # densifies the VDS) again. Written once in Hail's native format (analysed samples only) in tmp_dir.
        temporary.append(hl.utils.new_temp_file(prefix="cohort", extension="mt"))
        mt = mt.checkpoint(temporary[-1])
    records_read = mt.count_rows()
    case_lit = hl.literal({s: c for s, c in zip(analysed, is_case, strict=True)})
    mt = mt.annotate_cols(is_case=case_lit[mt.s])
    # FILTER '.' is a missing set in Hail, PASS an empty one
    keep = hl.is_missing(mt.filters) | (hl.len(mt.filters) == 0)
    counted = mt.aggregate_rows(hl.struct(skipped=hl.agg.count_where(~keep),
                                          unfiltered=hl.agg.count_where(hl.is_missing(mt.filters))))
    skipped = 0
    if not include_filtered:
        skipped = counted.skipped
        mt = mt.filter_rows(keep)
    mt, qc_applied = genotype_qc(hl, mt, criteria, include_filtered)
    # one row per ALT allele
    mt = mt.annotate_rows(k=hl.range(1, hl.len(mt.alleles)))
    mt = mt.explode_rows(mt.k)
    alt = mt.alleles[mt.k]
    ref = mt.alleles[0]
    mt = mt.filter_rows(~((alt == "*") | (alt == ".") | alt.startswith("<")))
    alt = mt.alleles[mt.k]
    ref = mt.alleles[0]
    n_alts = hl.len(mt.alleles) - 1
    hits = hl.or_else(hl.range(hl.or_else(mt.GT.ploidy, 0)).filter(lambda j: mt.GT[j] == mt.k).length(), 0)
    called = hl.or_else(mt.GT.ploidy, 0)
    mt = mt.annotate_rows(
        cohort_af=hl.bind(lambda h, c: hl.if_else(c > 0, h / c, 0.0),
                          hl.agg.sum(hits), hl.agg.sum(called)))
    alt = mt.alleles[mt.k]  # re-bind: each annotate returns a new MatrixTable
    ref = mt.alleles[0]
    n_alts = hl.len(mt.alleles) - 1
    # --- annotation entries of this allele ---
    if spec is not None and spec.tag in info_fields:
        raw = mt.info[spec.tag]
        raw = raw if isinstance(raw.dtype, hl.tarray) else hl.or_else(raw, "").split(",")
        need = max(spec.gene, spec.consequence, spec.allele or 0)
        entries = (hl.or_else(raw, hl.empty_array(hl.tstr)).map(lambda s: s.split("\\|", -1))
                   .filter(lambda parts: hl.len(parts) > need))
        if spec.allele is not None:
            # an ALT's entries on a record with several ALTs, as qualifying._allele_entries picks them: SnpEff's
            # Allele is the ALT; VEP's is annotation.vep_allele over the whole record, and an entry in the form of
            # the record split into one-ALT records only when none is in the record's own form
            index = spec.allele
            if spec.tag == "ANN":
                chosen = entries.filter(lambda parts: parts[index] == alt)
            else:
                kept = mt.alleles.filter(lambda a: a != "*")
                strip = (~mt.alleles[1:].all(lambda a: hl.len(a) == hl.len(ref))
                         & kept.all(lambda a: (hl.len(a) > 0) & ~a.startswith("<") & (a[0:1] == ref[0:1])))
                stripped = hl.if_else(hl.len(alt) > 1, alt[1:], "-")
                record_form = hl.if_else(strip, stripped, alt)
                split_form = hl.if_else((hl.len(ref) != hl.len(alt)) & (hl.len(ref) > 0) & (hl.len(alt) > 0)
                                        & (ref[0:1] == alt[0:1]), stripped, alt)
                mine = entries.filter(lambda parts: parts[index] == record_form)
                chosen = hl.if_else(hl.len(mine) > 0, mine,
                                    entries.filter(lambda parts: (parts[index] == alt) | (parts[index] == split_form)))
            entries = hl.if_else(n_alts <= 1, entries, chosen)
    else:
        entries = hl.empty_array(hl.tarray(hl.tstr))
    mt = mt.annotate_rows(ann=entries)

    def field_numbers(index: int | None) -> Any:
        if index is None:
            return hl.empty_array(hl.tfloat64)
        return hl.flatten(mt.ann.map(lambda p: hl.if_else(hl.len(p) > index, _numbers(hl, p[index]),
                                                              hl.empty_array(hl.tfloat64))))

    numbers = info_numbers(raw_header)
    n_alts = hl.len(mt.alleles) - 1  # re-bound on this MatrixTable (each annotate returns a new one)
    af_values = hl.empty_array(hl.tfloat64)
    for name in POPULATION_AF_FIELDS:
        if name in info_fields:
            v = hl.float64(_info_value(hl, mt.info, name, mt.k, n_alts, numbers.get(name)))
            af_values = af_values.append(v)
    af_values = af_values.filter(lambda x: hl.is_defined(x) & ~hl.is_nan(x))
    if spec is not None:
        for index in spec.af:
            af_values = af_values.extend(field_numbers(index))
    revel_values = hl.empty_array(hl.tfloat64)
    for name in REVEL_FIELDS:
        if name in info_fields:
            revel_values = revel_values.append(hl.float64(_info_value(hl, mt.info, name, mt.k, n_alts,
                                                                       numbers.get(name))))
    revel_values = revel_values.filter(lambda x: hl.is_defined(x) & ~hl.is_nan(x))
    if spec is not None:
        revel_values = revel_values.extend(field_numbers(spec.revel))
    mt = mt.annotate_rows(pop_af=hl.or_missing(hl.len(af_values) > 0, hl.max(af_values)),
                          revel=hl.or_missing(hl.len(revel_values) > 0, hl.max(revel_values)))
    mt = mt.annotate_rows(af=hl.or_else(mt.pop_af, mt.cohort_af),
                          af_source=hl.if_else(hl.is_defined(mt.pop_af), "population", "cohort"))
    alt = mt.alleles[mt.k]
    ref = mt.alleles[0]
    rare = mt.af < criteria.max_af
    chrom = hl.str(mt.locus.contig).replace("^chr", "")
    site = hl.tuple([chrom, mt.locus.position, ref, alt])
    site_type = hl.ttuple(hl.tstr, hl.tint32, hl.tstr, hl.tstr)
    plp = hl.bool(False)  # P/LP for every gene of the annotation (sources sites and clinvar)
    if criteria.plp_source == "sites" and criteria.plp_sites:
        plp = hl.literal(set(criteria.plp_sites), dtype=hl.tset(site_type)).contains(site)
    if criteria.plp_source == "clinvar" and "CLNSIG" in info_fields:
        cln = mt.info.CLNSIG
        cln_text = hl.delimit(cln, ",") if isinstance(cln.dtype, hl.tarray) else hl.str(cln)
        labels = hl.set(cln_text.lower().split("[,|&]")).add(cln_text.lower().strip())
        plp = hl.or_else(hl.len(labels.intersection(hl.literal(set(PLP_LABELS)))) > 0, False)
    # source charcot: the sites were classified once in Python (charcot.population.acmg_sites); Hail only
    # looks them up, so both backends count exactly the same P/LP alleles in the same panel genes
    plp_genes = criteria.plp_genes() if criteria.plp_source == "charcot" else {}
    if plp_genes:
        charcot_pairs = hl.literal({k: sorted(v) for k, v in plp_genes.items()},
                                   dtype=hl.tdict(site_type, hl.tarray(hl.tstr))).get(site, hl.empty_array(hl.tstr)) \
            .map(lambda g: hl.tuple([g, "plp"]))
    else:
        charcot_pairs = hl.empty_array(hl.ttuple(hl.tstr, hl.tstr))
    lof_lit = hl.literal(set(LOF_TERMS))
    mis_lit = hl.literal(set(MISSENSE_TERMS))
    gi, ci = (spec.gene, spec.consequence) if spec is not None else (0, 0)

    def pairs(p: Any) -> Any:
        gene = p[gi].strip()
        terms = hl.set(p[ci].split("&").map(lambda t: t.replace("^\\*+", "")))
        is_lof = rare & (hl.len(terms.intersection(lof_lit)) > 0)
        is_mis = rare & (hl.len(terms.intersection(mis_lit)) > 0) & hl.is_defined(mt.revel) \
            & (hl.or_else(mt.revel, -1.0) >= criteria.revel_min)
        classes = hl.empty_array(hl.tstr)
        classes = hl.if_else(hl.or_else(plp, False), classes.append("plp"), classes)
        classes = hl.if_else(hl.or_else(is_lof, False), classes.append("lof"), classes)
        classes = hl.if_else(hl.or_else(is_mis, False), classes.append("missense"), classes)
        return hl.if_else(gene == "", hl.empty_array(hl.ttuple(hl.tstr, hl.tstr)),
                          classes.map(lambda c: hl.tuple([gene, c])))

    gene_ok = (lambda g: hl.literal(set(genes)).contains(g.upper())) if genes is not None else (lambda g: True)
    no_revel = mt.ann.filter(
        lambda p: rare & (hl.len(hl.set(p[ci].split("&").map(lambda t: t.replace("^\\*+", ""))).intersection(mis_lit)) > 0)
        & hl.is_missing(mt.revel)).map(lambda p: p[gi].strip()).filter(lambda g: (g != "") & gene_ok(g))
    mt = mt.annotate_rows(pairs=hl.array(hl.set(hl.flatten(mt.ann.map(pairs)).extend(charcot_pairs)))
                          .filter(lambda t: gene_ok(t[0])),
                          no_revel_genes=hl.set(no_revel))
    # mask-eligible alleles (lof / missense up to af <= 1%), one kind per gene (lof wins), as burden_local
    import math

    if criteria.alphamissense:  # AlphaMissense TSV, joined on (chrom, pos, ref, alt); the largest score counts
        mt = mt.annotate_rows(am=_alphamissense_table(hl, criteria.alphamissense, temporary)[
            hl.str(mt.locus.contig).replace("^chr", ""), mt.locus.position, mt.alleles[0], mt.alleles[mt.k]].score)
        am_ok = hl.or_else(mt.am > criteria.am_min, False)
    else:
        am_ok = hl.bool(False)

    wide_rare = mt.af < max(criteria.max_af, math.nextafter(MASK_MAX_AF, 1.0))

    def mask_pairs(p: Any) -> Any:
        gene = p[gi].strip()
        terms = hl.set(p[ci].split("&").map(lambda t: t.replace("^\\*+", "")))
        is_lof = hl.or_else(wide_rare & (hl.len(terms.intersection(lof_lit)) > 0), False)
        any_mis = hl.or_else(wide_rare & (hl.len(terms.intersection(mis_lit)) > 0), False)
        is_mis = hl.or_else(any_mis & hl.is_defined(mt.revel) & (hl.or_else(mt.revel, -1.0) >= criteria.revel_min),
                            False)
        is_am = any_mis & am_ok
        kind = hl.if_else(is_lof, "lof", hl.if_else(is_mis, "missense", hl.if_else(is_am, "am", "")))
        return hl.if_else((gene == "") | (kind == ""), hl.empty_array(hl.ttuple(hl.tstr, hl.tstr, hl.tbool)),
                          hl.array([hl.tuple([gene, kind, is_am])]))

    found = hl.set(hl.flatten(mt.ann.map(mask_pairs)))
    mask_list = hl.array(hl.set(found.map(lambda t: t[0]))).filter(gene_ok).map(
        lambda g: hl.bind(lambda mine: hl.tuple([
            g, hl.if_else(mine.contains("lof"), "lof", hl.if_else(mine.contains("missense"), "missense", "am")),
            found.any(lambda t: (t[0] == g) & t[2])]),
            hl.set(found.filter(lambda t: t[0] == g).map(lambda t: t[1]))))
    mt = mt.annotate_rows(mask_pairs=mask_list)
    # carriers of a reported allele (a qualifying or a mask variant) whose genotype failed QC, as burden_local
    failed_qc = mt.aggregate_entries(hl.agg.count_where(
        ((hl.len(mt.pairs) > 0) | (hl.len(mt.mask_pairs) > 0)) & hl.is_missing(mt.GT)
        & hl.or_else(mt.raw_GT.contains_allele(mt.k), False))) if qc_applied else 0
    no_revel_counts = mt.aggregate_rows(hl.agg.explode(lambda g: hl.agg.counter(g), mt.no_revel_genes))
    q = mt.filter_rows(hl.len(mt.pairs) > 0)
    q = q.explode_rows(q.pairs)
    q = q.annotate_entries(carrier=hl.or_else(q.GT.contains_allele(q.k), False))
    # missing genotypes (a no-call, or a call genotype QC set missing above), as burden_local counts them
    q = q.annotate_rows(case_carriers=hl.agg.count_where(q.carrier & q.is_case),
                        control_carriers=hl.agg.count_where(q.carrier & ~q.is_case),
                        case_missing=hl.agg.count_where(hl.is_missing(q.GT) & q.is_case),
                        control_missing=hl.agg.count_where(hl.is_missing(q.GT) & ~q.is_case))
    rows = q.rows().select("af", "af_source", "pairs", "case_carriers", "control_carriers", "case_missing",
                           "control_missing", "k").collect()
    variants = [QualifyingVariant(str(r.locus.contig).removeprefix("chr"), int(r.locus.position), r.alleles[0],
                                  r.alleles[r.k], r.pairs[0], r.pairs[1], float(r.af), r.af_source,
                                  int(r.case_carriers), int(r.control_carriers), int(r.case_missing),
                                  int(r.control_missing)) for r in rows]
    mq = mt.filter_rows(hl.len(mt.mask_pairs) > 0)
    mq = mq.annotate_entries(dos=hl.or_else(
        hl.range(hl.or_else(mq.GT.ploidy, 0)).filter(lambda j: mq.GT[j] == mq.k).length(), 0))
    mq = mq.annotate_rows(mcar=hl.agg.filter(mq.dos > 0, hl.agg.collect(hl.struct(s=mq.s, d=mq.dos))),
                          mac=hl.agg.sum(mq.dos))
    mask_rows = mq.rows().select("af", "mask_pairs", "mcar", "mac", "k").collect()
    grouped = (q.group_rows_by(gene=q.pairs[0], cls=q.pairs[1])
               .aggregate_rows(n_variants=hl.agg.count())
               .aggregate_entries(carrier=hl.agg.any(q.carrier)).result())
    local = grouped.localize_entries("e", "cols")
    cols = hl.eval(local.index_globals().cols)
    col_index = np.array([order[c.s] for c in cols], dtype=np.int64) if cols else np.array([], dtype=np.int64)
    n = len(analysed)
    result = Collapse(samples=list(analysed), is_case=np.asarray(is_case, dtype=bool))
    for r in local.collect():
        carriers = np.zeros(n, dtype=bool)
        carriers[col_index] = np.array([bool(e.carrier) for e in r.e], dtype=bool)
        result.groups[(r.gene, r.cls)] = GroupCarriers(r.gene, r.cls, carriers, np.ones(n, dtype=bool),
                                                       int(r.n_variants))
    result.variants = sorted(variants, key=lambda v: v.key)
    for r in mask_rows:
        pairs_sorted = sorted((order[c.s], int(c.d)) for c in r.mcar)
        carrier_index = np.array([i for i, _ in pairs_sorted], dtype=np.int64)
        carrier_dosage = np.array([d for _, d in pairs_sorted], dtype=np.int8)
        for gene, kind, am in r.mask_pairs:
            result.mask_variants.append(MaskVariant(
                gene, kind, str(r.locus.contig).removeprefix("chr"), int(r.locus.position), r.alleles[0],
                r.alleles[r.k], float(r.af), int(r.mac), carrier_index, carrier_dosage, am=bool(am)))
    result.mask_variants.sort(key=lambda v: v.key)
    result.records_read = int(records_read)
    result.records_skipped_filter = int(skipped)
    result.records_unfiltered = int(counted.unfiltered)
    result.carrier_genotypes_failed_qc = int(failed_qc)
    result.missense_without_revel = {str(g): int(c) for g, c in no_revel_counts.items()}
    result.annotation = spec.tag if spec else None
    return result


def _alphamissense_table(hl: Any, path: str, temporary: list[str]) -> Any:
    """The AlphaMissense TSV as a Hail Table keyed by (chrom without 'chr', pos, ref, alt) -> largest score;
    column positions from the file's own #CHROM line (charcot.population.alphamissense.read_columns)."""
    from charcot.population.alphamissense import read_columns

    columns = read_columns(path)
    with open(path, "rb") as raw:
        head = raw.read(4)
    compressed = head[:2] == b"\x1f\x8b"
    bgzf = compressed and head[3:4] == b"\x04"  # BGZF sets FEXTRA
    ht = hl.import_table(path, no_header=True, comment="#", impute=False, force_bgz=bgzf,
                         force=compressed and not bgzf)
    field = {name: f"f{i}" for name, i in columns.items()}
    ht = ht.select(chrom=ht[field["#CHROM"]].replace("^chr", ""), pos=hl.int32(ht[field["POS"]]),
                   ref=ht[field["REF"]], alt=ht[field["ALT"]], score=hl.float64(ht[field["am_pathogenicity"]]))
    ht = ht.group_by("chrom", "pos", "ref", "alt").aggregate(score=hl.agg.max(ht.score))
    # written once in Hail's format: the collapse runs several actions, each would otherwise re-read and re-group
    # the TSV (71 million rows for the full release); removed with the cohort's checkpoint when the collapse ends
    temporary.append(hl.utils.new_temp_file(prefix="alphamissense", extension="ht"))
    return ht.checkpoint(temporary[-1])


def fisher_in_hail(tables: list[tuple[int, int, int, int]]) -> list[float]:
    """Two-sided Fisher p-values computed by Hail (hl.fisher_exact_test) for cross-checking scipy."""
    hl = init_hail()
    exprs = [hl.fisher_exact_test(a, b, c, d).p_value for a, b, c, d in tables]
    return [float(x) for x in hl.eval(hl.array(exprs))] if exprs else []


def skat_in_hail(
    path: str, mask_variants: list[MaskVariant], masks: list[Any], design: Any, analysed: list[str],
    is_case: list[bool], criteria: Criteria | None = None, include_filtered: bool = False,
) -> dict[tuple[str, str], float]:
    """SKAT p-values of every gene x mask computed by Hail's own ``hl.skat`` (logistic, Davies), on the same
    variants, dosages (missing = 0), Beta(MAF; 1, 25) weights (Hail takes their square) and covariates as the
    Python SKAT: a second, independent implementation reported next to it (``p_skat_hail``)."""
    from charcot.population.masks import FREQ_BINS, MASK_KINDS, mask_name, select
    from charcot.population.skat import SparseGenotypes, beta_weights

    hl = init_hail()
    wanted = {(m.gene, m.mask) for m in masks if m.mask != "ACAT-O"}
    site_type = hl.ttuple(hl.tstr, hl.tint32, hl.tstr, hl.tstr)
    members: dict[tuple[str, int, str, str], list[str]] = {}
    weights: dict[tuple[str, int, str, str], float] = {}
    n = len(analysed)
    by_gene: dict[str, list[MaskVariant]] = {}
    for v in mask_variants:
        if v.allele_count > 0:
            by_gene.setdefault(v.gene, []).append(v)
    for gene, variants in by_gene.items():
        maf = SparseGenotypes(n, tuple(v.index for v in variants), tuple(v.dosage for v in variants)).maf()
        for v, w in zip(variants, beta_weights(maf), strict=True):
            weights[(v.chrom, v.pos, v.ref, v.alt)] = float(w) ** 2
        for kind, kinds in MASK_KINDS:
            for bin_name, cut in FREQ_BINS:
                name = mask_name(kind, bin_name)
                if (gene, name) not in wanted:
                    continue
                for v in select(variants, kinds, cut):
                    members.setdefault((v.chrom, v.pos, v.ref, v.alt), []).append(f"{gene}\t{name}")
    if not members:
        return {}
    mt = _read_matrix(hl, path)
    mt = mt.filter_cols(hl.literal(set(analysed)).contains(mt.s))
    mt, _ = genotype_qc(hl, mt, criteria or Criteria(), include_filtered)  # the genotypes the collapse counted
    covs = {s: [float(x) for x in design[i, 1:]] for i, s in enumerate(analysed)}
    mt = mt.annotate_cols(y=hl.literal(dict(zip(analysed, [1.0 if c else 0.0 for c in is_case], strict=True)))[mt.s],
                          # typed: with no covariate every value is an empty list, whose type Hail cannot impute
                          cov=hl.literal(covs, dtype=hl.tdict(hl.tstr, hl.tarray(hl.tfloat64)))[mt.s])
    mt = mt.annotate_rows(k=hl.range(1, hl.len(mt.alleles)))
    mt = mt.explode_rows(mt.k)
    site = hl.tuple([hl.str(mt.locus.contig).replace("^chr", ""), mt.locus.position, mt.alleles[0], mt.alleles[mt.k]])
    mt = mt.annotate_rows(keys=hl.literal(members, dtype=hl.tdict(site_type, hl.tarray(hl.tstr))).get(site),
                          w=hl.literal(weights, dtype=hl.tdict(site_type, hl.tfloat64)).get(site))
    mt = mt.filter_rows(hl.is_defined(mt.keys))
    mt = mt.explode_rows(mt.keys)
    dosage = hl.float64(hl.or_else(hl.range(hl.or_else(mt.GT.ploidy, 0)).filter(lambda j: mt.GT[j] == mt.k).length(), 0))
    n_cov = design.shape[1] - 1
    ht = hl.skat(key_expr=mt.keys, weight_expr=mt.w, y=mt.y, x=dosage,
                 covariates=[1.0] + [mt.cov[i] for i in range(n_cov)], logistic=True)
    out: dict[tuple[str, str], float] = {}
    for row in ht.collect():
        gene, name = str(row.id).split("\t")
        ok = row.p_value is not None and row.fault == 0 and 0.0 <= float(row.p_value) <= 1.0
        out[(gene, name)] = float(row.p_value) if ok else float("nan")  # fault: Davies did not converge
    return out


def _read_matrix(hl: Any, path: str) -> Any:
    """A MatrixTable from a VCF/BCF-as-VCF path, a Hail MatrixTable directory (.mt) or a VDS (.vds, densified)."""
    clean = path.rstrip("/")
    if clean.endswith(".mt"):
        return hl.read_matrix_table(clean)
    if clean.endswith(".vds"):
        vds = hl.vds.read_vds(clean)
        mt = hl.vds.to_dense_mt(vds)
        if "GT" not in mt.entry and "LGT" in mt.entry:
            mt = mt.annotate_entries(GT=hl.vds.lgt_to_gt(mt.LGT, mt.LA))
        return mt
    return hl.import_vcf(path, reference_genome=None, force_bgz=path.endswith(".gz"), array_elements_required=False)


def native_header(path: str, config: dict[str, str] | None = None) -> tuple[list[str], str]:
    """Samples and VCF header text of a Hail MatrixTable / VDS input. The header is the global field
    ``vcf_header`` when present (written by :func:`vcf_to_matrix_table`, so CSQ/ANN field lists survive);
    otherwise only the INFO field names are known and the consequence classes are reported not assessed."""
    from charcot.errors import InputError

    hl = init_hail(config)
    try:
        mt = _read_matrix(hl, path)
    except Exception as exc:  # Hail raises its own error types for an unreadable table
        raise InputError(f"cannot read the Hail MatrixTable/VDS: {str(exc).splitlines()[0][:200]}", path=path,
                         hint="give a directory written by MatrixTable.write / VariantDataset.write") from exc
    samples = [str(s) for s in mt.s.collect()]
    if "vcf_header" in mt.globals.dtype.fields:
        return samples, str(hl.eval(mt.vcf_header))
    infos = list(mt.info.dtype.fields) if "info" in mt.row and hasattr(mt.info.dtype, "fields") else []
    lines = ["##fileformat=VCFv4.2"] + [f'##INFO=<ID={name},Number=.,Type=String,Description="">' for name in infos]
    return samples, "\n".join(lines) + "\n"


def vcf_to_matrix_table(vcf: str, out: str, config: dict[str, str] | None = None) -> str:
    """Import a cohort VCF into a Hail MatrixTable at ``out`` (``*.mt``), keeping the VCF header as the global
    ``vcf_header`` so the consequence annotation can still be parsed. Returns ``out``."""
    hl = init_hail(config)
    mt = _read_matrix(hl, vcf)
    mt = mt.annotate_globals(vcf_header=_read_header(vcf))
    mt.write(out, overwrite=False)
    return out
