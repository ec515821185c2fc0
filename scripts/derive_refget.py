"""Derive the GA4GH refget sequence digests (``SQ.…``) of the GRCh37 and GRCh38 chromosomes that VRS
identifiers are computed on, into ``src/charcot/genome/data/refget.json``.

Source: ``src/agct/seqref_registry.py`` of the GenomicMedLab/agct repository (GenomicMedLab, who also
maintain cool-seq-tool and AnyVar), whose ``REFGET_ID_INFO`` maps each refget accession to an assembly
(``hg19`` = GRCh37, ``hg38`` = GRCh38) and a UCSC chromosome name. The table is read from that file,
never typed; the file is not kept in this repository (give its path):

    git -C <agct clone> show 14d8ae2cbb27c51b26134ee30d9aab6a206d2502:src/agct/seqref_registry.py > registry.py
    python scripts/derive_refget.py registry.py

Every digest the other GA4GH projects' published test data name for a chromosome is checked against the
table (``CROSS_CHECKS``, each with where it is printed); a disagreement stops the script. The
mitochondrial genome is not in the source table, so no MT digest is written (VRS ids on MT are then
"not computed", with that reason).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "charcot" / "genome" / "data" / "refget.json"
ORIGIN = {
    "repository": "GenomicMedLab/agct",
    "path": "src/agct/seqref_registry.py",
    "commit": "14d8ae2cbb27c51b26134ee30d9aab6a206d2502",
    "table": "REFGET_ID_INFO",
    "licence": "MIT (GenomicMedLab/agct)",
}
_ROW = re.compile(r'"(SQ\.[0-9A-Za-z_-]{32})":\s*\(Assembly\.(HG19|HG38),\s*Chromosome\.CHR(\w+)\)')
_BUILD = {"HG19": "GRCh37", "HG38": "GRCh38"}
_CHROMS = [str(i) for i in range(1, 23)] + ["X", "Y"]
# (build, chromosome, digest, where another project prints it)
CROSS_CHECKS = [
    ("GRCh38", "19", "SQ.IIB53T8CNeJJdUqzn9V_JnRtQadwWCbl",
     "ga4gh/vrs-python tests/extras/test_allele_translator.py (NC_000019.10:g.44908822C>T)"),
    ("GRCh38", "3", "SQ.Zu7h9AggXxhTaGVsy7h_EZSChSZGcmgX",
     "biocommons/anyvar tests/test_liftover.py (GRCh38 allele on chromosome 3)"),
    ("GRCh37", "3", "SQ.VNBualIltAyi2AI_uXcKU7M9XUOuA7MS",
     "biocommons/anyvar tests/test_liftover.py (the same allele lifted to GRCh37)"),
    ("GRCh37", "20", "SQ.iy_UbUrvECxFRX5LPTH_KPojdlT7BKsf",
     "biocommons/anyvar tests/test_liftover.py (GRCh37 copy-number input on chromosome 20)"),
    ("GRCh38", "20", "SQ.-A1QmD_MatoqxvgVxBLZTONHz9-c7nQo",
     "biocommons/anyvar tests/test_liftover.py (the same copy number lifted to GRCh38)"),
]


def derive(source_text: str) -> dict[str, object]:
    table: dict[str, dict[str, str]] = {"GRCh37": {}, "GRCh38": {}}
    for digest, assembly, chrom in _ROW.findall(source_text):
        build = _BUILD[assembly]
        if chrom in table[build]:
            raise SystemExit(f"{build} chromosome {chrom} appears twice in the source table")
        table[build][chrom] = digest
    for build, rows in table.items():
        if sorted(rows, key=_CHROMS.index) != _CHROMS:
            raise SystemExit(f"{build}: expected chromosomes 1-22, X, Y; found {sorted(rows)}")
    digests = [d for rows in table.values() for d in rows.values()]
    if len(set(digests)) != len(digests):
        raise SystemExit("a digest is given for two chromosomes")
    for build, chrom, digest, where in CROSS_CHECKS:
        if table[build][chrom] != digest:
            raise SystemExit(f"{build} chromosome {chrom}: table {table[build][chrom]} != {digest} ({where})")
    return {"origin": ORIGIN, "cross_checks": [{"build": b, "chromosome": c, "digest": d, "source": w}
                                               for b, c, d, w in CROSS_CHECKS],
            "not_in_source": ["MT"],
            "digests": {b: {c: table[b][c] for c in _CHROMS} for b in ("GRCh37", "GRCh38")}}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    data = derive(Path(argv[0]).read_text(encoding="utf-8"))
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} (24 chromosomes x 2 builds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
