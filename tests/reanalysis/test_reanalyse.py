"""Re-analysis finds exactly the stored cases that a knowledge change affects (issue 18).

Two snapshots differ in one variant's curated evidence, one trial's status and one repeat threshold; three
stored demo-like cases are re-analysed with the newer one, and only the affected ones need review, each for
the right reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from charcot.knowledge import _knowledge_for
from tests.reanalysis.snapshots import newer_snapshot

DEMO = Path(__file__).resolve().parents[2] / "src" / "charcot" / "report" / "demo_data"
VARIANTS = Path(__file__).resolve().parents[1] / "data" / "variants"


def _case(root: Path, name: str, files: dict[str, Path], run_cli, *extra: str) -> Path:  # type: ignore[no-untyped-def]
    folder = root / name
    folder.mkdir()
    args = ["report", "--no-pdf", "--outdir", str(folder / "report"), *extra]
    for option, src in files.items():
        shutil.copy(src, folder / src.name)
        if src.name.endswith(".gz") and Path(str(src) + ".tbi").exists():
            shutil.copy(str(src) + ".tbi", folder / (src.name + ".tbi"))
        args += [option, str(folder / src.name)]
    r = run_cli(*args)
    assert r.code == 0, r.stderr
    return folder


@pytest.fixture
def stored_cases(tmp_path: Path, run_cli) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "cases"
    root.mkdir()
    _case(root, "full", {"--vcf": DEMO / "demo.vcf.gz", "--str": DEMO / "demo.str.vcf",
                         "--clinical": DEMO / "demo_case.yaml"}, run_cli,
          "--str-sample", "hugelymodelbat_lanes_1_sorted_md")  # the demo's repeat file is another person's, named
    _case(root, "repeats-only", {"--str": DEMO / "demo.str.vcf"}, run_cli)
    # another person's GRCh38 calls around SOD1 (chr21:30-35 Mb, the gene wholly inside them, no variant in it): a
    # SOD1 trial's change does not concern them. (The panel-cut calls, whose records begin after SOD1's exon 1,
    # leave SOD1 assessed in part, which a SOD1 trial does concern.)
    _case(root, "other-genome", {"--vcf": VARIANTS / "na12878_hg38_chr21_30-35Mb.vcf.gz"}, run_cli)
    return root


def _reanalyse(run_cli, root: Path, env_snapshot: Path | None, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
               code: int = 0):
    _knowledge_for.cache_clear()
    if env_snapshot is not None:
        monkeypatch.setenv("CHARCOT_KNOWLEDGE", str(env_snapshot))
    try:
        r = run_cli("reanalyse", str(root), "--format", "json")
    finally:
        monkeypatch.delenv("CHARCOT_KNOWLEDGE", raising=False)
        _knowledge_for.cache_clear()
    assert r.code == code, r.stderr  # 3: no case could be re-run (docs/CLI.md)
    return json.loads(r.stdout)


def test_reanalysis_finds_exactly_the_affected_cases(stored_cases: Path, tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # the same knowledge changes nothing
    same = _reanalyse(run_cli, stored_cases, None, monkeypatch)
    assert [c["status"] for c in same["cases"]] == ["unchanged"] * 3

    stored = json.loads((stored_cases / "full" / "report" / "report.json").read_text())
    new_kb, changed_trial = newer_snapshot(tmp_path, stored)
    result = _reanalyse(run_cli, stored_cases, new_kb, monkeypatch)
    by_case = {c["case"].split("/")[0]: c for c in result["cases"]}
    assert result["knowledge_version"] == "9999.1.0"
    assert by_case["other-genome"]["status"] == "unchanged", by_case["other-genome"]["changes"]
    assert by_case["repeats-only"]["status"] == "changed"
    assert {ch["area"] for ch in by_case["repeats-only"]["changes"]} == {"repeat"}, by_case["repeats-only"]["changes"]
    full = by_case["full"]
    assert full["status"] == "changed"
    areas = {ch["area"] for ch in full["changes"]}
    assert {"variant", "trial", "repeat"} <= areas, full["changes"]
    assert any(ch["area"] == "trial" and ch["item"] == changed_trial["name"] for ch in full["changes"])
    variant = next(ch for ch in full["changes"] if ch["area"] == "variant")
    assert "SOD1" in variant["item"] and "criteria -" in variant["detail"]
    repeat = next(ch for ch in full["changes"] if ch["area"] == "repeat")
    assert repeat["item"].upper().startswith("C9ORF72") and (repeat["old"], repeat["new"]) == ("normal", "intermediate")


def test_changed_or_missing_inputs_are_never_reanalysed(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "cases"
    root.mkdir()
    case = _case(root, "str", {"--str": DEMO / "demo.str.vcf"}, run_cli)
    with (case / "demo.str.vcf").open("a") as handle:
        handle.write("\n")
    r = run_cli("reanalyse", str(case / "report"))
    # nothing could be re-run: exit 3 (docs/CLI.md), the reason in the output
    assert r.code == 3 and "NOT re-analysed" in r.stdout and "differs from the one the report was made from" in r.stdout
    (case / "demo.str.vcf").unlink()
    r = run_cli("reanalyse", str(case / "report"))
    assert "not found beside the report" in r.stdout
    r = run_cli("reanalyse", str(tmp_path / "nothing-here"))
    assert r.code == 2 and "file or folder not found" in r.stderr and "hint:" in r.stderr


def test_store_or_folder_exactly_one(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("reanalyse")
    assert r.code == 2 and "either a folder of report folders or --data-dir" in r.stderr
    r = run_cli("reanalyse", "--data-dir", str(tmp_path))
    assert r.code == 2 and "not a charcot web data folder" in r.stderr and not (tmp_path / "charcot.sqlite3").exists()


def test_an_older_snapshot_never_reanalyses_a_newer_report(tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-check: with CHARCOT_KNOWLEDGE set to an earlier release, every case 'needed review' for changes that
    undo the curation its report rests on (knowledge 2026.11.x → 2026.11.0)."""
    from charcot.knowledge.snapshots import released_versions

    root = tmp_path / "cases"
    root.mkdir()
    _case(root, "repeats-only", {"--str": DEMO / "demo.str.vcf"}, run_cli)
    oldest = released_versions()[0]
    result = _reanalyse(run_cli, root, Path(oldest), monkeypatch, code=3)
    (case,) = result["cases"]
    assert case["status"] == "not_reanalysed" and not case["changes"], case
    assert f"newer than the knowledge in force ({oldest})" in case["reason"]


def test_a_report_json_stands_for_its_folder(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """'charcot export' takes a report.json or its folder; 'charcot reanalyse FOLDER/report.json' said
    'is not a folder' (exit 2). It now re-analyses that report, with the same result as its folder."""
    folder = _case(tmp_path, "case", {"--str": DEMO / "demo.str.vcf"}, run_cli) / "report"
    by_folder = run_cli("reanalyse", str(folder), "--format", "json")
    by_file = run_cli("reanalyse", str(folder / "report.json"), "--format", "json")
    assert by_file.code == by_folder.code == 0, by_file.stderr
    assert by_file.stdout == by_folder.stdout
    other = tmp_path / "case" / "demo.str.vcf"
    assert run_cli("reanalyse", str(other)).code == 2  # any other file is still refused
