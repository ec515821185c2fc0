"""Derive the repeat-locus table of the knowledge base from the repeat catalogs in ../shared/data/str.

What is derived (never typed by hand):
* locus coordinates for GRCh37 and GRCh38 from the ExpansionHunter v5.0.0 variant catalogs
  (``ReferenceRegion`` is 0-based half-open ``chrom:start-end``; stored 1-based inclusive as
  ``start + 1 .. end``), with the reference motif and EH variant type;
* the region each other catalog uses for the same locus (Stranger, str-analysis/gnomAD), so readers
  can match caller output produced with those catalogs;
* each source's thresholds, kept apart because they disagree:
  - Stranger's bundled catalog (NormalMax / PathologicMin, GeneReviews-based),
  - the gnomAD / str-analysis known-pathogenic catalog (NormalMax / PathogenicMin / IntermediateRange),
  - STRipy as compared against gnomAD in str-analysis' gnomAD_STRipy_comparison.txt (a value not listed as
    different there equals the gnomAD value),
  - the per-source columns of str-analysis' known_pathogenic_str_loci_metadata_hg38_hg19.tsv
    (Ibanez 2020, Sanden 2021, Depienne 2021), tabulated by a third party.

Output: src/charcot/knowledge/data/derived/repeat_catalog.json (loaded by
charcot.knowledge.schema.repeats.attach, re-checked against the catalogs by its check hook).

Usage: python scripts/derive_repeat_loci.py [SHARED_DATA_DIR]   (default: <repo>/../shared/data)
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

# The EH catalog LocusIds the knowledge base covers (the ALS-relevant repeats and the AR mimic).
LOCI = ("C9ORF72", "ATXN2", "ATXN1", "AR")
BUILD_FILES = {"GRCh37": "grch37", "GRCh38": "grch38"}
TSV_SOURCES = {  # column-name suffix in the metadata TSV -> source id used in repeats.yaml
    "Ibanez 2020": "ibanez2020_tsv",
    "Sanden 2021": "sanden2021_tsv",
    "Depienne 2021": "depienne2021_tsv",
}


def parse_region(text: str) -> tuple[str, int, int]:
    """'chr9:27573528-27573546' (0-based half-open) -> ('9', 27573529, 27573546) 1-based inclusive."""
    match = re.fullmatch(r"(?:chr)?([0-9XYM]+):(\d+)-(\d+)", text.strip())
    if not match:
        raise ValueError(f"unexpected ReferenceRegion {text!r}")
    chrom, start0, end = match.group(1), int(match.group(2)), int(match.group(3))
    return chrom, start0 + 1, end


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_catalog(path: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads(path.read_text())
    return {e["LocusId"]: e for e in entries}


def region_of(entry: dict[str, Any]) -> str:
    region = entry["ReferenceRegion"]
    return region[0] if isinstance(region, list) else str(region)


def stripy_differences(path: Path) -> dict[tuple[str, str], int]:
    """(locus, 'NormalMax'|'PathogenicMin') -> STRipy value, from the comparison report lines."""
    out: dict[tuple[str, str], int] = {}
    pattern = re.compile(r"^(NormalMax|PathogenicMin) for (\S+)\s+differs between gnomAD \((\d+)\) and STRipy \((\d+)\)")
    for line in path.read_text().splitlines():
        match = pattern.match(line)
        if match:
            out[(match.group(2), match.group(1))] = int(match.group(4))
    return out


def main() -> int:
    repo = Path(__file__).resolve().parents[1]
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else repo.parent / "shared" / "data"
    str_dir = shared / "str"
    inputs: list[Path] = []
    loci: dict[str, Any] = {locus: {"coordinates": {}, "other_regions": {}, "thresholds": {}} for locus in LOCI}

    for build, stem in BUILD_FILES.items():
        eh_path = str_dir / "expansionhunter" / f"variant_catalog_{stem}.json"
        stranger_path = str_dir / "stranger" / f"variant_catalog_{stem}.json"
        gnomad_path = str_dir / "str-analysis" / f"variant_catalog_without_offtargets.{build}.json"
        inputs += [eh_path, stranger_path, gnomad_path]
        eh, stranger, gnomad = load_catalog(eh_path), load_catalog(stranger_path), load_catalog(gnomad_path)
        for locus in LOCI:
            entry = eh[locus]
            chrom, start, end = parse_region(region_of(entry))
            motif = entry["LocusStructure"].strip("()*")
            loci[locus]["coordinates"][build] = {
                "chrom": chrom, "start": start, "end": end,
                "reference_region": region_of(entry),
                "catalog": f"str/expansionhunter/variant_catalog_{stem}.json",
            }
            loci[locus]["reference_motif"] = motif
            loci[locus]["eh_variant_type"] = entry["VariantType"]
            for name, catalog in (("stranger", stranger), ("gnomad", gnomad)):
                other = catalog[locus]
                o_chrom, o_start, o_end = parse_region(region_of(other))
                loci[locus]["other_regions"].setdefault(name, {})[build] = {
                    "chrom": o_chrom, "start": o_start, "end": o_end, "reference_region": region_of(other),
                    "locus_id": other["LocusId"], "trid": other.get("TRID"),
                }
            if build == "GRCh38":
                s = stranger[locus]
                loci[locus]["thresholds"]["stranger_catalog"] = {
                    "normal_max": s["NormalMax"], "pathogenic_min": s["PathologicMin"], "intermediate": None,
                    "disease": s.get("Disease"), "reference": f"{s.get('Source')} {s.get('SourceId')}",
                    "file": "str/stranger/variant_catalog_grch38.json",
                }
                g = gnomad[locus]
                disease = g["Diseases"][0]
                intermediate = disease.get("IntermediateRange")
                loci[locus]["thresholds"]["gnomad_catalog"] = {
                    "normal_max": disease["NormalMax"], "pathogenic_min": disease["PathogenicMin"],
                    "intermediate": [int(x) for x in intermediate.split("-")] if intermediate else None,
                    "disease": disease.get("Symbol"), "reference": f"OMIM {disease.get('OMIM')}",
                    "file": "str/str-analysis/variant_catalog_without_offtargets.GRCh38.json",
                }

    comparison = str_dir / "str-analysis" / "gnomAD_STRipy_comparison.txt"
    inputs.append(comparison)
    differences = stripy_differences(comparison)
    for locus in LOCI:
        gnomad_t = loci[locus]["thresholds"]["gnomad_catalog"]
        loci[locus]["thresholds"]["stripy_comparison"] = {
            "normal_max": differences.get((locus, "NormalMax"), gnomad_t["normal_max"]),
            "pathogenic_min": differences.get((locus, "PathogenicMin"), gnomad_t["pathogenic_min"]),
            "intermediate": None,
            "disease": gnomad_t["disease"],
            "reference": "STRipy values as listed in str-analysis gnomAD_STRipy_comparison.txt "
                         "(values not listed as different equal gnomAD's)",
            "file": "str/str-analysis/gnomAD_STRipy_comparison.txt",
        }

    tsv = str_dir / "str-analysis" / "known_pathogenic_str_loci_metadata_hg38_hg19.tsv"
    inputs.append(tsv)
    with open(tsv, newline="") as handle:
        rows = {row["LocusId"]: row for row in csv.DictReader(handle, delimiter="\t")}
    for locus in LOCI:
        row = rows[locus]
        for label, source_id in TSV_SOURCES.items():
            normal, pathogenic = row.get(f"NormalMax ({label})", ""), row.get(f"PathogenicMin ({label})", "")
            if normal.strip() and pathogenic.strip():
                loci[locus]["thresholds"][source_id] = {
                    "normal_max": int(normal), "pathogenic_min": int(pathogenic), "intermediate": None,
                    "disease": row.get("DiseaseSymbol"), "reference": f"{label} as tabulated by str-analysis",
                    "file": "str/str-analysis/known_pathogenic_str_loci_metadata_hg38_hg19.tsv",
                }

    out = {
        "generated_by": "scripts/derive_repeat_loci.py",
        "convention": "coordinates 1-based inclusive (catalog ReferenceRegion is 0-based half-open: start+1..end); "
                      "chromosome without 'chr'",
        "inputs": [{"path": str(p.relative_to(shared)), "sha256": sha256(p)} for p in inputs],
        "loci": loci,
    }
    target = repo / "src" / "charcot" / "knowledge" / "data" / "derived" / "repeat_catalog.json"
    target.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n")
    print(f"wrote {target.relative_to(repo)} ({len(LOCI)} loci)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
