"""Indexes that no longer match their data whatever the time-stamps say (probestale review).

An earlier review made charcot check an index that is *older* than its data (records sampled across the file must be
found through it). An index whose time-stamp is the same as or newer than the data was only asked for the file's first
record: a file rewritten after indexing and then given the index's time-stamp (``touch -r``, ``cp -p``, ``rsync -t``),
or an old index copied in after the data, read a fraction of the records with exit 0. Real files only: the
Pfeiffer panel calls, NA12878's chr21 calls and the 189-sample GATK joint call set of tests/data, rewritten with
pysam's BGZF writer as bgzip writes them."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from charcot.errors import InputError
from charcot.variants.api import interpret

DATA = Path(__file__).resolve().parents[1] / "data"
PANEL = DATA / "variants" / "pfeiffer_panel.vcf.gz"  # 100 records in 40 ALS genes, one BGZF block
CHR21 = DATA / "variants" / "na12878_hg38_chr21_30-35Mb.vcf.gz"  # 6,628 records, several BGZF blocks
COHORT = DATA / "population" / "cyvcf2_test.189samples.vcf.gz"  # 115 records with AC/AN/AF, many blocks


def _lines(path: Path) -> list[str]:
    with gzip.open(path, "rt") as handle:
        return handle.read().splitlines()


def _write_bgzf(lines: list[str], out: Path) -> Path:
    with pysam.BGZFile(str(out), "wb") as handle:
        handle.write(("\n".join(lines) + "\n").encode())
    return out


def _without_record(lines: list[str], n: int) -> list[str]:
    """``lines`` without its ``n``-th record (a record filtered out by a re-run of the pipeline)."""
    records = [i for i, x in enumerate(lines) if not x.startswith("#")]
    return [x for i, x in enumerate(lines) if i != records[n]]


def _rewritten_keeping_index(src: Path, folder: Path, name: str, edit: int | None = 5) -> Path:
    """``src`` compressed and indexed, then rewritten in place without its ``edit``-th record (None: the same text
    compressed at another level), the old index kept."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = _lines(src)
    vcf = _write_bgzf(lines, folder / name)
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)
    if edit is None:
        plain = folder / "plain.vcf"
        plain.write_text("\n".join(lines) + "\n")
        with open(vcf, "wb") as out:  # another compression of the same text (bgzip -l 1)
            subprocess.run(["bgzip", "-l", "1", "-c", str(plain)], stdout=out, check=True)
        plain.unlink()
    else:
        _write_bgzf(_without_record(lines, edit), vcf)
    return vcf


def _same_mtime(index: Path, data: Path) -> None:
    """``touch -r DATA INDEX``: the index gets the data file's time-stamp (neither is older)."""
    st = data.stat()
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns))


def _newer(index: Path, data: Path) -> None:
    st = data.stat()
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns + 60 * 10**9))


@pytest.mark.parametrize("stamp", [_same_mtime, _newer], ids=["touch-r", "index-newer"])
@pytest.mark.parametrize("edit", [5, 30, 60])
def test_a_file_rewritten_after_indexing_is_refused_whatever_the_timestamps(tmp_path: Path, stamp, edit: int
                                                                            ) -> None:  # type: ignore[no-untyped-def]
    # before: exit 0 with 11, 29 or 60 findings of the 99 the rewritten file holds (the queries through the old
    # index start inside other lines), nothing said
    vcf = _rewritten_keeping_index(PANEL, tmp_path, "p.vcf.gz", edit)
    index = Path(str(vcf) + ".tbi")
    stamp(index, vcf)
    assert index.stat().st_mtime_ns >= vcf.stat().st_mtime_ns
    with pytest.raises(InputError, match="does not match the data file") as err:
        interpret(vcf)
    assert err.value.path is not None and err.value.path.endswith("p.vcf.gz.tbi")
    assert "tabix -f -p vcf p.vcf.gz" in (err.value.hint or "")
    os.unlink(index)  # without the stale index the file is read whole: every record of the rewritten file
    assert len(interpret(vcf).findings) == len(interpret(PANEL).findings) - 1


def test_an_index_of_another_compression_of_the_same_text_is_refused(tmp_path: Path) -> None:
    # the same records, compressed again at another level (bgzip -l 1): every compressed block offset moved. (Before,
    # this file was refused only because its one ALS gene was missed whole: "the index finds no record in the ALS gene
    # regions"; now by the sampled records. A file of one BGZF block keeps its offsets: its index stays right, and is
    # used.)
    vcf = _rewritten_keeping_index(CHR21, tmp_path, "c.vcf.gz", edit=None)
    _same_mtime(Path(str(vcf) + ".tbi"), vcf)
    with pytest.raises(InputError, match=r"does not match the data file|does not belong to this file"):
        interpret(vcf)


