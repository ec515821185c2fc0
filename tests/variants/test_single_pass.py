"""Plain-gzip VCFs are inflated once (issue 20: a full pass only to detect truncation, then htslib's
own): a zlib thread feeds htslib through a pipe and catches truncation on the way. Real NA12878 calls."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.variants import reader
from charcot.variants.api import interpret

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
CHR21 = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"  # bgzipped, 6,628 records, no index


def _plain_gzip(tmp_path: Path) -> Path:
    out = tmp_path / "calls.vcf.gz"
    with gzip.open(CHR21, "rb") as src:
        out.write_bytes(gzip.compress(src.read()))
    assert not reader._is_bgzf(out)
    return out


def _key(result: object) -> list[tuple[str, int, str, str]]:
    return sorted((f.chrom, f.pos, f.ref, f.alt) for f in result.findings)  # type: ignore[attr-defined]


def test_plain_gzip_read_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _plain_gzip(tmp_path)
    expected = interpret(CHR21)
    calls: list[str] = []
    real_open = gzip.open

    def counting_open(*args: object, **kwargs: object) -> object:
        calls.append(str(args[0]))
        return real_open(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(reader.gzip, "open", counting_open)
    result = interpret(plain)
    assert calls == []  # no separate inflating pass before htslib reads the file
    assert _key(result) == _key(expected) and result.records_read == expected.records_read == 6628


def test_plain_gzip_concatenated_members(tmp_path: Path) -> None:
    with gzip.open(CHR21, "rb") as src:
        text = src.read()
    cut = text.index(b"\n", len(text) // 2) + 1
    out = tmp_path / "two.vcf.gz"
    out.write_bytes(gzip.compress(text[:cut]) + gzip.compress(text[cut:]))
    assert interpret(out).records_read == 6628


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_truncated_plain_gzip_refused(tmp_path: Path, keep: float) -> None:
    plain = _plain_gzip(tmp_path)
    data = plain.read_bytes()
    plain.write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(InputError, match=r"truncated|corrupt") as err:
        interpret(plain)
    assert "gzip" in (err.value.hint or "")


def test_corrupt_plain_gzip_refused(tmp_path: Path) -> None:
    plain = _plain_gzip(tmp_path)
    data = bytearray(plain.read_bytes())
    data[len(data) // 2] ^= 0xFF
    plain.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"truncated|corrupt|cannot parse|could not be read"):
        interpret(plain)
