"""Each ALT of a multi-allelic record reads only its own annotation entries. The BCSQ strings follow what
bcftools 1.16 csq wrote for multi-allelic records of the MRPL39 engine fixture (resources/engine):
'missense|MRPL39|ENST00000307301|protein_coding|-|337F>337L|25587750AT>GT' and joint entries
'...|25587745GAA>G+25587750AT>A'; positions here come from the knowledge base's TBK1 exon table."""

from __future__ import annotations

from pathlib import Path

from charcot.variants.api import interpret
from variants.vcfbuild import Rec, exon, mane, write_vcf

BCSQ_HEADER = ('##INFO=<ID=BCSQ,Number=.,Type=String,Description="Local consequence annotation from BCFtools/csq. '
               "Format: '[*]consequence|gene|transcript|biotype[|strand|amino_acid_change|dna_change]' or, for "
               "consequences of variants split across multiple sites, a pointer to the record storing the "
               "consequences '@position'. '*' prefix indicates a consequence downstream from a stop\">")


def _by_key(vcf: Path) -> dict[str, list[str] | None]:
    return {f.key: f.consequence for f in interpret(vcf).findings}


def test_bcsq_entry_of_an_insertion_is_not_read_for_the_snv_beside_it(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("TBK1", 5)
    pos = start + 40
    tx = mane("TBK1")
    both = (f"missense|TBK1|{tx}|protein_coding|+|150R>150W|{pos}C>A,"
            f"frameshift|TBK1|{tx}|protein_coding|+|150R>150RX|{pos}C>AT")
    got = _by_key(write_vcf(tmp_path / "a.vcf.gz", [Rec(chrom, pos, "C", "A,AT", gt="1/2", info={"BCSQ": both})],
                            extra_header=[BCSQ_HEADER]))
    assert got[f"{chrom}-{pos}-C-A"] == ["missense_variant"]
    assert got[f"{chrom}-{pos}-C-AT"] == ["frameshift_variant"]
    # only the insertion annotated (bcftools csq annotates the alleles present): the SNV's consequence is unknown
    only_ins = f"frameshift|TBK1|{tx}|protein_coding|+|150R>150RX|{pos}C>AT"
    snv = interpret(write_vcf(tmp_path / "b.vcf.gz", [Rec(chrom, pos, "C", "A,AT", gt="0/1",
                                                           info={"BCSQ": only_ins})], extra_header=[BCSQ_HEADER]))
    (f,) = snv.findings
    assert f.consequence is None and f.classification is None and f.not_classified
    assert not any(e.applied and e.criterion == "PVS1" for e in f.evidence)


def test_bcsq_change_written_untrimmed_matches_the_split_record(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("TBK1", 5)
    pos = start + 40
    tx = mane("TBK1")
    # a record split after annotation keeps the multi-allelic spelling 'CAG>CG' of its deletion
    entry = f"frameshift|TBK1|{tx}|protein_coding|+|150RS>150X|{pos}CAG>CG"
    (f,) = interpret(write_vcf(tmp_path / "c.vcf.gz", [Rec(chrom, pos, "CA", "C", info={"BCSQ": entry})],
                               extra_header=[BCSQ_HEADER])).findings
    assert f.consequence == ["frameshift_variant"]
