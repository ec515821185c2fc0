"""P/LP qualifying sites from charcot's own ACMG/AMP classification (the default ``--plp-source charcot``).

A variant's classification does not depend on who carries it: the criteria look at the allele, its
annotation (consequence, HGVS, predictors, gnomAD frequencies written into INFO or CSQ by the
annotator) and the knowledge base, never at a genotype. So each ALT allele of each record in the
knowledge base's ALS panel regions is classified once, here, by the same code ``charcot interpret``
runs for one patient (:func:`charcot.variants.api.classify_allele` -> :func:`charcot.acmg.engine.evaluate`),
and both burden backends receive the result as a plain set of (site, gene) pairs. Nothing in this
module decides a criterion.

Genotype-dependent inputs of the single-patient path are fixed to neutral values: no HPO terms (PP4
not applied), no family evidence, no ClinVar/gnomAD resource files (frequencies come from the VCF's
own INFO/CSQ fields, as the annotation parser reads them). Zygosity is set to heterozygous only
because a finding needs one; it changes the inheritance remark, not the classification.

Sites are keyed as the burden backends key them: contig without a leading ``chr``, the VCF's POS,
REF and ALT (not trimmed), plus the panel gene symbol the classification is for.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charcot.errors import InputError

PlpSite = tuple[str, int, str, str, str]  # chrom (no 'chr'), VCF POS, VCF REF, VCF ALT, panel gene symbol


@dataclass(frozen=True)
class PlpSites:
    """What charcot's classification of the cohort's panel alleles found."""

    site_genes: frozenset[PlpSite]
    build: str | None  # genome build the panel was placed in (None = not assessed)
    alleles_classified: int = 0  # (allele, panel gene) pairs classified
    without_frequency: int = 0  # of those, how many had no gnomAD data at all (BA1/BS1/PM2 not evaluated)
    counts: tuple[tuple[str, int], ...] = ()  # classification -> number of (allele, gene) pairs
    not_assessed: str | None = None  # reason the P/LP class could not be assessed at all


def _contig_lengths(vcf: Any) -> dict[str, int]:
    try:
        return {name: int(length) for name, length in zip(vcf.seqnames, vcf.seqlens, strict=False)
                if length and length > 0}
    except Exception:  # no ##contig lines with lengths
        return {}


def _panel_records(vcf: Any, path: str, regions: list[tuple[str, int, int]]) -> Iterator[Any]:
    """Records overlapping the panel regions: index queries when there is an index, else one stream."""
    from charcot.genome.builds import contig_in_file, normalise_contig

    if os.path.exists(path + ".tbi") or os.path.exists(path + ".csi"):
        names = list(vcf.seqnames)
        seen: set[tuple[str, int, str, str]] = set()
        for chrom, start, end in regions:
            name = contig_in_file(chrom, names)
            if name is None:
                continue
            with warnings.catch_warnings():  # cyvcf2 warns (while iterating) for a region without records
                warnings.simplefilter("ignore")
                found = list(vcf(f"{name}:{start}-{end}"))
            for v in found:
                key = (v.CHROM, v.POS, v.REF, ",".join(v.ALT))
                if key not in seen:  # adjacent regions can return the same record twice
                    seen.add(key)
                    yield v
        return
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in regions:
        by_chrom.setdefault(chrom, []).append((start, end))
    for v in vcf:
        spans = by_chrom.get(normalise_contig(v.CHROM))
        if spans and any(s <= v.end and e >= v.POS for s, e in spans):
            yield v


def classify_panel_sites(path: str | Path, build: str = "auto") -> PlpSites:
    """Classify every ALT allele in the ALS panel regions of ``path`` once; return the P/LP ones.

    ``build`` is ``auto`` (from the header's contig lengths) or GRCh37/GRCh38. When the build cannot
    be told, the result says P/LP is not assessed (the other classes do not need a build); a build
    given explicitly that contradicts the header raises InputError.
    """
    from charcot.genome.builds import normalise_contig
    from charcot.genome.normalise import is_symbolic, left_shiftable, trim, variant_key
    from charcot.genome.panel import build_panel
    from charcot.knowledge import get_knowledge
    from charcot.variants.annotation import annotate_allele, info_header, schema_from_header
    from charcot.variants.api import classify_allele, known_variants
    from charcot.variants.reader import Call, open_vcf, resolve_build

    path = str(path)
    vcf = open_vcf(Path(path))
    try:
        infos, numbers = info_header(vcf)
        schema = schema_from_header(infos, path, numbers)
        try:
            resolved = resolve_build(build, _contig_lengths(vcf), Path(path))
        except InputError as exc:
            if build.lower() != "auto":
                raise
            return PlpSites(frozenset(), None, not_assessed=(
                f"P/LP class (charcot ACMG) not assessed: {exc.message}; give --build GRCh37/GRCh38, or choose "
                "--plp-source clinvar or --plp-sites"))
        kb = get_knowledge()
        gene_by_symbol = {g.symbol: g for g in kb.genes}
        panel = build_panel(kb.genes, resolved)
        known_kb = known_variants(resolved)
        found: set[PlpSite] = set()
        counts: dict[str, int] = {}
        classified = no_freq = 0
        for v in _panel_records(vcf, path, panel.regions()):
            alts = list(v.ALT)
            chrom = normalise_contig(v.CHROM)
            site_chrom = v.CHROM.removeprefix("chr")  # the burden backends' key
            for k, alt in enumerate(alts, start=1):
                if is_symbolic(alt):
                    continue
                allele = trim(int(v.POS), v.REF, alt)
                genes = panel.genes_at(chrom, allele.pos, allele.end)
                if not genes:
                    continue
                annotation = annotate_allele(v.INFO.get, schema, pos=int(v.POS), ref=v.REF, alts=alts, alt_index=k)
                call = Call(chrom=chrom, allele=allele, vcf_pos=int(v.POS), vcf_ref=v.REF, vcf_alt=alt, alt_index=k,
                            genotype="0/1", copies=1, ploidy=2, phased=False, phase_set=None, haplotypes=(1,),
                            gq=None, dp=None, filter="PASS" if v.FILTER in (None, "PASS") else str(v.FILTER),
                            not_left_aligned=left_shiftable(allele), annotation=annotation)
                freq = annotation.frequencies
                if freq.af is None and freq.grpmax_af is None and freq.faf95 is None and not freq.searched:
                    no_freq += len(genes)  # the classifier notes "population frequency not assessed"
                key = variant_key(chrom, allele)
                for pg in genes:
                    finding = classify_allele(call, key, pg, gene_by_symbol.get(pg.symbol), resolved, None, (), known_kb,
                                       None, None, (), schema.annotated)
                    classified += 1
                    cls = finding.classification
                    name = cls.value if cls is not None else "not classified (consequence unknown)"
                    counts[name] = counts.get(name, 0) + 1
                    if cls is not None and cls.at_least_likely_pathogenic:
                        found.add((site_chrom, int(v.POS), v.REF, alt, pg.symbol))
    finally:
        vcf.close()
    return PlpSites(frozenset(found), resolved.value, classified, no_freq, tuple(sorted(counts.items())))


def describe(sites: PlpSites) -> list[str]:
    """Notes for the results: how the P/LP class was made."""
    if sites.not_assessed:
        return []
    counts = ", ".join(f"{n} {name}" for name, n in sites.counts) or "none"
    notes = [f"P/LP class: charcot's ACMG/AMP classification of each panel allele from the VCF's own annotation "
             f"({sites.build}; {sites.alleles_classified} allele x gene pairs classified: {counts})"]
    if sites.without_frequency:
        notes.append(f"{sites.without_frequency} classified allele x gene pair(s) had no gnomAD data in the VCF, so "
                     "BA1/BS1/PM2 were not evaluated for them (annotate with VEP --af_gnomade or bcftools annotate)")
    return notes