def test_a_right_index_with_a_newer_timestamp_is_used_without_a_note(tmp_path: Path) -> None:
    # the control: the check costs a few index queries and refuses nothing that is right
    vcf = _rewritten_keeping_index(PANEL, tmp_path, "p.vcf.gz", edit=None)
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)
    _newer(Path(str(vcf) + ".tbi"), vcf)
    result = interpret(vcf)
    assert result.reading.indexed and result.reading.index_note is None
    assert [(f.chrom, f.pos, f.alt) for f in result.findings] == [(f.chrom, f.pos, f.alt)
                                                                  for f in interpret(PANEL).findings]


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools (Debian package) not installed")
def test_a_stale_csi_beside_a_right_tbi_is_the_one_named(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # htslib reads the .csi when both exist; before: the error named the right .tbi ("rebuild it (tabix ...)"),
    # and rebuilding it changed nothing
    vcf = _rewritten_keeping_index(CHR21, tmp_path, "c.vcf.gz", edit=3000)  # .tbi of the earlier version
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)  # a right .tbi
    earlier = _write_bgzf(_lines(CHR21), tmp_path / "earlier.vcf.gz")
    subprocess.run(["bcftools", "index", "-c", "-o", str(vcf) + ".csi", str(earlier)], check=True)
    _newer(Path(str(vcf) + ".csi"), vcf)
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), "-o", str(out))
    assert proc.code == 2, proc.stderr
    assert "c.vcf.gz.csi" in proc.stderr and "c.vcf.gz.tbi beside it is not used" in proc.stderr
    assert "bcftools index -f -c c.vcf.gz" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools (Debian package) not installed")
@pytest.mark.parametrize("stamp", [_same_mtime, _newer], ids=["touch-r", "index-newer"])
def test_a_resource_rewritten_after_indexing_is_refused_whatever_the_timestamps(tmp_path: Path, stamp
                                                                                ) -> None:  # type: ignore[no-untyped-def]
    # --local-frequencies (as --clinvar and --gnomad: the same TabixResource check): a laboratory frequency file
    # (NA12878's chr21 calls with AC/AN/AF from 'bcftools +fill-tags') re-made without one record, the old index kept.
    # Before: accepted, and through the old index the records after the edit were not found: "not in the file"
    from charcot.genome.normalise import trim
    from charcot.variants.resources import LocalFrequencies

    tagged = tmp_path / "tagged.vcf.gz"
    subprocess.run(["bcftools", "+fill-tags", str(CHR21), "-Oz", "-o", str(tagged), "--", "-t", "AC,AN,AF"],
                   check=True, capture_output=True)
    vcf = _rewritten_keeping_index(tagged, tmp_path / "lab", "local.vcf.gz", edit=2000)
    index = Path(str(vcf) + ".tbi")
    stamp(index, vcf)
    with pytest.raises(InputError, match=r"local frequency file's index .* does not match the data file"):
        LocalFrequencies(vcf)
    # with a rebuilt index the same file answers for a record after the edit
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)
    last = [x for x in _lines(vcf) if not x.startswith("#")][-1].split("\t")
    found = LocalFrequencies(vcf).lookup(last[0].removeprefix("chr"), trim(int(last[1]), last[3], last[4].split(",")[0]))
    assert found is not None and found.an == 2


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools (Debian package) not installed")
def test_a_resource_s_chromosomes_are_read_from_the_index_its_queries_use(tmp_path: Path) -> None:
    # a ClinVar file with its right .csi (read by htslib's queries) and, beside it, the .tbi of a chromosome-1 subset.
    # Before: the chromosomes with records were read from the .tbi, so the SOD1 allele, listed in the file, was
    # "ClinVar: not assessed (the ClinVar file has no records on chromosome 21)"
    from .resourcebuild import clinvar_vcf
    from .test_resource_contigs import REVIEWED, _at, _patient

    vcf, chrom, start = _patient(tmp_path)
    cv = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)])
    subprocess.run(["bcftools", "index", "-c", "-f", str(cv)], check=True)
    other = clinvar_vcf(tmp_path / "chr1.vcf.gz", [("1", 1000000, "C", "T", "900001", REVIEWED)])
    shutil.copy(str(other) + ".tbi", str(cv) + ".tbi")
    found = _at(interpret(vcf, clinvar=cv), start + 5)
    assert found.clinvar_not_covered is None
    assert found.clinvar is not None
