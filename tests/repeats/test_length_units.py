"""Sizes a caller gives as lengths in bp (TRGT AL/ALLR) are counted in repeat units over the knowledge base's
catalog region, the region the thresholds are defined on, never as motif counts over the caller's wider region.

Real files: NIST.trgt.stranger.vcf.gz (TRGT 3.0 + Stranger, GRCh38) and the ExpansionHunter v5 VCF justhusky
(GRCh37), both in tests/data/repeats (SOURCES.md). Before the fix, TRGT's MC was taken as the size: the AR region
of TRGT's catalog runs past the CAG tract through a second CAG run (MS shows two spans), so AR read 25/33 for
alleles of 19/27 CAG; ATXN2's MC leaves out the CAA interruptions the thresholds count (20 for 22)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from charcot.repeats.api import assess_repeats

DATA = Path(__file__).resolve().parents[1] / "data" / "repeats"
NIST = DATA / "NIST.trgt.stranger.vcf.gz"
EH5 = DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf"


def _eh_reference_units() -> dict[str, int]:
    """ExpansionHunter's reference repeat count per locus (INFO REF of the real EH v5 file)."""
    out = {}
    for line in EH5.read_text().splitlines():
        if line.startswith("#"):
            continue
        info = dict(item.partition("=")[::2] for item in line.split("\t")[7].split(";"))
        out[info["REPID"]] = int(info["REF"])
    return out


def _nist_lines() -> list[str]:
    with gzip.open(NIST, "rt") as handle:
        return handle.read().splitlines()


def test_trgt_ar_size_is_the_cag_tract_not_both_runs() -> None:
    ar = assess_repeats(NIST).call("AR")
    assert ar is not None
    # MS (motif spans, bp) of each real allele: the first span is the CAG tract the thresholds count
    expected = []
    for line in _nist_lines():
        if "TRID=SBMA_AR;" in line:
            fmt, values = line.split("\t")[8:10]
            ms = dict(zip(fmt.split(":"), values.split(":"), strict=True))["MS"]
            first = ms.split("_")[0]  # e.g. 0(0-57)
            lo, hi = (int(x) for x in first[first.index("(") + 1:-1].split("-"))
            expected.append((hi - lo) // 3)
    assert sorted(a.size for a in ar.alleles) == sorted(expected) == [19, 27]


@pytest.mark.parametrize(("trid", "locus"), [("FTDALS1_C9orf72", "C9ORF72"), ("SCA2_ATXN2", "ATXN2"),
                                            ("SBMA_AR", "AR")])
def test_trgt_reference_allele_has_expansionhunters_reference_count(tmp_path: Path, trid: str, locus: str) -> None:
    """The reference sequence itself, called by TRGT, must size as ExpansionHunter sizes it (INFO REF)."""
    out = []
    for line in _nist_lines():
        if f"TRID={trid};" in line and not line.startswith("#"):
            cols = line.split("\t")
            ref_length = int(dict(i.partition("=")[::2] for i in cols[7].split(";"))["END"]) - int(cols[1])
            fmt = cols[8].split(":")
            values = dict(zip(fmt, cols[9].split(":"), strict=True))
            values.update(GT="1/1", AL=f"{ref_length},{ref_length}", ALLR=f"{ref_length}-{ref_length},"
                          f"{ref_length}-{ref_length}")
            values.update({k: ",".join([values[k].split(",")[0]] * 2) for k in ("SD", "MC", "MS", "AP", "AM")})
            cols[9] = ":".join(values[k] for k in fmt)
            line = "\t".join(cols)
            if line in out:
                continue
        out.append(line)
    path = tmp_path / "ref_allele.trgt.vcf"
    path.write_text("\n".join(out) + "\n")
    call = assess_repeats(path).call(locus)
    assert call is not None
    assert [a.size for a in call.alleles] == [_eh_reference_units()[locus]] * 2
