"""Outputs and inputs of every command on cases the earlier reviews had not tried (probeout review, 2026-12-02).

Each test is table-driven over the commands (found by walking the real click tree where the class is the command
line's, so a new command is covered or the table test fails). Every hostile target or input is made in tmp_path;
the real /dev is never written.
"""

from __future__ import annotations

import gzip
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_defects import _charcot

DATA = Path(__file__).resolve().parents[1] / "data"
SRC = Path(__file__).resolve().parents[2] / "src"
VCF = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
TRIO_VCF = DATA / "family" / "ashk_trio_subset.vcf.gz"
TRIO_PED = DATA / "family" / "ashk_trio.ped"
PED = DATA / "family" / "three_generation.ped"
CASE = DATA / "clinical" / "example_case.yaml"
CLAIM = DATA / "therapy" / "claim_class1_rct.yaml"
FACTS = DATA / "therapy" / "sod1_patient.yaml"
STR_VCF = DATA / "repeats" / "643594.clinical.str.vcf"
REVEL = DATA / "variants" / "resources" / "scores" / "revel-v1.3.head.csv"
COHORT = DATA / "population" / "synthetic300.vcf.gz"
PHENO = DATA / "population" / "synthetic300.pheno.tsv"
IS_ROOT = os.geteuid() == 0


def _run(args: list[str], *, stdin: bytes | None = None, timeout: int = 120, prefix: list[str] | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command line in its own process (its standard output is a pipe of its own)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [*(prefix or []), sys.executable, "-c", "from charcot.cli import run; run()", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=False, input=stdin, cwd=cwd)


def _walk() -> Iterator[tuple[str, Any]]:
    import typer

    from charcot.cli import COMMANDS, get_app

    root = typer.main.get_command(get_app())
    ctx = root.make_context("charcot", ["--help"], resilient_parsing=True)

    def visit(path: list[str], command: Any) -> Iterator[tuple[str, Any]]:
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, dict) and subcommands:
            for name, sub in subcommands.items():
                yield from visit([*path, name], sub)
        else:
            yield " ".join(path), command

    for name in COMMANDS:
        yield from visit([name], root.get_command(ctx, name))


def _opts(command: Any) -> set[str]:
    return {o for p in command.params for o in getattr(p, "opts", ())}


def _clean_error(done: subprocess.CompletedProcess[bytes], *words: str) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.startswith("charcot: error:") and "\n  hint: " in err, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, (word, err)
    return err


# --- two outputs on one standard output ---------------------------------------------------------------------------

# the commands whose -o result and a second output (an image) could both be standard output
SECOND_OUTPUT = {
    "risk": ([PED, "--gene", "SOD1", "--plot-id", "CH"], "--plot"),
    "claim check": ([CLAIM], "--plot"),
}


def test_the_second_output_table_covers_every_command_with_two_outputs() -> None:
    found = set()
    for path, command in _walk():
        outputs = [p for p in command.params if getattr(p.callback, "charcot_output", None) not in (None, "-o")]
        if "-o" in _opts(command) and any(not o.opts[0].endswith("draw") for o in outputs if o.opts):
            found.add(path)
    assert found == set(SECOND_OUTPUT)


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
@pytest.mark.parametrize("path", sorted(SECOND_OUTPUT))
def test_two_outputs_on_standard_output_are_refused(path: str, target: str) -> None:
    """'risk ... --plot -' (or '--plot /dev/stdout') without -o wrote the PNG and the table into one stream: the
    table was unreadable and the image corrupt. Now refused before any work; either alone is still written."""
    args, option = SECOND_OUTPUT[path]
    done = _run([*path.split(), *args, option, target])
    _clean_error(done, "standard output", "mixed")
    assert done.stdout == b""
    alone = _run([*path.split(), *args, option, target, "-o", os.devnull])
    assert alone.returncode == 0, alone.stderr.decode()
    assert alone.stdout.startswith(b"\x89PNG"), alone.stdout[:20]


def test_two_inputs_on_standard_input_are_refused() -> None:
    done = _run(["interpret", "-", "--str", "-"], stdin=gzip.decompress(VCF.read_bytes()))
    _clean_error(done, "standard input", "VCF", "--str")


