"""A knowledge snapshot that differs from the current one in one variant's curated evidence, one trial's
status and one repeat threshold (issue 18), for the re-analysis tests of the CLI and the web app."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from charcot.knowledge.loader import DATA_DIR


def newer_snapshot(tmp: Path, stored: dict[str, object]) -> tuple[Path, dict[str, object]]:
    new = tmp / "kb-new"
    shutil.copytree(DATA_DIR, new, ignore=shutil.ignore_patterns("__pycache__"))
    # 1. variant: the demo's SOD1 variant loses one curated criterion
    text = (new / "variants.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    sod1 = next(r for r in doc["records"] if r["id"] == "SOD1-A5V")
    removed = sod1["curated_evidence"].pop(0)["criterion"]
    (new / "variants.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    # 2. trial: a trial targeting the variant's gene, that the full case is not excluded from, changes status
    #    (closes if open, opens if closed), so a case without a variant in that gene is not affected
    items = stored["therapies"]["items"]  # type: ignore[index]
    genes = {f["gene"] for t in stored["genetics"]["tiers"] for f in t["findings"] if f.get("gene")}  # type: ignore[index]
    doc = yaml.safe_load((new / "trials.yaml").read_text(encoding="utf-8"))

    def record_of(item: dict[str, object]) -> dict[str, object] | None:
        name = str(item["name"])
        return next((r for r in doc["records"] if name.startswith(f"{r.get('acronym') or r['nct_id']}:")
                     or r["nct_id"] in name), None)

    trial, record = next((i, rec) for i in items if i["kind"] == "trial" and i["verdict"] != "not_eligible"
                         and "failed" not in i.get("eligibility", "")
                         and (rec := record_of(i)) is not None and set(rec.get("target_genes") or []) & genes)
    status = record["status"]  # type: ignore[index]
    opened = status["status"] in {"recruiting", "not_yet_recruiting", "enrolling_by_invitation", "available", "ongoing"}
    status["status"] = "completed" if opened else "recruiting"
    status["confidence"] = "verified"
    (new / "trials.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _lower_c9orf72_threshold(new)
    _bump(new, f"SOD1-A5V without {removed}; {trial['name']}; C9orf72")
    return new, trial


def threshold_snapshot(tmp: Path) -> Path:
    """The current knowledge with only the C9orf72 threshold change (for the quick browser test)."""
    new = tmp / "kb-threshold"
    shutil.copytree(DATA_DIR, new, ignore=shutil.ignore_patterns("__pycache__"))
    _lower_c9orf72_threshold(new)
    _bump(new, "C9orf72 threshold")
    return new


def _lower_c9orf72_threshold(new: Path) -> None:
    """C9orf72 normal range ends at 1 repeat (so the demo's 2-repeat alleles become intermediate)."""
    doc = yaml.safe_load((new / "repeats.yaml").read_text(encoding="utf-8"))
    c9 = next(r for r in doc["records"] if r["id"] == "C9ORF72")
    c9["default_set"] = "strchive"
    ranges = next(s for s in c9["threshold_sets"] if s["id"] == "strchive")["ranges"]
    for r in ranges:
        if r["category"] == "normal":
            r["max"] = 1
        if r["category"] == "intermediate":
            r["min"] = 2
    (new / "repeats.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _bump(new: Path, what: str) -> None:
    meta = yaml.safe_load((new / "meta.yaml").read_text(encoding="utf-8"))
    meta["version"] = "9999.1.0"
    meta["changes"].append(f"9999.1.0: test snapshot ({what})")
    (new / "meta.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
