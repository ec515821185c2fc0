"""One regression test per defect listed in issue 16 ("One command-line contract"), through the real
entry point (in process, or as a process where a pipe or the shell is part of the defect)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SRC = Path(__file__).resolve().parents[2] / "src"
VCF = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
PED = DATA / "family" / "three_generation.ped"
TRIO_VCF = DATA / "family" / "ashk_trio_subset.vcf.gz"
TRIO_PED = DATA / "family" / "ashk_trio.ped"
CASE = DATA / "clinical" / "example_case.yaml"
COHORT = DATA / "population"


def _charcot(args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """``charcot ARGS`` in bash (pipes, redirections and process substitution as a user types them)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    charcot = f"{sys.executable} -c 'from charcot.cli import run; run()'"
    return subprocess.run(["bash", "-c", args.replace("charcot ", charcot + " ")], capture_output=True, env=env,
                          timeout=300, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


# --- outputs ----------------------------------------------------------------------------------

def test_interpret_prints_a_table_not_a_one_line_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("interpret", VCF)
    assert res.code == 0, res.stderr
    assert not res.stdout.startswith("{") and res.stdout.startswith("NA12878 (GRCh38): ")
    assert max(len(line) for line in res.stdout.splitlines()) < 400
    as_json = run_cli("interpret", VCF, "--format", "json")
    assert json.loads(as_json.stdout)["sample"] == "NA12878"


def test_dash_o_is_stdout_not_a_file_named_dash(run_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (("repeats", DATA / "repeats" / "643594.clinical.str.vcf"), ("knowledge", "gene", "SOD1"),
                 ("epi", "prevalence", "--incidence", "2", "--duration", "3"), ("clinical", CASE)):
        res = run_cli(*args, "-o", "-")
        assert res.code == 0 and res.stdout, (args, res.stderr)
    assert list(tmp_path.iterdir()) == []


def test_tables_have_a_header_and_one_missing_value_token(run_cli) -> None:  # type: ignore[no-untyped-def]
    seg = run_cli("segregation", TRIO_VCF, "--ped", TRIO_PED, "--format", "tsv")
    assert seg.code == 0, seg.stderr
    assert seg.stdout.splitlines()[0] == "variant\tcriterion\tstrength\tstatus\tpoints\treason"
    risk = run_cli("risk", PED, "--gene", "C9orf72", "--format", "tsv")
    assert risk.code == 0, risk.stderr
    lines = risk.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["id", "sex", "age"] and len(lines) > 2
    cells = {c for line in lines[1:] for c in line.split("\t")}
    assert not cells & {"nan", "NA", "inf", "None", "-"}
    assert all(len(line.split("\t")) == len(lines[0].split("\t")) for line in lines)


def test_rich_tables_follow_the_terminal_width(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "100")
    res = run_cli("knowledge", "genes")
    assert res.code == 0
    assert max(len(line) for line in res.stdout.splitlines()) <= 100


def test_epi_has_machine_readable_output(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("epi", "sir", "--observed", "7", "--expected", "2.5", "--format", "json")
    assert res.code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["observed"] == 7 and data["low"] < data["sir"] < data["high"]


# --- inputs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["bgzf-pipe", "plain-pipe", "dev-stdin", "process-substitution"])
def test_stdin_and_pipes_are_read(how: str) -> None:
    command = {
        "bgzf-pipe": f"cat {VCF} | charcot interpret - --format json",
        "plain-pipe": f"bcftools view --no-version {VCF} | charcot interpret - --format json",
        "dev-stdin": f"charcot interpret /dev/stdin --format json < {VCF}",
        "process-substitution": f"charcot interpret <(gzip -dc {VCF}) --format json",
    }[how]
    done = _charcot(command)
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["sample"] == "NA12878" and data["records_read"] > 0
    assert "the file is empty" not in done.stderr.decode()
    with gzip.open(VCF, "rt") as handle:
        records = sum(1 for line in handle if not line.startswith("#"))
    assert data["records_read"] == records
    assert "charcot-stdin-" not in done.stdout.decode()  # the temporary copy is never named in the output


def test_empty_stdin_is_a_clear_error() -> None:
    done = _charcot("charcot interpret - < /dev/null")
    assert done.returncode == 2
    assert done.stderr.decode().startswith("charcot: error: nothing was received on standard input")


def test_hpo_is_repeatable_and_comma_separated(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("interpret", VCF, "--hpo", "HP:0007354", "--hpo", "HP:0002380,HP:0003202", "--format", "json")
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["hpo"] == ["HP:0007354", "HP:0002380", "HP:0003202"]


def test_one_case_file_feeds_clinical_and_therapies(run_cli) -> None:  # type: ignore[no-untyped-def]
    clinical = run_cli("clinical", CASE, "--format", "json")
    therapies = run_cli("therapies", CASE, "--format", "json")
    assert clinical.code == 0 and therapies.code == 0, therapies.stderr
    facts = json.loads(therapies.stdout)
    assert facts["therapies"] and facts["trials"]


def test_a_gene_panel_restricts_interpret(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    every = json.loads(run_cli("interpret", VCF, "--format", "json").stdout)
    causal = json.loads(run_cli("interpret", VCF, "--panel", "causal", "--format", "json").stdout)
    two = json.loads(run_cli("interpret", VCF, "--genes", "SOD1", "--genes", "tdp-43", "--format", "json").stdout)
    # the demo VCF holds chr21 only: TARDBP (chr1) is in the panel but not covered by the file
    assert set(two["genes_assessed"]) == {"SOD1"} and set(two["genes_not_covered"]) == {"TARDBP"}
    assert (set(causal["genes_assessed"]) | set(causal["genes_not_covered"])
            < set(every["genes_assessed"]) | set(every["genes_not_covered"]))
    assert any("outside the requested panel" in n["what"] for n in two["not_assessed"])
    assert {f["gene"] for f in two["findings"]} | set(two["not_reportable"]["by_gene"]) <= {"SOD1", "TARDBP"}
    bed = tmp_path / "sod1.bed"
    bed.write_text("chr21\t31659000\t31669000\n")  # SOD1, GRCh38 (0-based start)
    by_bed = run_cli("interpret", VCF, "--bed", bed, "--build", "GRCh38", "--format", "json")
    assert by_bed.code == 0, by_bed.stderr
    assert json.loads(by_bed.stdout)["genes_assessed"] == ["SOD1"]
    no_build = run_cli("interpret", VCF, "--bed", bed)
    assert no_build.code == 2 and "--bed needs --build" in no_build.stderr
    both = run_cli("interpret", VCF, "--panel", "causal", "--genes", "SOD1")
    assert both.code == 2 and "give one of --genes, --panel or --bed" in both.stderr
    unknown = run_cli("interpret", VCF, "--panel", "everything")
    assert unknown.code == 2 and "causal-mimics" in unknown.stderr


# --- errors and exit codes --------------------------------------------------------------------

def test_hail_backend_without_hail_is_a_user_error_not_a_traceback(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert importlib.util.find_spec("hail") is None, "this test runs in the main environment (no Hail)"
    res = run_cli("cohort", "burden", COHORT / "synthetic300.vcf.gz", "--phenotypes",
                  COHORT / "synthetic300.pheno.tsv", "--backend", "hail", "--outdir", tmp_path / "out")
    assert res.code == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("charcot: error: --backend hail needs Hail")


def test_nothing_assessed_exits_3(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("cohort", "burden", COHORT / "synthetic300.vcf.gz", "--phenotypes",
                  COHORT / "synthetic300.pheno.tsv", "--genes", "NOSUCHGENE", "--outdir", tmp_path / "out",
                  "--no-plots")
    assert res.code == 3, res.stderr
    assert "0 gene x class tests" in res.stdout and res.stderr.startswith("charcot: not assessed: ")


def test_htslib_warnings_stay_off_the_terminal(tmp_path: Path) -> None:
    # a VCF whose header lacks its ##contig lines makes htslib warn on every contig
    plain = tmp_path / "nocontig.vcf"
    with gzip.open(TRIO_VCF, "rt") as source, plain.open("w") as out:
        out.writelines(line for line in source if not line.startswith("##contig"))
    bcftools = shutil.which("bcftools")
    assert bcftools is not None
    loud = subprocess.run([bcftools, "view", "--no-version", str(plain)], capture_output=True, text=True, check=False)
    assert "[W::" in loud.stderr  # the input really makes htslib warn
    # each in a fresh process: htslib's log level is process-wide, so an earlier in-process test could hide a leak
    # --build GRCh37: the file's own build (b37; its bcftools csq annotation names Ensembl's GRCh37 GFF3, so GRCh38
    # is refused since 2026-12-02 as an annotation made on the other build)
    for command in (f"charcot segregation {plain} --ped {TRIO_PED} --build GRCh37",
                    f"charcot report --vcf {plain} --sample HG002 --build GRCh37 --no-pdf --outdir {tmp_path / 'report'} -q"):
        done = _charcot(command)
        assert done.returncode == 0, done.stderr.decode()
        assert b"[W::" not in done.stderr and b"[E::" not in done.stderr, command


def test_dash_q_and_dash_v_on_every_command(run_cli) -> None:  # type: ignore[no-untyped-def]
    quiet = run_cli("knowledge", "gene", "SOD1", "-q")
    verbose = run_cli("knowledge", "gene", "SOD1", "-v")
    assert quiet.code == verbose.code == 0 and quiet.stdout == verbose.stdout


def test_named_panels_are_valid_data() -> None:
    from charcot.cli_contract import split_terms
    from charcot.genome.panels import named_panels, select_genes
    from charcot.knowledge.schema.genes import GeneRole

    panels = named_panels()
    assert {"causal", "causal-mimics", "als", "all"} <= set(panels)
    for panel in panels.values():
        assert set(panel.roles) <= {r.value for r in GeneRole}, panel.name
        selection = select_genes(panel=panel.name)
        assert selection is not None and selection.symbols, panel.name
    causal = select_genes(panel="causal")
    with_mimics = select_genes(panel="causal-mimics")
    assert causal is not None and with_mimics is not None and set(causal.symbols) < set(with_mimics.symbols)
    assert "SOD1" in causal.symbols
    # one spelling for lists everywhere: repeatable, comma-, semicolon- or space-separated
    assert split_terms(["HP:1", "HP:2,HP:3", "HP:4 HP:5; HP:6"]) == [f"HP:{i}" for i in range(1, 7)]


def test_dash_reads_standard_input_for_every_text_input(tmp_path: Path) -> None:
    """docs/CLI.md: '-' reads standard input wherever a stream can be read. 'charcot clinical -', 'therapies -',
    'risk -' and 'export fhir -' said '-: ... not found' (only the VCF/STR readers took '-'); 'therapies' reads its
    case twice (to tell its kind, then to read it), so stdin must be kept, not read again."""
    report = tmp_path / "report"
    assert _charcot(f"charcot report --vcf {VCF} --no-pdf -q --outdir {report}").returncode == 0
    for command, source in (("clinical - --format json", CASE), ("therapies - --format json", CASE),
                            ("risk - --gene SOD1", PED), ("export fhir - --format json", report / "report.json")):
        piped = _charcot(f"cat {source} | charcot {command}")
        named = _charcot(f"charcot {command.replace(' - ', f' {source} ', 1)}")
        assert piped.returncode == 0 == named.returncode, (command, piped.stderr.decode())
        assert piped.stdout == named.stdout and piped.stdout, command
    empty = _charcot("charcot clinical - < /dev/null")
    assert empty.returncode == 2 and b"nothing was received on standard input" in empty.stderr


def test_report_says_it_reads_named_files_only(tmp_path: Path) -> None:
    """'charcot report --vcf -' (or --clinical -, or a pipe through process substitution) said '-: VCF file not
    found': the report records every input by name, size and SHA-256, so it reads files only, and now says so."""
    out = tmp_path / "report"
    for command in (f"cat {VCF} | charcot report --vcf - --no-pdf -q --outdir {out}",
                    f"cat {CASE} | charcot report --clinical - --no-pdf -q --outdir {out}",
                    f"charcot report --vcf <(cat {VCF}) --no-pdf -q --outdir {out}"):
        done = _charcot(command)
        err = done.stderr.decode()
        assert done.returncode == 2 and "Traceback" not in err, (command, err)
        assert "not found" not in err and "reads files only" in err, (command, err)
    assert not out.exists()


def test_a_vcf_given_for_a_text_input_is_named_as_a_vcf(tmp_path: Path) -> None:
    """'export fhir case.vcf.gz' said 'the report.json is gzip-compressed; gunzip case.vcf.gz', which sends the user
    the wrong way: a compressed VCF (or BCF) given where a report, case or pedigree belongs is now called a VCF. A
    gzipped text file of the right kind still gets the gunzip hint."""
    import gzip

    from charcot.errors import InputError
    from charcot.structured import read_text

    vcf = Path(__file__).parents[2] / "src" / "charcot" / "report" / "demo_data" / "demo.vcf.gz"
    for command in (f"charcot export fhir {vcf}", f"charcot clinical {vcf}"):
        done = _charcot(command)
        err = done.stderr.decode()
        assert done.returncode == 2 and "this is a VCF file, not the" in err and "gunzip" not in err, err
    bcf = tmp_path / "calls.bcf"
    subprocess.run(["bcftools", "view", "-Ob", "-o", str(bcf), str(vcf)], check=True)
    with pytest.raises(InputError, match="this is a BCF file"):
        read_text(bcf, "report.json")
    gzipped = tmp_path / "case.yaml.gz"
    gzipped.write_bytes(gzip.compress(CASE.read_bytes()))
    with pytest.raises(InputError, match="gzip-compressed"):
        read_text(gzipped, "clinical record")