def test_the_str_file_of_interpret_is_read_from_standard_input() -> None:
    """'interpret VCF --str -' said '-: file not found' (docs/CLI.md: '-' reads standard input wherever a stream
    can be read); the repeat calls now come from the stream, named '-' in the output, as they are from the file."""
    named = _run(["interpret", VCF, "--str", STR_VCF, "--str-sample", "ADM1059A2", "--format", "json"])
    piped = _run(["interpret", VCF, "--str", "-", "--str-sample", "ADM1059A2", "--format", "json"],
                 stdin=STR_VCF.read_bytes())
    assert named.returncode == 0 == piped.returncode, piped.stderr.decode()
    assert b"charcot-stdin-" not in piped.stdout
    assert b'"path":"-"' in piped.stdout
    assert piped.stdout.replace(b'"path":"-"', b'"path":"' + str(STR_VCF).encode() + b'"') == named.stdout


# --- output folders --------------------------------------------------------------------------------------------------

OUTDIR_COMMANDS = {
    "report": ["--vcf", VCF, "--no-pdf"],
    "demo": ["--no-pdf"],
    "cohort burden": [COHORT, "--phenotypes", PHENO, "--no-plots", "--workers", "1"],
    "clinical": [CASE],
    "resources build": ["--build", "GRCh38", "--revel", REVEL],
}


def test_the_outdir_table_covers_every_command_with_an_outdir() -> None:
    assert {path for path, command in _walk() if "--outdir" in _opts(command)} == set(OUTDIR_COMMANDS)


@pytest.mark.parametrize("path", sorted(OUTDIR_COMMANDS))
def test_outdir_below_a_missing_folder_is_refused_before_any_work(path: str, tmp_path: Path) -> None:
    """'resources build --outdir a/b/bundle' created a/ and a/b/ (every other command refuses: charcot creates only
    its output folder), checked its folder only after cutting every resource, and named the folder '-o'."""
    done = _run([*path.split(), *OUTDIR_COMMANDS[path], "--outdir", tmp_path / "a" / "b" / "out"])
    err = _clean_error(done, "--outdir", "does not exist", "mkdir -p")
    assert "-o " not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", sorted(OUTDIR_COMMANDS))
def test_outdir_standard_output_or_a_device_is_refused(path: str, tmp_path: Path) -> None:
    """The folder is named as the user gave it, never as the /proc link behind /dev/stdout."""
    for target in ("-", "/dev/stdout", tmp_path / "null"):
        if str(target).endswith("null"):
            if IS_ROOT:
                os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            else:
                os.mkfifo(target)
        done = _run([*path.split(), *OUTDIR_COMMANDS[path], "--outdir", target])
        err = _clean_error(done, f"--outdir {target}")
        assert "/proc/" not in err, err


