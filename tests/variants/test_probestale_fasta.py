"""A reference FASTA edited after it was indexed, its old .fai (and .gzi) kept (probestale review).

htslib reads bases at the offsets the .fai gives. Before, an existing .fai beside the FASTA was used as it was: after
the FASTA was re-wrapped (60 bases a line, as 'samtools faidx' or 'seqtk seq -l 60' write it) with the index given
the FASTA's time-stamp (``touch -r``), every base read was another's (here Ns), so bcftools csq was not even asked
and ENSEMBL VEP's published missense rs142513484 got no consequence, silently. Real sequence: GRCh38 chr21 around
MRPL39 and Ensembl's GFF3 (tests/data/variants/resources/engine)."""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

import pysam
import pytest

from charcot.errors import InputError
from charcot.variants.consequence import ConsequenceEngine

ENGINE_DATA = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / "engine"
FASTA = ENGINE_DATA / "grch38_chr21_MRPL39.fa.gz"  # one line of sequence, bgzipped, with .fai and .gzi
GFF = ENGINE_DATA / "MRPL39.ensembl.gff3"
RS142513484 = ("21", 25585733, "C", "T")  # ENST00000352957.8:c.991G>A p.(Ala331Thr) in VEP's own tests


def _missense(engine: ConsequenceEngine) -> list[str]:
    found = engine.annotate([RS142513484]).get(0, [])
    return [c.hgvs_c or "" for c in found if "missense_variant" in c.consequences]


def _touch_r(target: Path, reference: Path) -> None:
    st = reference.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def _plain_and_rewrapped(tmp_path: Path) -> tuple[Path, bytes]:
    """The real FASTA uncompressed and indexed, then rewritten in place with 60 bases a line (old .fai kept)."""
    fasta = tmp_path / "ref.fa"
    with gzip.open(FASTA, "rb") as handle:
        text = handle.read()
    fasta.write_bytes(text)
    pysam.faidx(str(fasta))
    old_index = Path(str(fasta) + ".fai").read_bytes()
    header, _, seq = text.partition(b"\n")
    seq = seq.replace(b"\n", b"")
    fasta.write_bytes(header + b"\n" + b"\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)) + b"\n")
    return fasta, old_index


def test_a_rewrapped_fasta_with_its_old_fai_is_refused(tmp_path: Path) -> None:
    fasta, old_index = _plain_and_rewrapped(tmp_path)
    fai = Path(str(fasta) + ".fai")
    fai.write_bytes(old_index)
    _touch_r(fai, fasta)  # the time-stamps say nothing
    with pytest.raises(InputError, match=r"FASTA index ref\.fa\.fai does not match ref\.fa") as err:
        ConsequenceEngine(fasta, GFF)
    assert "samtools faidx ref.fa" in (err.value.hint or "")
    fai.unlink()  # without it charcot indexes the FASTA itself, and the consequence is there
    assert _missense(ConsequenceEngine(fasta, GFF)) == ["ENST00000352957.8:c.991G>A"]


def test_a_bgzipped_fasta_compressed_again_after_editing_with_its_old_fai_and_gzi_is_refused(tmp_path: Path) -> None:
    fasta, _ = _plain_and_rewrapped(tmp_path)
    packed = tmp_path / "ref.fa.gz"
    with open(packed, "wb") as out:
        subprocess.run(["bgzip", "-c", str(fasta)], stdout=out, check=True)
    for suffix in (".fai", ".gzi"):  # the index of the released one-line FASTA
        Path(str(packed) + suffix).write_bytes(Path(str(FASTA) + suffix).read_bytes())
        _touch_r(Path(str(packed) + suffix), packed)
    with pytest.raises(InputError, match=r"FASTA index ref\.fa\.gz\.fai does not match ref\.fa\.gz"):
        ConsequenceEngine(packed, GFF)


def test_right_indexes_are_used(tmp_path: Path) -> None:
    # the controls: the released bgzipped FASTA with its own .fai/.gzi, and the re-wrapped one with a rebuilt .fai
    assert _missense(ConsequenceEngine(FASTA, GFF)) == ["ENST00000352957.8:c.991G>A"]
    fasta, _ = _plain_and_rewrapped(tmp_path)
    pysam.faidx(str(fasta))
    engine = ConsequenceEngine(fasta, GFF)
    assert engine.fasta_file == fasta  # its own index, beside it
    assert _missense(engine) == ["ENST00000352957.8:c.991G>A"]


def test_resources_build_refuses_a_fasta_whose_fai_is_stale(tmp_path: Path) -> None:
    # 'charcot resources build --reference' cut the bundle's reference through the stale .fai: Ns (or another
    # contig's bases) at the genes' real coordinates, read by every later run as the reference
    from charcot.model import Build
    from charcot.variants.bundle import build_bundle

    fasta, old_index = _plain_and_rewrapped(tmp_path)
    fai = Path(str(fasta) + ".fai")
    fai.write_bytes(old_index)
    _touch_r(fai, fasta)
    with pytest.raises(InputError, match=r"FASTA index ref\.fa\.fai does not match ref\.fa"):
        build_bundle(tmp_path / "b", Build.GRCh38, fasta=fasta, gff=GFF, regions=[("21", 25580000, 25608000)])
    assert not (tmp_path / "b").exists()
    fai.unlink()  # the control: indexed privately, the real bases of MRPL39 are cut into the bundle
    build_bundle(tmp_path / "b", Build.GRCh38, fasta=fasta, gff=GFF, regions=[("21", 25580000, 25608000)])
    cut = pysam.FastaFile(str(tmp_path / "b" / "reference.fa.gz"))
    assert cut.fetch("21", 25585732, 25585733) == "C"  # rs142513484's REF
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("ref.fa")) == ["ref.fa"]
