"""probe-rep review: real caller formats through the real CLI/API (files in tests/data/repeats, SOURCES.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from charcot.repeats.api import assess_repeats

DATA = Path(__file__).resolve().parents[1] / "data" / "repeats"
EH_JSON = DATA / "eh_example_repeats.json"


def test_expansionhunter_v2_json_is_refused_by_name(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    """Before: "JSON without 'LocusResults': not ExpansionHunter output" for a real ExpansionHunter v2 JSON."""
    out = tmp_path / "out.txt"
    result = run_cli("repeats", DATA / "eh_v2_record.json", "--output", out)
    assert result.code == 2  # type: ignore[attr-defined]
    assert "ExpansionHunter v2 JSON" in result.stderr and "VCF" in result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr and not out.exists()  # type: ignore[attr-defined]


def _eh_json_at_c9(tmp_path: Path, **fields: str | None) -> Path:
    """The real EH example JSON with its repeat variant moved to C9orf72 (GRCh38 catalog region)."""
    data = json.loads(EH_JSON.read_text())
    variant = data["LocusResults"]["SNV_AND_STR"]["Variants"]["SNV_AND_STR_chr1:2005-2008"]
    variant.update(ReferenceRegion="chr9:27573528-27573546", RepeatUnit="GGCCCC")
    for key, value in fields.items():
        if value is None:
            variant.pop(key, None)
        else:
            variant[key] = value
    path = tmp_path / "eh.json"
    path.write_text(json.dumps(data))
    return path


def test_eh_json_locus_without_genotype_is_in_the_file_not_missing(tmp_path: Path) -> None:
    """EH writes a locus it cannot size without Genotype: not assessed, and the reason says it is in the file."""
    result = assess_repeats(_eh_json_at_c9(tmp_path, Genotype=None, GenotypeConfidenceInterval=None))
    assert result.call("C9ORF72") is None
    item = next(n for n in result.not_assessed if n.what.startswith("C9orf72"))
    assert "in the file but has no genotype" in item.reason


def test_eh_json_spanning_call_with_a_ci_into_the_pathogenic_range_is_not_normal(tmp_path: Path) -> None:
    c9 = assess_repeats(_eh_json_at_c9(tmp_path, Genotype="2/20", GenotypeConfidenceInterval="2-2/15-45",
                                       CountsOfSpanningReads="(2, 47), (20, 3)")).call("C9ORF72")
    assert c9 is not None and c9.category.value == "indeterminate" and c9.confidence == "low"


EH5 = DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf"


def test_haploid_ar_call_in_a_stated_female_is_not_normal() -> None:
    """The real EH v5 AR call is haploid ('1', REPCN 27), as ExpansionHunter writes for a male. Before: with
    --sex female it was 'normal', high confidence, though her second X allele was never sized."""
    ar = assess_repeats(EH5, sex="female").call("AR")
    assert ar is not None
    assert ar.category.value == "indeterminate" and ar.confidence == "low" and ar.genotype == "27"
    assert any("not called" in w and "male ploidy" in w for w in ar.warnings) and "carrier status" not in ar.summary.split(".")[0]
    for sex in ("male", None):  # a male (or unstated sex) keeps the caller's single X allele
        call = assess_repeats(EH5, sex=sex).call("AR")
        assert call is not None and call.category.value == "normal" and "not called" not in call.genotype


def test_a_flag_on_one_of_the_split_records_holds_for_the_locus(tmp_path: Path) -> None:
    """Stranger splits a TRGT genotype over records ('1/.' and './1', real NIST file, AR). Before: only the first
    record's FILTER was kept, so LowDepth on the second gave a high-confidence call."""
    import gzip

    with gzip.open(DATA / "NIST.trgt.stranger.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    ar = [i for i, line in enumerate(lines) if "TRID=SBMA_AR;" in line]
    assert len(ar) == 2
    cols = lines[ar[1]].split("\t")
    cols[6] = "LowDepth"
    lines[ar[1]] = "\t".join(cols)
    path = tmp_path / "nist.vcf"
    path.write_text("\n".join(lines) + "\n")
    call = assess_repeats(path).call("AR")
    assert call is not None and call.filter == "LowDepth" and call.confidence == "low"
    assert any("FILTER=LowDepth" in w for w in call.warnings)


def test_a_flanking_only_allele_without_a_confidence_interval_is_not_normal(tmp_path: Path) -> None:
    """Before: REPCI '.' for a FLANKING allele made its range the size alone, so 15 was 'normal' though flanking
    reads show only that the allele is at least that long."""
    lines = []
    for line in EH5.read_text().splitlines():
        if "VARID=C9ORF72" in line:
            cols = line.split("\t")
            cols[4] = "<STR15>"
            cols[9] = "0/1:SPANNING/FLANKING:3/15:3-3/.:31/0:5/9:0/0:28.17"
            line = "\t".join(cols)
        lines.append(line)
    path = tmp_path / "eh.vcf"
    path.write_text("\n".join(lines) + "\n")
    c9 = assess_repeats(path).call("C9ORF72")
    assert c9 is not None and c9.category.value == "indeterminate" and c9.confidence == "low"
    assert "no confidence interval" in c9.alleles[1].summary


def test_a_header_of_the_other_build_is_named_not_read_as_missing_loci(tmp_path: Path) -> None:
    """The real GRCh37 EH v5 file under the real GRCh38 contig lines of the NIST TRGT header. Before: ATXN2, ATXN1
    and AR 'not assessed: the file does not contain this locus', with no word about the build."""
    import gzip

    with gzip.open(DATA / "NIST.trgt.stranger.vcf.gz", "rt") as handle:
        contigs = [line for line in handle.read().splitlines() if line.startswith("##contig")]
    lines = EH5.read_text().splitlines()
    path = tmp_path / "eh.vcf"
    path.write_text("\n".join([lines[0], *contigs, *lines[1:]]) + "\n")
    result = assess_repeats(path)
    assert result.build is not None and result.build.value == "GRCh38"
    assert any("fit GRCh37 better" in w for w in result.warnings)
    reasons = {n.what.split()[0]: n.reason for n in result.not_assessed}
    assert {"ATXN2", "ATXN1", "AR"} <= set(reasons)
    assert all("fit GRCh37 better" in reasons[g] for g in ("ATXN2", "ATXN1", "AR"))


def test_an_absurd_trgt_allele_length_is_refused_not_sized(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    """AL now sizes the allele: AL=9999999 with the real MC=2 (NIST C9orf72 record) must be refused, not
    read as a 1.6-million-unit expansion."""
    import gzip

    with gzip.open(DATA / "NIST.trgt.stranger.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    index = next(i for i, line in enumerate(lines) if "TRID=FTDALS1_C9orf72;" in line)
    cols = lines[index].split("\t")
    cols[9] = cols[9].replace("1/1:56,56:55-56,", "1/1:9999999,56:9999999-9999999,", 1)
    assert cols[9] != lines[index].split("\t")[9]
    lines[index] = "\t".join(cols)
    path = tmp_path / "nist.vcf"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.txt"
    result = run_cli("repeats", path, "--output", out)
    assert result.code == 2 and "beyond any plausible length" in result.stderr  # type: ignore[attr-defined]
    assert f"line {index + 1}" in result.stderr and not out.exists()  # type: ignore[attr-defined]