def test_a_bundle_folder_holding_other_files_is_refused_before_any_work(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    done = _run(["resources", "build", "--build", "GRCh38", "--revel", REVEL, "--outdir", folder])
    _clean_error(done, "notes.txt", "holds files")
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"] and (folder / "notes.txt").read_text() == "mine"


def test_a_link_to_a_folder_not_made_yet_is_followed(tmp_path: Path) -> None:
    """'clinical --outdir LINK' and 'users add --data-dir LINK', LINK a symbolic link to a folder that does not exist
    yet, were internal errors (FileExistsError: mkdir on the link). The folder it points to is made, the link kept,
    as for a single-file output through a link."""
    plots = tmp_path / "plots"
    plots.symlink_to(tmp_path / "plots-of-today")
    done = _run(["clinical", CASE, "--outdir", plots, "-o", os.devnull])
    assert done.returncode == 0, done.stderr.decode()
    assert plots.is_symlink() and (tmp_path / "plots-of-today" / "alsfrs_trajectory.png").is_file()
    data = tmp_path / "data"
    data.symlink_to(tmp_path / "web-data")
    env_password = {"CHARCOT_TEST_PASSWORD": "a-long-enough-password-1234"}
    os.environ.update(env_password)
    try:
        done = _run(["users", "add", "ada", "--role", "admin", "--password-env", "CHARCOT_TEST_PASSWORD",
                     "--data-dir", data])
    finally:
        os.environ.pop("CHARCOT_TEST_PASSWORD")
    assert done.returncode == 0, done.stderr.decode()
    assert data.is_symlink() and (tmp_path / "web-data" / "charcot.sqlite3").is_file()


def _full_device(tmp_path: Path) -> Path:
    if IS_ROOT:
        full = tmp_path / "full"
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        return full
    return Path("/dev/full")


def test_a_folder_made_for_outputs_that_are_not_written_is_removed(tmp_path: Path) -> None:
    """'clinical --outdir new -o FULL': the plots were held back when -o failed, but the new empty folder stayed, and
    stderr said 'plot alsfrs_trajectory: new/alsfrs_trajectory.png' for a plot never written."""
    full = _full_device(tmp_path)
    new = tmp_path / "new" / "plots"
    (tmp_path / "new").mkdir()
    done = _run(["clinical", CASE, "--outdir", new, "-o", full])
    err = _clean_error(done, "no space left")
    assert "plot alsfrs_trajectory" not in err
    assert list((tmp_path / "new").iterdir()) == []
    done = _run(["clinical", CASE, "--outdir", new, "-o", os.devnull])
    assert done.returncode == 0 and "plot alsfrs_trajectory" in done.stderr.decode()
    assert (new / "alsfrs_trajectory.png").is_file()


# --- inputs read from a pipe, a FIFO or process substitution ---------------------------------------------------------

PIPED_TEXT_INPUTS = {
    "risk PEDIGREE": (lambda f: ["risk", f, "--gene", "SOD1"], PED),
    "segregation --ped": (lambda f: ["segregation", TRIO_VCF, "--ped", f], TRIO_PED),
    "risk --ages": (lambda f: ["risk", PED, "--gene", "SOD1", "--ages", f], DATA / "family" / "ages.tsv"),
    "clinical CASE": (lambda f: ["clinical", f], CASE),
    "therapies CASE": (lambda f: ["therapies", f], FACTS),
    "claim check CLAIM": (lambda f: ["claim", "check", f], CLAIM),
}


def _feed(fifo: Path, data: bytes) -> None:
    try:
        with open(fifo, "wb") as handle:
            handle.write(data)
    except OSError:
        pass


@pytest.mark.parametrize("name", sorted(PIPED_TEXT_INPUTS))
def test_a_fifo_input_is_read_once(name: str, tmp_path: Path) -> None:
    """A PED given as a FIFO (or '<(...)') was opened twice, to tell PED from Phenopacket JSON and then to read it:
    with process substitution the second read found nothing ('the pedigree has no individuals'), with a FIFO the
    run waited for ever. Every text input from a pipe is now read once and gives the named file's result."""
    build, source = PIPED_TEXT_INPUTS[name]
    named = _run(build(source))
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=_feed, args=(fifo, source.read_bytes()), daemon=True)
    writer.start()
    try:
        piped = _run(build(fifo), timeout=60)
    finally:
        if writer.is_alive():  # unblock the writer if charcot never opened the FIFO
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.close(fd)
        writer.join(10)
    assert named.returncode == 0, named.stderr.decode()
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stdout.replace(str(fifo).encode(), str(source).encode()) == named.stdout


def test_process_substitution_pedigree() -> None:
    done = _charcot(f"charcot risk <(cat {PED}) --gene SOD1")
    assert done.returncode == 0, done.stderr.decode()
    assert b"P(carrier)" in done.stdout


# --- inputs that are missing, folders, unreadable --------------------------------------------------------------------

