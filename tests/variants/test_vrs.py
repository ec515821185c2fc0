"""GA4GH VRS 2.0 Allele identifiers (issue 18), computed by the ga4gh.vrs library on charcot's refget table.

Published ids: the vrs-python test suite (ga4gh/vrs-python tests/extras/test_allele_translator.py: rs7412
NC_000019.10:g.44908822C>T; tests/extras/data/test_vcf_expected_output.vcf: VRS_Allele_IDs of GRCh38
chr19 SNVs) and the AnyVar test suite (biocommons/anyvar tests/test_liftover.py: a GRCh38 chr3 allele, a
GRCh37 chr19 allele, and the GRCh37 location of the chr3 allele lifted over). The same allele in both
builds must get distinct ids, each equal to the digest the VRS 2.0 specification defines (computed here
by hand with hashlib, independently of the library)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from charcot.variants.vrs import refget_table, vrs_allele

ENGINE = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / "engine"

# (build, chrom, VCF pos, ref, alt, published id, where)
PUBLISHED = [
    ("GRCh38", "19", 44908822, "C", "T", "ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt", "vrs-python, rs7412"),
    ("GRCh38", "chr19", 28946400, "T", "C", "ga4gh:VA.uV5O4M9zpiwk6sftOd-EDvtw_pkSAvdf", "vrs-python VCF"),
    ("GRCh38", "chr19", 54220024, "G", "A", "ga4gh:VA.I7J3i1B36BACEUINcTwEh7uMv3I-PXT1", "vrs-python VCF"),
    ("GRCh38", "chr19", 54221654, "T", "A", "ga4gh:VA.Zzlc24htmBV1HZZzWYgPD2_GfMInkrZu", "vrs-python VCF"),
    ("GRCh38", "chr19", 82664, "C", "T", "ga4gh:VA.b9AIUegs1SOYO7nKY8l01yllkyUns-u4", "vrs-python VCF"),
    # AnyVar gives the allele as a VRS object (start 179203760, state G) without the reference base; a
    # single-base substitution's id does not depend on which base it replaces, so any other base stands in.
    ("GRCh38", "3", 179203761, "N", "G", "ga4gh:VA.9gW_iJbQAIO3SIxJ9ACyAZA1X2lEgO39", "AnyVar"),
    ("GRCh37", "19", 40411759, "N", "T", "ga4gh:VA.gB6yzqX61iGXwY_sJ9B1YzGkolw_NnWX", "AnyVar"),
]


def _sha512t24u(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha512(text.encode()).digest()[:24]).decode()


def _spec_id(accession: str, start: int, end: int, alt: str) -> tuple[str, str]:
    """VRS 2.0 computed identifiers by the specification's serialisation (keys sorted, no spaces, nested
    identifiable objects replaced by their digest)."""
    location = _sha512t24u(json.dumps({"end": end, "sequenceReference": {"refgetAccession": accession,
                                       "type": "SequenceReference"}, "start": start, "type": "SequenceLocation"},
                                      sort_keys=True, separators=(",", ":")))
    allele = _sha512t24u(json.dumps({"location": location, "state": {"sequence": alt,
                                     "type": "LiteralSequenceExpression"}, "type": "Allele"},
                                    sort_keys=True, separators=(",", ":")))
    return f"ga4gh:VA.{allele}", f"ga4gh:SL.{location}"


@pytest.mark.parametrize(("build", "chrom", "pos", "ref", "alt", "published", "where"), PUBLISHED)
def test_ids_match_published_examples(build: str, chrom: str, pos: int, ref: str, alt: str, published: str,
                                      where: str) -> None:
    result = vrs_allele(build, chrom, pos, ref, alt)
    assert result.status == "computed" and result.id == published, (where, result)
    assert (result.start, result.end, result.sequence) == (pos - 1, pos, alt)


def test_the_same_allele_in_both_builds_gets_distinct_correct_ids() -> None:
    # rs7412 (APOE c.526C>T): GRCh38 chr19:44908822, GRCh37 chr19:45412079
    b38 = vrs_allele("GRCh38", "19", 44908822, "C", "T")
    b37 = vrs_allele("GRCh37", "19", 45412079, "C", "T")
    assert b38.id == "ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt"
    assert b37.refget_accession == refget_table()["GRCh37"]["19"] != b38.refget_accession
    assert (b37.id, b37.location_id) == _spec_id(refget_table()["GRCh37"]["19"], 45412078, 45412079, "T")
    assert b37.id != b38.id
    # AnyVar's chr3 allele and its GRCh37 lift-over: the published GRCh37 location digest is reproduced
    a38 = vrs_allele("GRCh38", "3", 179203761, "N", "G")
    a37 = vrs_allele("GRCh37", "3", 178921549, "N", "G")
    assert a37.location_id == "ga4gh:SL.yuqVJ7v6Q1h7-oXiyVToQn0AsukMMRb8"
    assert a38.location_id == "ga4gh:SL.sK161kPiQBsm-qOErlsNRXeT3nvoTLLn"
    assert (a37.id, a37.location_id) == _spec_id("SQ.VNBualIltAyi2AI_uXcKU7M9XUOuA7MS", 178921548, 178921549, "G")
    assert a37.id != a38.id


def test_an_indel_needs_the_reference_around_it(tmp_path: Path) -> None:
    # GRCh38 chr21 ...C AAAAAA T... (0-based 25564249 = C, 25564250-25564255 = A): one A deleted, written
    # left-anchored on the C or on the fifth A. The normalised allele is the same, so is its id.
    first = vrs_allele("GRCh38", "21", 25564250, "CA", "C")
    assert first.status == "not computed" and first.id is None
    assert "reference sequence around it" in (first.reason or "")
    for name in ("grch38_chr21_MRPL39.fa.gz", "grch38_chr21_MRPL39.fa.gz.fai", "grch38_chr21_MRPL39.fa.gz.gzi"):
        shutil.copy(ENGINE / name, tmp_path / name.replace("grch38_chr21_MRPL39", "reference"))
    from charcot.variants.vrs import bundle_reference

    fetch = bundle_reference(tmp_path)
    assert fetch is not None and fetch("21", 25564249, 25564257) == "CAAAAAAT"
    left = vrs_allele("GRCh38", "21", 25564250, "CA", "C", reference=fetch)
    right = vrs_allele("GRCh38", "21", 25564255, "AA", "A", reference=fetch)
    assert left.status == right.status == "computed" and left.id == right.id
    # fully justified over the run: the whole homopolymer, one A shorter
    assert (left.start, left.end) == (25564250, 25564256)
    # a deletion reaching the N padding of the bundle (sequence not covered) is not computed
    assert fetch("21", 25563950, 25563965) is None


def test_what_cannot_be_identified_says_why() -> None:
    assert "build is not known" in (vrs_allele(None, "1", 100, "A", "G").reason or "")
    assert "chromosome MT" in (vrs_allele("GRCh38", "MT", 100, "A", "G").reason or "")
    assert "symbolic" in (vrs_allele("GRCh38", "1", 100, "A", "<DEL>").reason or "")
    assert "outside chromosome" in (vrs_allele("GRCh37", "21", 99_000_000, "A", "G").reason or "")


def test_refget_table_is_complete_and_cross_checked() -> None:
    data = json.loads((Path(__file__).resolve().parents[2] / "src" / "charcot" / "genome" / "data"
                       / "refget.json").read_text())
    assert data["origin"]["repository"] == "GenomicMedLab/agct" and len(data["origin"]["commit"]) == 40
    for build in ("GRCh37", "GRCh38"):
        assert sorted(data["digests"][build]) == sorted([str(i) for i in range(1, 23)] + ["X", "Y"])
    for check in data["cross_checks"]:
        assert data["digests"][check["build"]][check["chromosome"]] == check["digest"]


def test_substitutions_get_the_library_ids_without_importing_it() -> None:
    """Issue 20: the first VRS id of a run cost ~0.75 s (importing ga4gh.vrs). A substitution's id is now the
    specification's digest computed with hashlib; the library (normalise + identify) stays the reference."""
    import random

    from charcot.genome.builds import contig_lengths
    from charcot.model import Build
    from charcot.variants import vrs

    rng = random.Random(20)
    cases = [(b, c, p, r, a) for b, c, p, r, a, _, _ in PUBLISHED]
    cases += [("GRCh38", "21", 31659783, "ACG", "ATG"), ("GRCh37", "X", 1000, "ACGT", "TCGA"),
              ("GRCh38", "1", 5, "AA", "TA"), ("GRCh38", "Y", 20_000_000, "NA", "GT")]
    for _ in range(40):
        build = rng.choice(["GRCh37", "GRCh38"])
        chrom = rng.choice([*map(str, range(1, 23)), "X", "Y"])
        n = rng.choice([1, 1, 2, 3, 5])
        ref = "".join(rng.choice("ACGT") for _ in range(n))
        alt = "".join(rng.choice("ACGT") for _ in range(n))
        if ref != alt:
            cases.append((build, chrom, rng.randrange(1, 1_000_000), ref, alt))
    for build, chrom, pos, ref, alt in cases:
        fast = vrs_allele(build, chrom, pos, ref, alt)
        contig = chrom.removeprefix("chr")
        library = vrs._normalised(build, refget_table()[build][contig], contig,
                                  contig_lengths()[Build(build)][contig], pos, ref, alt, None)
        assert fast == library and fast.status == "computed", (build, chrom, pos, ref, alt)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    code = ("import sys; from charcot.variants.vrs import vrs_allele; a = vrs_allele('GRCh38', '21', 31659783, 'C', "
            "'T'); print(a.status, 'ga4gh.vrs' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["computed", "False"]


def test_indels_without_a_reference_are_not_computed_as_the_library_says() -> None:
    """Without reference sequence an insertion or deletion is answered "not computed" before importing the
    library; the library, asked the same, gives the same answer (and computes a delins, which is not shifted)."""
    import random

    from charcot.genome.builds import contig_lengths
    from charcot.model import Build
    from charcot.variants import vrs

    rng = random.Random(21)
    cases = [("GRCh38", "21", 33035431, "ACTTTTT", "A"), ("GRCh38", "21", 33039774, "TA", "T"),
             ("GRCh38", "4", 782227, "GTA", "GA"), ("GRCh37", "2", 1000, "GAA", "GA"), ("GRCh37", "2", 1000, "A", "AT"),
             ("GRCh38", "X", 5000, "AT", "ATT"), ("GRCh38", "X", 5000, "CAT", "CAGT"), ("GRCh38", "1", 9, "AC", "T")]
    for _ in range(80):
        build, chrom = rng.choice(["GRCh37", "GRCh38"]), rng.choice([*map(str, range(1, 23)), "X"])
        ref = "".join(rng.choice("ACG") for _ in range(rng.randint(1, 6)))
        alt = "".join(rng.choice("ACG") for _ in range(rng.randint(1, 6)))
        if len(ref) != len(alt):
            cases.append((build, chrom, rng.randrange(2, 1_000_000), ref, alt))
    answers = {"skipped": 0, "computed": 0, "not computed": 0}
    for build, chrom, pos, ref, alt in cases:
        fast = vrs_allele(build, chrom, pos, ref, alt)
        library = vrs._normalised(build, refget_table()[build][chrom], chrom, contig_lengths()[Build(build)][chrom],
                                  pos, ref, alt, None)
        assert fast == library, (build, chrom, pos, ref, alt)
        answers["skipped" if vrs._shifts_past_ref(ref, alt) else library.status] += 1
    assert min(answers.values()) >= 5, answers  # answered without the library; computed and refused by it
