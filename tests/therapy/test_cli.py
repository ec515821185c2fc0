"""The commands through the real entry point, and the knowledge sub-commands on a typer app."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charcot.errors import InputError
from charcot.therapy.api import load_claim, load_facts
from charcot.therapy.cli import register_knowledge

DATA = Path(__file__).resolve().parents[1] / "data" / "therapy"


def test_therapies_table(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("therapies", DATA / "sod1_patient.yaml")
    assert r.code == 0, r.stderr
    assert "Tofersen (Qalsody) -> ELIGIBLE" in r.stdout and "[tofersen]" not in r.stdout  # no internal ids
    assert "check clinicaltrials.gov" in r.stdout
    assert "[unverified]" in r.stdout


def test_therapies_json_region_override(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("therapies", DATA / "no_finding_eu.yaml", "--jurisdiction", "US", "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["region"] == "US"
    verdicts = {t["id"]: t["verdict"] for t in data["therapies"]}
    assert verdicts["edaravone_iv"] == "eligible" and verdicts["amx0035"] == "not_eligible"


def test_a_jurisdiction_given_over_the_patients_country_is_said(run_cli) -> None:  # type: ignore[no-untyped-def]
    # proband review: --jurisdiction (or the configuration's default) over a country of another jurisdiction was used
    # silently; it is still used (where the clinic prescribes), and the output says which and how to match the other
    r = run_cli("therapies", DATA / "no_finding_eu.yaml", "--jurisdiction", "US", "--format", "json")
    data = json.loads(r.stdout)
    assert data["region"] == "US" and "country FR is in EU" in data["jurisdiction_differs"]
    assert "--jurisdiction EU" in data["jurisdiction_differs"]
    table = run_cli("therapies", DATA / "no_finding_eu.yaml", "--jurisdiction", "US")
    assert data["jurisdiction_differs"] in table.stdout
    same = run_cli("therapies", DATA / "no_finding_eu.yaml", "--jurisdiction", "EU", "--format", "json")
    assert json.loads(same.stdout)["jurisdiction_differs"] is None


def test_therapies_bad_input_exit_2_no_traceback(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("therapies", DATA / "bad_case.yaml")
    assert r.code == 2 and "Traceback" not in r.stderr and "charcot: error" in r.stderr
    out = tmp_path / "o.txt"
    r = run_cli("therapies", DATA / "sod1_patient.yaml", "--as-of", "yesterday", "--output", out)
    assert r.code == 2 and not out.exists()


def test_claim_check_with_plot(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plot = tmp_path / "nh.png"
    r = run_cli("claim", "check", DATA / "claim_gencell_stem_cell.yaml", "--seed", "3", "--plot", plot)
    assert r.code == 0, r.stderr
    assert "AAN class IV" in r.stdout and "no control group" in r.stdout and "NurOwn" in r.stdout
    assert plot.read_bytes()[:4] == b"\x89PNG"
    again = run_cli("claim", "check", DATA / "claim_gencell_stem_cell.yaml", "--seed", "3")
    assert again.stdout == r.stdout  # seeded: identical report


def test_claim_check_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claim", "check", DATA / "claim_class1_rct.yaml", "--format", "json")
    data = json.loads(r.stdout)
    assert data["aan_class"] == "I" and data["red_flags"] == []
    assert 0 < data["natural_history"]["share_no_decline"] < 1


def test_claim_check_bad_file(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claim", "check", DATA / "bad_claim.yaml")
    assert r.code == 2 and "Traceback" not in r.stderr


def test_knowledge_subcommands() -> None:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """root"""

    register_knowledge(app)
    runner = CliRunner()
    r = runner.invoke(app, ["therapies", "--gene", "SOD1", "--jurisdiction", "EU"])
    assert r.exit_code == 0 and "tofersen" in r.stdout and "biib078" not in r.stdout
    r = runner.invoke(app, ["trials", "--gene", "C9orf72", "--status", "discontinued"])
    # the BIIB078 phase 1 study itself is "completed" in the registry (the programme was discontinued after it)
    assert r.exit_code == 0 and "NCT04931862" in r.stdout and "NCT03626012" not in r.stdout
    assert "NCT04288856" not in r.stdout
    r = runner.invoke(app, ["mechanisms", "--format", "json"])
    rows = {row["id"]: row for row in json.loads(r.stdout)}
    assert "tofersen" in rows["sod1_toxic_gain_of_function"]["therapies"]
    assert "SOD1" in rows["sod1_toxic_gain_of_function"]["genes"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_loaders_fuzz_only_input_errors(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("fz") / "x.yaml"
    path.write_text(text, encoding="utf-8")
    for loader in (load_facts, load_claim):
        with contextlib.suppress(InputError):
            loader(path)


def test_deceased_patient_gets_no_therapy_matching(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # A clinical record with a death date was matched as if alive (riluzole, trials, age counted past death).
    import json

    import yaml

    raw = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml").read_text())
    raw["death_date"] = "2025-12-01"
    raw["country"] = "DE"
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(raw))
    result = run_cli("therapies", case)
    assert result.code == 3, (result.stdout, result.stderr)
    assert "died on 2025-12-01" in result.stderr and "Riluzole" not in result.stdout
    out = tmp_path / "out"
    report = run_cli("report", "--clinical", case, "--no-pdf", "--outdir", out)
    assert report.code in (0, 3), report.stderr
    section = json.loads((out / "report.json").read_text())["therapies"]
    assert section["status"] == "not_assessed" and section["items"] == []
    assert "died on 2025-12-01" in section["notes"][0]


def test_therapy_facts_refuse_fvc_in_litres(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # issue 15 (round 2): fvc_percent 3.2 (litres) was read as 3.2 % and failed every FVC criterion
    facts = (DATA / "sod1_patient.yaml").read_text().replace("fvc_percent: 85", "fvc_percent: 3.2")
    path = tmp_path / "facts.yaml"
    path.write_text(facts)
    r = run_cli("therapies", path)
    assert r.code == 2 and "Traceback" not in r.stderr
    assert "looks like litres" in r.stderr and "fvc_percent_confirmed: true next to fvc_percent" in r.stderr
    path.write_text(facts.replace("fvc_percent: 3.2", "fvc_percent: 3.2\n  fvc_percent_confirmed: true"))
    assert run_cli("therapies", path).code == 0


def test_knowledge_listings_print_controlled_values_as_words(run_cli) -> None:  # type: ignore[no-untyped-def]
    """'class gene_targeted', 'EU: exceptional_circumstances', 'status active_not_recruiting' and 'mechanism:
    gain_of_function' were printed as stored; record ids (tofersen, sod1_toxic_gain_of_function) stay ids."""
    import re

    therapies = run_cli("knowledge", "therapies", "--gene", "SOD1")
    trials = run_cli("knowledge", "trials")
    gene = run_cli("knowledge", "gene", "TDP-43")
    assert therapies.code == trials.code == gene.code == 0
    assert "class gene targeted" in therapies.stdout and "exceptional circumstances 2024-05-31" in therapies.stdout
    assert "status active not recruiting" in trials.stdout and "mechanism: gain of function" in gene.stdout
    for line in therapies.stdout.splitlines():
        if not line.startswith(" "):
            continue  # "<id>: <name>"
        value = line.split("; mechanisms ")[0]
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", value), line
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", trials.stdout + gene.stdout)


def test_trial_status_filter_answers_in_words(run_cli) -> None:  # type: ignore[no-untyped-def]
    """The --status hint listed 'not_yet_recruiting, active_not_recruiting ...' and an empty match said 'status
    not_yet_recruiting': the stored values, not the words the listing prints and the filter accepts."""
    import re

    bad = run_cli("knowledge", "trials", "--status", "recruting")
    assert bad.code == 2 and "not yet recruiting" in bad.stderr and not re.search(r"\b[a-z]+_[a-z_]+\b", bad.stderr)
    none = run_cli("knowledge", "trials", "--status", "not yet recruiting")
    assert none.code == 0 and none.stdout.strip() == "no trial in the knowledge base matches status not yet recruiting"