# one line per path input of every command: how to run it with FILE in that place
INPUTS: dict[str, Any] = {
    "interpret VCF": lambda f: ["interpret", f],
    "interpret --clinvar": lambda f: ["interpret", VCF, "--clinvar", f],
    "interpret --gnomad": lambda f: ["interpret", VCF, "--gnomad", f],
    "interpret --gnomad-coverage": lambda f: ["interpret", VCF, "--gnomad-coverage", f],
    "interpret --local-frequencies": lambda f: ["interpret", VCF, "--local-frequencies", f],
    "interpret --reference": lambda f: ["interpret", VCF, "--reference", f],
    "interpret --str": lambda f: ["interpret", VCF, "--str", f],
    "interpret --bed": lambda f: ["interpret", VCF, "--build", "GRCh38", "--bed", f],
    "repeats STR": lambda f: ["repeats", f],
    "risk PEDIGREE": lambda f: ["risk", f, "--gene", "SOD1"],
    "risk --ages": lambda f: ["risk", PED, "--gene", "SOD1", "--ages", f],
    "segregation VCF": lambda f: ["segregation", f, "--ped", TRIO_PED],
    "segregation --ped": lambda f: ["segregation", TRIO_VCF, "--ped", f],
    "segregation --sample-map-file": lambda f: ["segregation", TRIO_VCF, "--ped", TRIO_PED, "--sample-map-file", f],
    "clinical CASE": lambda f: ["clinical", f],
    "therapies CASE": lambda f: ["therapies", f],
    "claim check CLAIM": lambda f: ["claim", "check", f],
    "report --vcf": lambda f: ["report", "--vcf", f, "--no-pdf", "--outdir", "{out}"],
    "report --clinical": lambda f: ["report", "--vcf", VCF, "--clinical", f, "--no-pdf", "--outdir", "{out}"],
    "cohort burden VCF": lambda f: ["cohort", "burden", f, "--phenotypes", PHENO, "--outdir", "{out}"],
    "cohort burden --phenotypes": lambda f: ["cohort", "burden", COHORT, "--phenotypes", f, "--outdir", "{out}"],
    "cohort burden --alphamissense": lambda f: ["cohort", "burden", COHORT, "--phenotypes", PHENO, "--alphamissense",
                                                f, "--outdir", "{out}"],
    "epi expected POPULATION": lambda f: ["epi", "expected", f],
    "resources build --revel": lambda f: ["resources", "build", "--build", "GRCh38", "--revel", f, "--outdir", "{out}"],
    "resources build --clinvar": lambda f: ["resources", "build", "--build", "GRCh38", "--clinvar", f,
                                            "--outdir", "{out}"],
    "export fhir REPORT": lambda f: ["export", "fhir", f],
}
FOLDER_INPUTS = {
    "resources info BUNDLE": lambda f: ["resources", "info", f],
    "export clinvar REPORT": lambda f: ["export", "clinvar", f],
    "reanalyse CASES": lambda f: ["reanalyse", f],
    "interpret --resources": lambda f: ["interpret", VCF, "--resources", f],
}


def _args(build: Any, value: Path, out: Path) -> list[str]:
    return [str(out) if a == "{out}" else str(a) for a in build(value)]


def _unreadable_prefix() -> list[str]:
    """Run without the capabilities that let root read anything (a file's mode then counts, as for any user)."""
    if not IS_ROOT:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "util-linux setpriv is needed to test unreadable files as root"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_a_missing_input_is_one_error_with_a_hint(name: str, tmp_path: Path) -> None:
    """Several readers said '/x: file not found' with no hint (the contract: an error line and a hint)."""
    done = _run(_args(INPUTS[name], tmp_path / "absent.file", tmp_path / "out"))
    _clean_error(done, "not found", "absent.file")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_a_folder_given_for_a_file_is_one_error(name: str, tmp_path: Path) -> None:
    """'interpret --clinvar FOLDER' was an internal error (IsADirectoryError); other readers had no hint."""
    folder = tmp_path / "calls"
    folder.mkdir()
    done = _run(_args(INPUTS[name], folder, tmp_path / "out"))
    _clean_error(done, "folder")
    assert [p.name for p in tmp_path.iterdir()] == ["calls"]


