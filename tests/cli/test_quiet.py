"""-q leaves only errors on stderr, in every command (re-check: 'resources build', 'clinical --outdir' and
'knowledge snapshot save' printed what they wrote)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def test_quiet_means_no_messages(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runs = [
        ("resources", "build", "--outdir", tmp_path / "bundle", "--build", "GRCh38",
         "--revel", DATA / "variants" / "resources" / "scores" / "revel-v1.3.head.csv"),
        ("clinical", DATA / "clinical" / "example_case.yaml", "--outdir", tmp_path / "plots", "-o", tmp_path / "c.json"),
        ("knowledge", "snapshot", "save", tmp_path / "k.tar.gz"),
    ]
    for args in runs:
        loud = run_cli(*args)
        assert loud.code == 0 and loud.stderr, (args, loud.stderr)  # each says what it wrote ...
        quiet = run_cli(*args, "-q")
        assert quiet.code == 0 and quiet.stderr == "", (args, quiet.stderr)  # ... and -q silences it
