"""A family VCF whose samples are named otherwise than the pedigree (leftfam, 2026-12-02).

Laboratories keep accession numbers in the VCF and family IDs in the PED. Before, on main: ``charcot segregation``
refused such a VCF ("proband 'ADM1059A2' is not a sample of the VCF", or "no affected individual of the pedigree is a
VCF sample") with a hint that did not say how to join the two, and no option could join them.

The VCF is the real Scout trio (GATK exome calls, `tests/data/report/scout_643594_trio.vcf.gz`) with its three sample
columns renamed as a laboratory's accession numbers (ADM1059A1 -> LAB-0001, ...), written to a tmp dir with pysam;
every record and genotype is the real one. Each test runs the real command line (``charcot.cli.main``)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pysam
import pytest

ROOT = Path(__file__).resolve().parents[1] / "data"
SCOUT = ROOT / "report" / "scout_643594_trio.vcf.gz"
PED = ROOT / "report" / "scout_643594.ped"
LAB = {"ADM1059A1": "LAB-0001", "ADM1059A2": "LAB-0002", "ADM1059A3": "LAB-0003"}  # father, proband, mother
FULL_MAP = [f"--sample-map={iid}={sample}" for iid, sample in LAB.items()]


def renamed_trio(folder: Path, names: dict[str, str] | None = None, source: Path = SCOUT) -> Path:
    """The real trio VCF with its sample columns renamed (bgzipped and indexed), as a laboratory names them."""
    names = names or LAB
    with gzip.open(source, "rt") as handle:
        lines = handle.read().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("#CHROM"))
    fields = lines[at].split("\t")
    lines[at] = "\t".join(fields[:9] + [names.get(s, s) for s in fields[9:]])
    plain = folder / "lab_trio.vcf"
    plain.write_text("\n".join(lines))
    out = folder / "lab_trio.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    plain.unlink()
    return out


@pytest.fixture(scope="module")
def lab_vcf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return renamed_trio(tmp_path_factory.mktemp("lab"))


def _json(run_cli: Callable, *args: object) -> dict:  # type: ignore[type-arg]
    res = run_cli("segregation", *args, "--format", "json")
    assert res.code == 0, res.stderr
    return json.loads(res.stdout)


def test_unmatched_names_are_refused_with_the_option_that_joins_them(run_cli, lab_vcf: Path) -> None:  # type: ignore[no-untyped-def]
    for extra in ((), ("--proband", "ADM1059A2")):
        res = run_cli("segregation", lab_vcf, "--ped", PED, *extra)
        assert res.code == 2 and "Traceback" not in res.stderr
        # where, what and how: the option, a few of the VCF's sample names and of the pedigree's IDs
        assert "--sample-map" in res.stderr, res.stderr
        assert "LAB-0001" in res.stderr and "ADM1059A2" in res.stderr
        if extra:
            assert "ADM1059A1" in res.stderr and "ADM1059A3" in res.stderr  # the pedigree's IDs


def test_a_full_map_gives_the_evidence_of_the_same_trio_named_alike(run_cli, lab_vcf: Path) -> None:  # type: ignore[no-untyped-def]
    same = _json(run_cli, SCOUT, "--ped", PED)
    mapped = _json(run_cli, lab_vcf, "--ped", PED, *FULL_MAP)
    assert mapped["proband"] == "ADM1059A2"  # the first affected member read from a sample
    assert mapped["variants"] == same["variants"] and mapped["variants"]
    assert mapped["samples"] == LAB  # which VCF sample each member was read from
    assert same["samples"] == {iid: iid for iid in LAB}
    assert not any("not samples of the VCF" in n for n in mapped["notes"])


def test_the_map_as_a_two_column_file(run_cli, lab_vcf: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "samples.tsv"
    table.write_text("# pedigree ID\tVCF sample\n" + "".join(f"{i}\t{s}\n" for i, s in LAB.items()))
    by_file = _json(run_cli, lab_vcf, "--ped", PED, "--sample-map-file", table)
    by_option = _json(run_cli, lab_vcf, "--ped", PED, *FULL_MAP)
    assert by_file == by_option


def test_a_relative_left_unmapped_is_not_genotyped_never_a_non_carrier(run_cli, lab_vcf: Path) -> None:  # type: ignore[no-untyped-def]
    out = _json(run_cli, lab_vcf, "--ped", PED, "--sample-map", "ADM1059A2=LAB-0002",
                "--sample-map", "ADM1059A1=LAB-0001")
    assert out["samples"] == {"ADM1059A1": "LAB-0001", "ADM1059A2": "LAB-0002", "ADM1059A3": None}
    for evidence in out["variants"].values():
        ps2 = next(e for e in evidence if e["criterion"] == "PS2")
        assert not ps2["applied"] and "mother (ADM1059A3) is not a sample of the VCF" in ps2["reason"]
        pp1 = next(e for e in evidence if e["criterion"] == "PP1")
        assert "over 2 genotyped family members" in pp1["reason"]  # the proband and the father, not the mother
    note = next(n for n in out["notes"] if "not samples of the VCF" in n)
    assert "ADM1059A3" in note and "never as non-carriers" in note
    assert "LAB-0003" in note and "--sample-map" in note  # the sample no member is read from, and how to map it


@pytest.mark.parametrize(("pairs", "said"), [
    (["NOBODY=LAB-0002"], "NOBODY is not an individual of the pedigree"),
    (["ADM1059A2=LAB-9999"], "LAB-9999 (for ADM1059A2) is not a sample of the VCF"),
    (["ADM1059A2=LAB-0002", "ADM1059A1=LAB-0002"], "reads two pedigree members, ADM1059A2 and ADM1059A1, from one "
                                                   "VCF sample (LAB-0002)"),
    (["ADM1059A2=LAB-0002", "ADM1059A2=LAB-0001"], "maps the pedigree ID ADM1059A2 a second time: to LAB-0001, after "
                                                   "LAB-0002"),
    (["ADM1059A2"], "'ADM1059A2' is not PEDIGREE_ID=VCF_SAMPLE"),
])
def test_a_wrong_map_is_refused_with_what_where_and_how(run_cli, lab_vcf: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        pairs: list[str], said: str) -> None:
    out = tmp_path / "evidence.json"
    res = run_cli("segregation", lab_vcf, "--ped", PED, *(f"--sample-map={p}" for p in pairs), "-o", out)
    assert res.code == 2 and "Traceback" not in res.stderr
    assert said in res.stderr and "hint:" in res.stderr and not out.exists()
    # the same pairs in a file: the error names the file and its line
    table = tmp_path / "map.tsv"
    table.write_text("".join(p.replace("=", "\t") + "\n" for p in pairs))
    res = run_cli("segregation", lab_vcf, "--ped", PED, "--sample-map-file", table, "-o", out)
    assert res.code == 2 and not out.exists()
    if len(pairs) > 1 or "=" not in pairs[0]:  # found while the file is read: its line
        line = len(pairs)
        assert f"map.tsv line {line}" in res.stderr, res.stderr
    else:  # found against the pedigree or the VCF: the file and line of the pair
        assert "map.tsv line 1" in res.stderr, res.stderr


def test_a_name_that_would_be_read_twice_is_refused(run_cli) -> None:  # type: ignore[no-untyped-def]
    """The real trio named alike: mapping the proband to the mother's sample would read the mother (joined by her own
    name) and the proband from one sample."""
    res = run_cli("segregation", SCOUT, "--ped", PED, "--sample-map", "ADM1059A2=ADM1059A3")
    assert res.code == 2 and "ADM1059A3" in res.stderr and "--sample-map ADM1059A3=SAMPLE" in res.stderr

