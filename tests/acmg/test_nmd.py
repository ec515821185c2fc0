"""NMD is judged where the new premature stop falls (charcot.acmg.nmd), not by the exon of the variant (issue 13).

VCFs carry a VEP CSQ annotation in the real VEP v104 header of the Scout fixture (HGVSp as VEP writes it,
``ENSP...:p.Arg97GlyfsTer26``); positions and distances come from the knowledge base's exon table (never typed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from variants.vcfbuild import Rec, csq_value, exon, exon_count, mane, write_vcf

from charcot.acmg.nmd import frameshift_stop
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding


def _pvs1(f: VariantFinding):  # type: ignore[no-untyped-def]
    return next(e for e in f.evidence if e.criterion == "PVS1")


def _frameshift(tmp_path: Path, gene: str, pos: int, chrom: str, hgvs_p: str, residue: int,
                consequence: str = "frameshift_variant") -> VariantFinding:
    tx = mane(gene)
    # a 1-bp deletion (anchor base + deleted base), as a VCF writes it
    ref, alt = ("CA", "C") if consequence == "frameshift_variant" else ("C", "T")
    csq = csq_value(Allele="-" if consequence == "frameshift_variant" else "T", Consequence=consequence,
                    IMPACT="HIGH", SYMBOL=gene, Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding",
                    HGVSc=f"{tx}:c.1del", HGVSp=f"{tx.replace('ENST', 'ENSP')}:{hgvs_p}" if hgvs_p else "",
                    Protein_position=str(residue))
    vcf = write_vcf(tmp_path / f"{gene}-{pos}.vcf.gz", [Rec(chrom, pos, ref, alt, info={"CSQ": csq})], csq=True)
    (f,) = [x for x in interpret(vcf).findings if x.gene == gene]
    return f


def _exon_lengths(gene: str) -> dict[int, int]:
    return {n: exon(gene, n)[2] - exon(gene, n)[1] + 1 for n in range(1, exon_count(gene) + 1)}


def _early_point(gene: str, number: int) -> tuple[str, int, int]:
    """(chrom, position of a base 10 nt into exon ``number`` in transcript direction, nt from it to the end of the
    exon in transcript direction)."""
    chrom, start, end, strand = exon(gene, number)
    if strand == "+":
        return chrom, start + 10, end - (start + 10)
    return chrom, end - 10, (end - 10) - start


@pytest.mark.parametrize("gene", ["TBK1", "ALS2"])  # plus and minus strand
def test_frameshift_whose_new_stop_falls_in_the_last_exon_escapes_nmd(tmp_path: Path, gene: str) -> None:
    # before: the variant's exon (not the last two) gave PVS1 VeryStrong "predicted to cause NMD", although the new
    # stop codon, reached through the shifted frame, lies in the last exon
    last = exon_count(gene)
    lengths = _exon_lengths(gene)
    chrom, pos, rest = _early_point(gene, last - 2)
    to_last_exon = rest + lengths[last - 1]
    n_codons = (to_last_exon + 30) // 3  # the stop ~30 nt into the last exon (the deleted base is +-1 nt from pos)
    f = _frameshift(tmp_path, gene, pos, chrom, f"p.Arg100GlyfsTer{n_codons + 1}", 100)
    pvs1 = _pvs1(f)
    assert pvs1.strength != "VeryStrong" or not pvs1.applied, pvs1.reason
    assert "escape NMD" in pvs1.reason and "last exon" in pvs1.reason and "new stop codon" in pvs1.reason


def test_frameshift_whose_new_stop_is_far_upstream_of_the_last_junction_causes_nmd(tmp_path: Path) -> None:
    chrom, pos, _rest = _early_point("TBK1", 3)
    f = _frameshift(tmp_path, "TBK1", pos, chrom, "p.Arg60GlyfsTer7", 60)
    pvs1 = _pvs1(f)
    assert pvs1.applied and pvs1.strength == "VeryStrong", pvs1.reason
    assert "predicted to cause nonsense-mediated decay" in pvs1.reason and "exon 3/" in pvs1.reason


def test_frameshift_without_the_new_stop_is_not_claimed_to_cause_nmd(tmp_path: Path) -> None:
    # 'p.Arg60fs' (the short form, no new stop): before, PVS1 VeryStrong from the variant's exon; the stop may lie
    # anywhere downstream, so NMD cannot be predicted and the tree's NMD-escape branch is used
    chrom, pos, _rest = _early_point("TBK1", 3)
    f = _frameshift(tmp_path, "TBK1", pos, chrom, "p.Arg60fs", 60)
    pvs1 = _pvs1(f)
    assert pvs1.applied and pvs1.strength in ("Strong", "Moderate"), pvs1.reason
    assert "position of the new stop codon is not known" in pvs1.reason and "S-AbouTayoun18" in pvs1.sources


def test_frameshift_past_the_nmd_boundary_escapes_even_without_its_stop(tmp_path: Path) -> None:
    chrom, pos, _rest = _early_point("TBK1", exon_count("TBK1"))
    f = _frameshift(tmp_path, "TBK1", pos, chrom, "p.Arg700fs", 700)
    pvs1 = _pvs1(f)
    assert pvs1.strength != "VeryStrong" and "escape NMD" in pvs1.reason and "last exon" in pvs1.reason


def test_start_proximal_stop_gain_is_flagged_with_its_source(tmp_path: Path) -> None:
    chrom, pos, _rest = _early_point("TBK1", 2)
    f = _frameshift(tmp_path, "TBK1", pos, chrom, "p.Trp12Ter", 12, consequence="stop_gained")
    pvs1 = _pvs1(f)
    assert pvs1.strength == "VeryStrong" and "re-initiation" in pvs1.reason and "S-Lindeboom16" in pvs1.sources


@pytest.mark.parametrize(("text", "expected"), [
    ("ENSP00000331710.5:p.Arg97GlyfsTer26", (97, 122)),  # VEP
    ("p.(Arg97GlyfsTer26)", (97, 122)),  # predicted, charcot's engine
    ("p.Arg97Glyfs*26", (97, 122)),
    ("p.R97Gfs*26", (97, 122)),
    ("p.(Thr203fs)", (203, None)),
    ("p.Arg97GlyfsTer?", (97, None)),
    ("p.(Trp619Ter)", None),
])
def test_new_stop_is_read_from_hgvs_p(text: str, expected: tuple[int, int | None] | None) -> None:
    assert frameshift_stop(text) == expected


def test_new_stop_is_credited_to_the_hgvs_p_that_names_it() -> None:
    # the annotation's HGVS p. says nothing of a frameshift ('p.?'), the knowledge base's entry names the stop: the
    # reason must quote the entry it took the stop from, not the annotation's text
    from charcot.acmg.context import VariantContext
    from charcot.acmg.nmd import predict_nmd
    from charcot.genome.normalise import Allele
    from charcot.genome.panel import build_panel
    from charcot.knowledge import get_knowledge
    from charcot.model import Build
    from charcot.variants.model import Frequencies, Predictors

    kb = get_knowledge()
    panel = build_panel(kb.genes, Build.GRCh37)
    pg = panel.gene("TBK1")
    assert pg is not None
    chrom, pos, _rest = _early_point("TBK1", 3)
    ctx = VariantContext(key="k", chrom=chrom, allele=Allele(pos, "CA", "C"), gene_symbol="TBK1", gene=None,
                         location=pg.locate(pos, pos + 1), consequences=["frameshift_variant"], hgvs_p="p.?",
                         protein_position=60, protein_length=None, frequencies=Frequencies(),
                         predictors=Predictors(), known_hgvs_p="p.(Arg60GlyfsTer7)", panel_gene=pg)
    found = predict_nmd(ctx, "frameshift_variant")
    assert found.outcome == "nmd" and "from p.(Arg60GlyfsTer7)" in found.reason, found.reason


@pytest.mark.parametrize(("codon", "proximal"), [(12, True), (49, True), (50, True), (51, False), (60, False)])
def test_start_proximal_cut_off_is_nmdetective_b(codon: int, proximal: bool) -> None:
    # NMDetective-B (Lindeboom 2019, as aenmd and NMDetective_B implement it): distance start -> stop < 150 nt,
    # i.e. 3 x (codon - 1) < 150: the stop at codon 50 (147 nt) is start-proximal, at codon 51 (150 nt) it is not
    from charcot.acmg.nmd import _start_proximal

    note = _start_proximal(codon)
    assert (note is not None) is proximal
    if note is not None:
        assert f"codon {codon}, less than 150 nt from the start codon" in note and "NMDetective-B" in note


def test_start_proximal_stop_gain_cites_the_cut_off_source(tmp_path: Path) -> None:
    chrom, pos, _rest = _early_point("TBK1", 2)
    f = _frameshift(tmp_path, "TBK1", pos, chrom, "p.Trp12Ter", 12, consequence="stop_gained")
    pvs1 = _pvs1(f)
    assert {"S-Lindeboom16", "S-Lindeboom19"} <= set(pvs1.sources), pvs1.sources
