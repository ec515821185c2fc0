"""'epi expected' tables, found by the adversarial re-check of issue 12: a UTF-8 BOM made the header a data row
("persons 'persons' is not a number"), a non-UTF-8 byte was an internal error (exit 1), and an age band given
twice was counted twice (a population) or silently replaced (a rate table)."""

from __future__ import annotations

from pathlib import Path

HEADER = "age_band\tsex\tpersons\n"


def test_population_table_mistakes(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bom = tmp_path / "bom.tsv"
    bom.write_bytes(b"\xef\xbb\xbf" + (HEADER + "60-69\tM\t1000\n").encode())
    plain = tmp_path / "plain.tsv"
    plain.write_text(HEADER + "60-69\tM\t1000\n")
    with_bom, without = run_cli("epi", "expected", bom), run_cli("epi", "expected", plain)
    assert with_bom.code == 0 and with_bom.stdout == without.stdout, with_bom.stderr
    latin = tmp_path / "latin.tsv"
    latin.write_bytes((HEADER + "60-69\tM\t1000\n").encode() + b"# \xe9t\xe9\n")
    res = run_cli("epi", "expected", latin)
    assert res.code == 2 and "not UTF-8" in res.stderr and "internal error" not in res.stderr, res.stderr
    twice = tmp_path / "twice.tsv"
    twice.write_text(HEADER + "60-69\tM\t1000\n70-79\tF\t500\n60-69\tmale\t1000\n")
    res = run_cli("epi", "expected", twice)
    assert res.code == 2 and "appears twice" in res.stderr and "line 4" in res.stderr, res.stderr
    rates = tmp_path / "rates.tsv"
    rates.write_text("age_band\tsex\trate\n60-69\tM\t5\n60-69\tM\t50\n")
    res = run_cli("epi", "expected", plain, "--rates", rates)
    assert res.code == 2 and "appears twice" in res.stderr, res.stderr