@pytest.mark.parametrize("name", sorted({**INPUTS, **FOLDER_INPUTS}))
@pytest.mark.parametrize("how", ["file-mode-000", "folder-not-searchable"])
def test_an_unreadable_input_is_one_error(name: str, how: str, tmp_path: Path) -> None:
    """An input charcot may not read (mode 000, or inside a folder it may not enter) was an internal error
    (PermissionError) in interpret, segregation and repeats; now one message for every input."""
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "input.file"
    target.write_text("x\n")
    locked = target if how == "file-mode-000" else folder
    locked.chmod(0o000)
    try:
        done = _run(_args({**INPUTS, **FOLDER_INPUTS}[name], target, tmp_path / "out"), prefix=_unreadable_prefix())
    finally:
        locked.chmod(0o700)
    _clean_error(done, "permission denied")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked"]


# --- what a text input holds -----------------------------------------------------------------------------------------

def _bam(path: Path) -> Path:
    import pysam

    header = {"HD": {"VN": "1.6"}, "SQ": [{"LN": 1000, "SN": "chr21"}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        read = pysam.AlignedSegment()
        read.query_name, read.query_sequence, read.flag = "r1", "ACGT" * 5, 0
        read.reference_id, read.reference_start, read.mapping_quality = 0, 10, 20
        read.cigartuples = [(0, 20)]
        read.query_qualities = pysam.qualitystring_to_array("I" * 20)
        out.write(read)
    return path


TEXT_INPUTS = {
    "risk PEDIGREE": lambda f: ["risk", f, "--gene", "SOD1"],
    "segregation --ped": lambda f: ["segregation", TRIO_VCF, "--ped", f],
    "clinical CASE": lambda f: ["clinical", f],
    "therapies CASE": lambda f: ["therapies", f],
    "claim check CLAIM": lambda f: ["claim", "check", f],
    "epi expected POPULATION": lambda f: ["epi", "expected", f],
}


@pytest.mark.parametrize("kind", ["VCF", "BAM", "PNG image"])
@pytest.mark.parametrize("name", sorted(TEXT_INPUTS))
def test_a_file_of_another_kind_is_named(name: str, kind: str, tmp_path: Path) -> None:
    """A plain VCF given as the pedigree said "sex code 'G' of 31660688 is not a PED code", as a case "expected a
    mapping at the top level" (no hint); a BAM said 'gzip-compressed: gunzip it'. Each is now named."""
    if kind == "VCF":
        given = tmp_path / "calls.vcf"
        given.write_bytes(gzip.decompress(VCF.read_bytes()))
    elif kind == "BAM":
        given = _bam(tmp_path / "reads.bam")
    else:
        given = tmp_path / "plot.png"
        given.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    done = _run(TEXT_INPUTS[name](given))
    err = _clean_error(done, f"this is a {kind} file")
    assert "gunzip" not in err


@pytest.mark.parametrize("name", ["clinical CASE", "therapies CASE", "claim check CLAIM"])
def test_an_empty_record_has_a_hint(name: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    _clean_error(_run(TEXT_INPUTS[name](empty)), "empty")


def test_report_reads_a_plain_gzip_vcf_as_interpret_does(tmp_path: Path) -> None:
    """'report --vcf calls.vcf.gz' with gzip (not BGZF) compression was an internal error (pysam:
    NotImplementedError, seek); 'interpret' reads such a file. The report's genetics are those of the BGZF file."""
    import json

    plain = tmp_path / "calls.vcf.gz"
    plain.write_bytes(gzip.compress(gzip.decompress(VCF.read_bytes())))
    done = _run(["report", "--vcf", plain, "--no-pdf", "-q", "--outdir", tmp_path / "plain"])
    assert done.returncode == 0, done.stderr.decode()
    again = _run(["report", "--vcf", VCF, "--no-pdf", "-q", "--outdir", tmp_path / "bgzf"])
    assert again.returncode == 0, again.stderr.decode()
    ours, theirs = (json.loads((tmp_path / d / "report.json").read_text()) for d in ("plain", "bgzf"))
    assert ours["genetics"] == theirs["genetics"] and ours["genetics"]["records_read"] > 0


# --- every bad-input error has a hint ------------------------------------------------------------------------------

NO_HINT_BEFORE = {
    "epi sir": ["epi", "sir", "--observed", "3", "--expected", "-1"],
    "epi prevalence": ["epi", "prevalence", "--incidence", "2", "--duration", "-1"],
    "risk --draw": ["risk", PED, "--gene", "SOD1", "--draw", "family.txt"],
    "risk --plot": ["risk", PED, "--gene", "SOD1", "--plot", "risk.png"],
    "interpret --bed": ["interpret", VCF, "--build", "GRCh38", "--bed", "empty.bed"],
    "cohort burden --phenotypes": ["cohort", "burden", COHORT, "--phenotypes", "empty.tsv", "--outdir", "out"],
}


@pytest.mark.parametrize("name", sorted(NO_HINT_BEFORE))
def test_every_bad_input_error_has_a_hint(name: str, tmp_path: Path) -> None:
    """docs/CLI.md: an error line and a hint line. About 80 places raised an error without a hint (a static count of
    the sources); these are some that a user reaches. An error raised without one now gets the command's --help as
    its hint (``cli_contract.run_app``), and the ones above have their own."""
    (tmp_path / "empty.bed").write_text("")
    (tmp_path / "empty.tsv").write_text("")
    done = _run(NO_HINT_BEFORE[name], cwd=tmp_path)
    _clean_error(done)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.bed", "empty.tsv"]


# --- the configuration file (--config, every command) ----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["utf16", "unreadable", "folder", "stdin"])
def test_a_configuration_file_charcot_cannot_read_is_one_error(kind: str, tmp_path: Path) -> None:
    """--config given a UTF-16 file or one charcot may not read was an internal error (UnicodeDecodeError,
    PermissionError) in every command; a folder or '-' said 'configuration file not found'."""
    config = tmp_path / "charcot.toml"
    prefix: list[str] = []
    if kind == "utf16":
        config.write_bytes('jurisdiction = "EU"\n'.encode("utf-16"))
    elif kind == "unreadable":
        config.write_text('jurisdiction = "EU"\n')
        config.chmod(0o000)
        prefix = _unreadable_prefix()
    elif kind == "folder":
        config.mkdir()
    given = "-" if kind == "stdin" else config
    done = _run(["config", "show", "--config", given], prefix=prefix)
    if config.exists():
        config.chmod(0o700)
    err = _clean_error(done)
    assert "not found" not in err, err
    assert {"utf16": "UTF-16", "unreadable": "permission denied", "folder": "folder", "stdin": "standard input"}[
        kind] in err


def test_a_configuration_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """A charcot.toml saved by Notepad (UTF-8 with a BOM) was 'not valid TOML: Invalid statement'; every other
    text input of charcot drops the BOM."""
    config = tmp_path / "charcot.toml"
    config.write_bytes(b'\xef\xbb\xbfjurisdiction = "EU"\r\n')
    done = _run(["config", "show", "--config", config, "--format", "json"])
    assert done.returncode == 0, done.stderr.decode()
    assert b'"EU"' in done.stdout


def test_snapshot_save_never_says_it_saved_an_archive_it_could_not_write(tmp_path: Path) -> None:
    """'knowledge snapshot save FULL' printed 'saved knowledge ... to FULL' and then the write error."""
    done = _run(["knowledge", "snapshot", "save", _full_device(tmp_path)])
    err = _clean_error(done, "no space left")
    assert "saved knowledge" not in err


# --- a cut compressed source, and text options that name a file ----------------------------------------------------

SCORES = DATA / "variants" / "resources" / "scores"


@pytest.mark.parametrize(("option", "source"), [("--revel", SCORES / "revel-v1.3.head.csv"),
                                                 ("--alphamissense", SCORES / "AlphaMissense_hg38.head.tsv"),
                                                 ("--cadd", SCORES / "cadd-v1.3-1000G_phase3.head.tsv")])
def test_a_cut_gzip_source_of_a_bundle_is_named(option: str, source: Path, tmp_path: Path) -> None:
    """'resources build --revel revel.csv.gz' with the download cut short said 'charcot: interrupted' and exited 130:
    Python's EOFError (a gzip stream that ends too early) escaped, and the command line takes an EOFError for Ctrl-D.
    Now the file is named, exit 2, and no bundle folder is made."""
    cut = tmp_path / f"{source.name}.gz"
    whole = gzip.compress(source.read_bytes())
    cut.write_bytes(whole[: len(whole) // 2])
    done = _run(["resources", "build", "--build", "GRCh38", option, cut, "--outdir", tmp_path / "bundle"])
    err = _clean_error(done, "truncated", cut.name)
    assert "interrupted" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [cut.name]


def test_an_eof_error_escaping_a_command_is_not_an_interruption() -> None:
    """The command line's net under every command: an EOFError that escapes (a reader that does not catch a cut
    stream) is a bad input (exit 2), not 'interrupted' (130). Shown with a real typer command that lets one out."""
    import typer

    from charcot.cli_contract import run_app

    app = typer.Typer()

    @app.command()
    def cut() -> None:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    assert run_app(app, []) == 2


TEXT_FILE_OPTIONS = {
    "knowledge diff OLD": lambda f, tmp: ["knowledge", "diff", f],
    "knowledge snapshot info SNAPSHOT": lambda f, tmp: ["knowledge", "snapshot", "info", f],
    "epi expected --rates": lambda f, tmp: ["epi", "expected", tmp / "population.tsv", "--rates", f],
}


@pytest.mark.parametrize("name", sorted(TEXT_FILE_OPTIONS))
def test_a_text_option_naming_an_unreadable_file_is_one_error(name: str, tmp_path: Path) -> None:
    """Options that take a file or a name ('--rates FILE|ID', a snapshot archive or a version) checked the file with
    Path.exists(), which raises PermissionError in a folder charcot may not enter: an internal error."""
    (tmp_path / "population.tsv").write_text("age_band\tsex\tpersons\n60-69\tall\t100000\n")
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "given.tar.gz"
    target.write_text("x\n")
    folder.chmod(0o000)
    try:
        done = _run(TEXT_FILE_OPTIONS[name](target, tmp_path), prefix=_unreadable_prefix())
    finally:
        folder.chmod(0o700)
    _clean_error(done, "permission denied")


# --- inputs read more than once, given as a FIFO --------------------------------------------------------------------

READ_TWICE = {
    "cohort burden VCF": (lambda f, tmp: ["cohort", "burden", f, "--phenotypes", PHENO, "--outdir", tmp / "out"],
                          COHORT),
    "cohort burden --alphamissense": (lambda f, tmp: ["cohort", "burden", COHORT, "--phenotypes", PHENO,
                                                      "--alphamissense", f, "--outdir", tmp / "out"],
                                      SCORES / "AlphaMissense_hg38.head.tsv"),
    "cohort burden --str": (lambda f, tmp: ["cohort", "burden", COHORT, "--phenotypes", PHENO, "--str", f,
                                            "--outdir", tmp / "out"], DATA / "population" / "ceu_ex.gangstr.first15.vcf.gz"),
    "interpret --gnomad-coverage": (lambda f, tmp: ["interpret", VCF, "--gnomad-coverage", f],
                                    DATA / "variants" / "resources" / "gnomad.genomes.coverage.summary.chr1-subset.tsv.bgz"),
    "resources build --revel": (lambda f, tmp: ["resources", "build", "--build", "GRCh38", "--revel", f,
                                                "--outdir", tmp / "out"], REVEL),
}


@pytest.mark.parametrize("name", sorted(READ_TWICE))
def test_a_fifo_where_a_file_is_read_twice_is_refused(name: str, tmp_path: Path) -> None:
    """These readers open their file more than once (columns then rows, header then records, once per worker): from
    a FIFO or '<(...)' the second open waited for ever ('--alphamissense', '--gnomad-coverage', 'resources build'),
    or found nothing ('cohort burden VCF': 'the file is empty'; '--str': 'not a VCF'). Now refused in words."""
    build, source = READ_TWICE[name]
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    writer = threading.Thread(target=_feed, args=(fifo, source.read_bytes()), daemon=True)
    writer.start()
    try:
        done = _run(build(fifo, tmp_path), timeout=60)
    finally:
        if writer.is_alive():
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.close(fd)
        writer.join(10)
    _clean_error(done, "regular file", "save the stream to a file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stream"]


NAMED_FILE_ONLY = {
    "interpret --clinvar": ["interpret", VCF, "--clinvar", "-"],
    "interpret --gnomad": ["interpret", VCF, "--gnomad", "-"],
    "interpret --gnomad-coverage": ["interpret", VCF, "--gnomad-coverage", "-"],
    "interpret --reference": ["interpret", VCF, "--reference", "-"],
    "cohort burden VCF": ["cohort", "burden", "-", "--phenotypes", PHENO, "--outdir", "{out}"],
    "cohort burden --alphamissense": ["cohort", "burden", COHORT, "--phenotypes", PHENO, "--alphamissense", "-",
                                      "--outdir", "{out}"],
}


@pytest.mark.parametrize("name", sorted(NAMED_FILE_ONLY))
def test_standard_input_for_a_named_file_is_said_so(name: str, tmp_path: Path) -> None:
    """'--clinvar -' said '-: ClinVar file not found', as if a file called '-' were missing: an indexed resource (or a
    cohort read by several processes) cannot come from standard input, and the message now says so."""
    args = [str(tmp_path / "out") if a == "{out}" else a for a in NAMED_FILE_ONLY[name]]
    done = _run(args, stdin=b"")
    err = _clean_error(done, "standard input")
    assert "not found" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_plain_gzip_vcf_source_of_a_bundle_is_named(tmp_path: Path) -> None:
    """'resources build --spliceai spliceai.vcf.gz' compressed with gzip (not bgzip) was an internal error (pysam:
    NotImplementedError, seek)."""
    plain = tmp_path / "spliceai.vcf.gz"
    plain.write_bytes(gzip.compress((SCORES / "spliceai-examples-output.vcf").read_bytes()))
    done = _run(["resources", "build", "--build", "GRCh38", "--spliceai", plain, "--outdir", tmp_path / "bundle"])
    _clean_error(done, "not BGZF", "bgzip")
    assert [p.name for p in tmp_path.iterdir()] == ["spliceai.vcf.gz"]


def test_a_configuration_from_process_substitution_is_read() -> None:
    """'--config <(...)': every command reads its configuration twice (the command line, then the command): the
    second read of the pipe waited for ever. A pipe is now read once and kept."""
    done = _charcot("charcot config show --format json --config <(printf 'jurisdiction = \"EU\"\\n')")
    assert done.returncode == 0, done.stderr.decode()
    assert b'"EU"' in done.stdout


@pytest.mark.parametrize("given", ["a-file.png", "an-empty-folder"])
def test_knowledge_validate_with_a_shared_folder_it_cannot_use_is_an_error(given: str, tmp_path: Path) -> None:
    """'knowledge validate --shared plot.png' (or an empty folder) printed 'note: re-derivation not possible
    (plot.png not found)' and then 'knowledge base OK', exit 0: the check asked for by name was silently skipped."""
    target = tmp_path / given
    if given.endswith(".png"):
        target.write_bytes(b"\x89PNG\r\n\x1a\n")
    else:
        target.mkdir()
    done = _run(["knowledge", "validate", "--shared", target])
    err = _clean_error(done, "--shared", "cannot be re-derived")
    assert b"knowledge base OK" not in done.stdout, err


def test_knowledge_validate_with_a_shared_folder_it_may_not_enter_is_an_error(tmp_path: Path) -> None:
    """'knowledge validate --shared DIR' whose genes/ folder charcot may not enter: 'internal error (a bug in
    charcot): PermissionError' from the check that the folder holds genes/hgnc/."""
    (tmp_path / "shared" / "genes" / "hgnc").mkdir(parents=True)
    (tmp_path / "shared" / "genes").chmod(0)
    try:
        done = _run(["knowledge", "validate", "--shared", tmp_path / "shared"], prefix=_unreadable_prefix())
    finally:
        (tmp_path / "shared" / "genes").chmod(0o755)
    _clean_error(done, "--shared", "permission denied")
