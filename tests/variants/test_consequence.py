"""The consequence engine (bcftools csq over a FASTA + Ensembl GFF3) and its HGVS, checked against the HGVS
that Ensembl VEP's own test suite publishes for the same variants on real GRCh38 sequence and transcript models
(tests/data/variants/resources/engine, see SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.variants.consequence import ConsequenceEngine, consequence_from_hgvs, hgvs_p

ENGINE_DATA = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / "engine"
FASTA = ENGINE_DATA / "grch38_chr21_MRPL39.fa.gz"
GFF = ENGINE_DATA / "MRPL39.ensembl.gff3"


@pytest.fixture(scope="module")
def engine() -> ConsequenceEngine:
    return ConsequenceEngine(FASTA, GFF)


def _by_tx(engine: ConsequenceEngine, site: tuple[str, int, str, str]) -> dict[str, tuple[list[str], str | None,
                                                                                     str | None]]:
    (csq,) = engine.annotate([site]).values()
    return {c.transcript or "": (c.consequences, c.hgvs_c, c.hgvs_p) for c in csq}


def test_vep_published_hgvs_for_rs142513484(engine: ConsequenceEngine) -> None:
    # ensembl-vep t/*.t: 21:25585733 C>T (rs142513484) is ENST00000352957.8:c.991G>A, ENSP00000284967.6:p.Ala331Thr,
    # and ENST00000307301.11:c.*18G>A (a minus-strand gene: both alleles are complemented)
    got = _by_tx(engine, ("21", 25585733, "C", "T"))
    assert got["ENST00000352957.8"] == (["missense_variant"], "ENST00000352957.8:c.991G>A", "p.(Ala331Thr)")
    assert got["ENST00000307301.11"] == (["3_prime_UTR_variant"], "ENST00000307301.11:c.*18G>A", None)


def test_synonymous_splice_and_intronic_positions(engine: ConsequenceEngine) -> None:
    syn = _by_tx(engine, ("21", 25597391, "T", "C"))["ENST00000352957.8"]
    assert syn == (["synonymous_variant"], "ENST00000352957.8:c.612A>G", "p.(Lys204=)")
    acc = _by_tx(engine, ("21", 25599867, "C", "T"))["ENST00000352957.8"]
    assert acc[0] == ["splice_acceptor_variant"] and acc[1] == "ENST00000352957.8:c.521-1G>A"
    last = _by_tx(engine, ("21", 25599866, "A", "G"))["ENST00000352957.8"]
    assert set(last[0]) == {"missense_variant", "splice_region_variant"} and last[2] == "p.(Val174Ala)"


def test_indels_follow_the_3prime_rule_in_transcript_orientation(engine: ConsequenceEngine) -> None:
    # chr21:25597391-25597394 is TTTT (AAAA on the minus-strand transcript, c.609-c.612; 25597391 is c.612 as the
    # SNV above shows): whichever T is deleted, HGVS names the most 3' base of the transcript run, c.612, which on
    # this strand is the lowest genomic position (VCF left-aligns the other way)
    dele = _by_tx(engine, ("21", 25597393, "TT", "T"))["ENST00000352957.8"]  # not left-aligned: normalised first
    assert dele[0] == ["frameshift_variant"] and dele[1] == "ENST00000352957.8:c.612del"
    assert dele[2] is not None and dele[2].startswith("p.(") and "fs" in dele[2]
    # an extra T in the run is a duplication of the 3'-most base, not an insertion
    dup = _by_tx(engine, ("21", 25597390, "C", "CT"))["ENST00000352957.8"]
    assert dup[1] == "ENST00000352957.8:c.612dup"
    inframe = _by_tx(engine, ("21", 25597395, "GTGA", "G"))["ENST00000352957.8"]
    assert inframe == (["inframe_deletion"], "ENST00000352957.8:c.605_607del", "p.(Phe202_Thr203delinsSer)")


def test_inframe_insertions_get_a_protein_change(engine: ConsequenceEngine) -> None:
    # defect: an in-frame insertion had no p. (bcftools prints '205D>205KD' without the flanking residue).
    # Protein around the site (translated from the fixture's CDS): ...Phe202 Thr203 Lys204 Asp205...
    dup = _by_tx(engine, ("21", 25597390, "C", "CTTT"))["ENST00000352957.8"]  # AAA more: one more Lys204
    assert dup == (["inframe_insertion"], "ENST00000352957.8:c.610_612dup", "p.(Lys204dup)")
    ins = _by_tx(engine, ("21", 25597390, "C", "CTAA"))["ENST00000352957.8"]
    assert ins == (["inframe_insertion"], "ENST00000352957.8:c.612_613insTTA", "p.(Lys204_Asp205insLeu)")
    # the inserted residue copies the one before it: dup of Phe202, although the DNA is an insertion
    phe = _by_tx(engine, ("21", 25597396, "T", "TAAA"))["ENST00000352957.8"]
    assert phe[1] == "ENST00000352957.8:c.606_607insTTT" and phe[2] == "p.(Phe202dup)"
    # an insertion that splits a codon stays a delins
    split = _by_tx(engine, ("21", 25597395, "G", "GCCC"))["ENST00000352957.8"]
    assert split[2] == "p.(Thr203delinsArgAla)"


def test_sites_outside_the_fasta_sequence_get_no_consequence_and_do_not_fail_the_run(
        engine: ConsequenceEngine) -> None:
    # defect: one site past the end of a cut reference (here SOD1's c.14, beyond the fixture's 25.61 Mb) or in its
    # N-filled part made bcftools norm fail and the whole run exit with 'Reference allele mismatch'
    got = engine.annotate([("21", 25585733, "C", "T"), ("21", 31659783, "C", "T"), ("21", 1_000_000, "A", "G")])
    assert set(got) == {0} and any(c.hgvs_p == "p.(Ala331Thr)" for c in got[0])
    assert not engine.covers("21", 31659783, "C") and not engine.covers("21", 1_000_000, "A")


def test_wrong_ref_is_an_error_not_zero_findings(engine: ConsequenceEngine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"1 of 2 panel record\(s\) have a REF allele that differs"):
        engine.check_ref([("21", 25585733, "C", 12), ("21", 25585706, "C", 13)], tmp_path / "p.vcf")
    engine.check_ref([("21", 25585733, "C", 12), ("21", 25585706, "A", 13)], tmp_path / "p.vcf")


def test_hgvs_p_from_bcftools_amino_acid_changes() -> None:
    assert hgvs_p("619W>619*", ["stop_gained"]) == "p.(Trp619Ter)"
    assert hgvs_p("5A>5V", ["missense_variant"]) == "p.(Ala5Val)"
    assert hgvs_p("203TKD*>203IKRC*", ["frameshift_variant"]) == "p.(Thr203IlefsTer5)"
    assert hgvs_p("1M>1V", ["start_lost"]) == "p.(Met1?)"
    # insertions: the flanking residues come from the reference protein; shifted C-terminal, dup when copied
    assert hgvs_p("3K>3GK", ["inframe_insertion"]) is None  # no protein: not guessed
    assert hgvs_p("3K>3GK", ["inframe_insertion"], "MAGKL") == "p.(Gly3dup)"
    assert hgvs_p("3G>3AG", ["inframe_insertion"], "MAGKL") == "p.(Ala2dup)"
    assert hgvs_p("4K>4WK", ["inframe_insertion"], "MAGKL") == "p.(Gly3_Lys4insTrp)"
    assert hgvs_p("4K>4KKK", ["inframe_insertion"], "MAGKKL") == "p.(Lys4_Lys5dup)"


def test_consequence_from_curated_hgvs() -> None:
    assert consequence_from_hgvs("c.14C>T", "p.(Ala5Val)") == ["missense_variant"]
    assert consequence_from_hgvs("c.1857G>A", "p.(Trp619Ter)") == ["stop_gained"]
    assert consequence_from_hgvs("c.1423+1G>A", None) == ["splice_donor_variant"]
    assert consequence_from_hgvs("c.1483del", "p.(Arg495GlyfsTer33)") == ["frameshift_variant"]


def test_transcript_models_not_in_ensembl_gff3_are_refused(tmp_path: Path) -> None:
    # the same lines as GTF (Ensembl's other format): not something bcftools csq reads
    gtf = tmp_path / "models.gtf"
    rows = []
    for line in GFF.read_text().splitlines():
        if line.startswith("#"):
            continue
        c = line.split("\t")
        tid = next((kv.split(":")[1] for kv in c[8].split(";") if kv.startswith(("ID=transcript:", "Parent=transcript:"))),
                   None)
        if tid:
            c[8] = f'gene_id "ENSG00000154719"; transcript_id "{tid}";'
            rows.append("\t".join(c))
    gtf.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError, match="Ensembl GFF3"):
        ConsequenceEngine(FASTA, gtf).annotate([("21", 25585733, "C", "T")])


def test_a_fasta_of_the_other_build_is_refused(tmp_path: Path) -> None:
    import pysam

    from charcot.genome.builds import contig_lengths
    from charcot.model import Build
    from charcot.variants.api import interpret

    from .vcfbuild import Rec, exon, write_vcf

    # a FASTA whose chromosome 21 has GRCh37's length (bases unknown: N), given with a GRCh38 VCF
    fa = tmp_path / "grch37_21.fa"
    fa.write_text(">21\n" + "N" * contig_lengths()[Build.GRCh37]["21"] + "\n")
    pysam.faidx(str(fa))
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    with pytest.raises(InputError, match="reference FASTA is GRCh37"):
        interpret(vcf, reference=fa)


def test_chr_prefixed_fasta_with_an_ensembl_gff3(tmp_path: Path) -> None:
    import pysam

    # UCSC-style FASTA ('chr21') with Ensembl's GFF3 ('21'): the same consequences, not silently none
    src = pysam.FastaFile(str(FASTA))
    fa = tmp_path / "chr.fa"
    fa.write_text(">chr21\n" + src.fetch("21") + "\n")
    pysam.faidx(str(fa))
    got = _by_tx(ConsequenceEngine(fa, GFF), ("21", 25585733, "C", "T"))
    assert got["ENST00000352957.8"] == (["missense_variant"], "ENST00000352957.8:c.991G>A", "p.(Ala331Thr)")


def test_a_vcf_annotated_by_bcftools_csq_is_read_with_its_protein_changes(tmp_path: Path) -> None:
    import subprocess

    from charcot.variants.annotation import annotate_allele, pick_consequence, schema_from_header

    # annotate real sites with bcftools csq itself, then read the VCF's BCSQ as any annotated input is read
    sites = tmp_path / "s.vcf"
    sites.write_text("##fileformat=VCFv4.2\n##contig=<ID=21,length=25610000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\t"
                     "INFO\n21\t25585733\t.\tC\tT\t.\t.\t.\n21\t25597395\t.\tG\tGA\t.\t.\t.\n"
                     "21\t25599866\t.\tA\tG\t.\t.\t.\n")
    out = subprocess.run(["bcftools", "csq", "-f", str(FASTA), "-g", str(GFF), "--local-csq", str(sites)],
                         capture_output=True, text=True, check=True).stdout
    vcf = tmp_path / "csq.vcf"
    vcf.write_text(out)
    from cyvcf2 import VCF

    reader = VCF(str(vcf))
    infos = {h.info()["ID"]: h.info().get("Description", "") for h in reader.header_iter()
             if h.info().get("HeaderType") == "INFO"}
    schema = schema_from_header(infos, str(vcf))
    got = []
    for v in reader:
        ann = annotate_allele(v.INFO.get, schema, pos=v.POS, ref=v.REF, alts=list(v.ALT), alt_index=1)
        c = pick_consequence(ann.consequences, "MRPL39", ["ENST00000352957"])
        assert c is not None
        got.append((c.consequences, c.hgvs_p))
    assert got[0] == (["missense_variant"], "p.(Ala331Thr)")
    assert got[1] == (["frameshift_variant"], "p.(Thr203IlefsTer10)")
    assert set(got[2][0]) == {"missense_variant", "splice_region_variant"} and got[2][1] == "p.(Val174Ala)"


def test_a_folder_given_as_fasta_or_gff3_is_refused_in_words(tmp_path: Path) -> None:
    # regression: the FASTA is opened (to see whether its index lies beside it) before htslib, and a folder gave an
    # IsADirectoryError ("internal error") instead of a message
    for fasta, gff in ((tmp_path, GFF), (FASTA, tmp_path)):
        with pytest.raises(InputError, match="is a folder, not a file"):
            ConsequenceEngine(fasta, gff)
