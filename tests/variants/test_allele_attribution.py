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


VEP_ALLELE_NUM = Path(__file__).resolve().parents[1] / "data" / "variants" / "vep_allele_num_csq_header.txt"


def test_vep_allele_num_of_a_record_split_after_annotation_is_not_read_as_this_allele(tmp_path: Path) -> None:
    header = VEP_ALLELE_NUM.read_text().strip()
    fields = header.split("Format: ")[1].rstrip('">').split("|")
    chrom, start, _end, _ = exon("TBK1", 5)
    pos = start + 40
    tx = mane("TBK1")

    def entry(allele: str, number: str, consequence: str, hgvs_p: str) -> str:
        values = {"Allele": allele, "Consequence": consequence, "SYMBOL": "TBK1", "Feature_type": "Transcript",
                  "Feature": tx, "BIOTYPE": "protein_coding", "ALLELE_NUM": number, "Protein_position": "150",
                  "HGVSp": f"{tx.replace('ENST', 'ENSP')}:{hgvs_p}"}
        return "|".join(values.get(f, "") for f in fields)

    # VEP saw C>T,A; bcftools norm -m- then split it, each record keeping both entries with their old numbers
    csq = entry("T", "1", "missense_variant", "p.(Arg150Trp)") + "," + entry("A", "2", "stop_gained", "p.(Arg150Ter)")
    (f,) = interpret(write_vcf(tmp_path / "s.vcf.gz", [Rec(chrom, pos, "C", "A", info={"CSQ": csq})],
                               extra_header=[header])).findings
    assert f.consequence == ["stop_gained"] and f.hgvs_p is not None and f.hgvs_p.endswith("p.(Arg150Ter)")
    both = interpret(write_vcf(tmp_path / "m.vcf.gz", [Rec(chrom, pos, "C", "T,A", gt="1/2", info={"CSQ": csq})],
                               extra_header=[header])).findings
    assert {g.key.rsplit("-", 1)[1]: g.consequence for g in both} == {"T": ["missense_variant"],
                                                                     "A": ["stop_gained"]}
