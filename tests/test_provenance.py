"""Input fingerprints in provenance: full SHA-256 for small files, a named sampled digest for large ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from charcot import outputs
from charcot.model import provenance


def test_small_file_gets_a_full_sha256(tmp_path: Path) -> None:
    f = tmp_path / "a.vcf"
    f.write_bytes(b"##fileformat=VCFv4.2\n")
    digest, method, size = outputs.fingerprint_file(f)
    assert (digest, method, size) == (hashlib.sha256(f.read_bytes()).hexdigest(), "sha256", 21)


def test_large_file_is_sampled_and_still_sees_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "FULL_CHECKSUM_LIMIT", 1 << 20)
    data = bytearray(hashlib.sha256(str(i).encode()).digest()[i % 32] for i in range(8 << 20))
    f = tmp_path / "big.vcf.gz"
    f.write_bytes(bytes(data))
    digest, method, size = outputs.fingerprint_file(f)
    assert method == "sha256-sampled" and size == len(data)
    assert digest != hashlib.sha256(data).hexdigest()
    # the same content gives the same digest (determinism) ...
    assert outputs.fingerprint_file(f)[0] == digest
    # ... an edit at the start, at the end or a change of length gives another one
    for mutate in (lambda d: d.__setitem__(10, d[10] ^ 1), lambda d: d.__setitem__(len(d) - 5, d[-5] ^ 1),
                   lambda d: d.extend(b"x")):
        changed = bytearray(data)
        mutate(changed)
        f.write_bytes(bytes(changed))
        assert outputs.fingerprint_file(f)[0] != digest
    # a full checksum on request
    f.write_bytes(bytes(data))
    assert outputs.fingerprint_file(f, full=True) == (hashlib.sha256(data).hexdigest(), "sha256", len(data))


def test_provenance_names_the_method(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "FULL_CHECKSUM_LIMIT", 1000)
    small, big = tmp_path / "s.txt", tmp_path / "b.txt"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"y" * 5000)
    prov = provenance({"small": str(small), "big": str(big)})
    methods = {i.role: (i.checksum_method, i.size_bytes) for i in prov.inputs}
    assert methods == {"small": ("sha256", 10), "big": ("sha256-sampled", 5000)}
    assert {i.checksum_method for i in provenance({"big": str(big)}, full_checksums=True).inputs} == {"sha256"}
