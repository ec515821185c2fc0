"""charcot.toml: user file, --config, CHARCOT_* overrides, 'config show', and a value reaching a command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for name in ("CHARCOT_CONFIG", "CHARCOT_RESOURCE_BUNDLE", "CHARCOT_JURISDICTION", "CHARCOT_LABORATORY",
                 "CHARCOT_SIGNATORY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _show(run_cli, *args: str) -> dict[str, dict[str, str | None]]:  # type: ignore[no-untyped-def]
    res = run_cli("config", "show", "--format", "json", *args)
    assert res.code == 0, res.stderr
    return json.loads(res.stdout)["settings"]  # type: ignore[no-any-return]


def test_precedence_and_sources(run_cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert _show(run_cli)["jurisdiction"] == {"value": None, "source": "default (not set)"}
    user = home / "xdg" / "charcot" / "charcot.toml"
    user.parent.mkdir(parents=True)
    user.write_text('jurisdiction = "EU"\nlaboratory = "Lab A"\nresource_bundle = "bundle"\n')
    settings = _show(run_cli)
    assert settings["jurisdiction"] == {"value": "EU", "source": str(user)}
    assert settings["resource_bundle"]["value"] == str(user.parent / "bundle")  # relative to the file
    explicit = home / "run.toml"
    explicit.write_text('laboratory = "Lab B"\n')
    settings = _show(run_cli, "--config", str(explicit))
    assert settings["laboratory"] == {"value": "Lab B", "source": str(explicit)}
    assert settings["jurisdiction"]["value"] == "EU"
    monkeypatch.setenv("CHARCOT_LABORATORY", "Lab C")
    settings = _show(run_cli, "--config", str(explicit))
    assert settings["laboratory"] == {"value": "Lab C", "source": "environment CHARCOT_LABORATORY"}
    # the root option works too, and the table names each source
    table = run_cli("--config", str(explicit), "config", "show")
    assert table.code == 0 and "[environment CHARCOT_LABORATORY]" in table.stdout and str(user) in table.stdout


def test_a_configured_jurisdiction_reaches_therapies(run_cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    config = home / "lab.toml"
    config.write_text('jurisdiction = "US"\n')
    case = DATA / "therapy" / "sod1_patient.yaml"
    res = run_cli("therapies", case, "--format", "json", "--config", config)
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["region"] == "US"
    own = run_cli("therapies", case, "--format", "json", "--config", config, "--jurisdiction", "EU")
    assert json.loads(own.stdout)["region"] == "EU"  # the command's own option wins


@pytest.mark.parametrize(("text", "message"), [
    ('jurisdiction = "EU"\ncolour = "blue"\n', "unknown setting 'colour'"),
    ("jurisdiction = EU\n", "not valid TOML"),
    ("laboratory = 3\n", "must be a quoted string"),
])
def test_bad_configuration_is_a_clear_error(run_cli, home: Path, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = home / "bad.toml"
    bad.write_text(text)
    res = run_cli("config", "show", "--config", bad)
    assert res.code == 2 and message in res.stderr and str(bad) in res.stderr and "Traceback" not in res.stderr
    missing = run_cli("config", "show", "--config", home / "absent.toml")
    assert missing.code == 2 and "configuration file not found" in missing.stderr


def test_shell_completion_lists_commands_and_options(home: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
           "_CHARCOT_COMPLETE": "complete_bash", "COMP_WORDS": "charcot inter", "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'charcot'; "
                           "from charcot.cli import run; run()"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert "interpret" in done.stdout, done.stderr
    env.update(COMP_WORDS="charcot interpret --pan", COMP_CWORD="2")
    done = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'charcot'; "
                           "from charcot.cli import run; run()"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert "--panel" in done.stdout, done.stderr


def test_a_configured_resource_bundle_reaches_interpret(run_cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    config = home / "lab.toml"
    config.write_text('resource_bundle = "no-such-bundle"\n')
    vcf = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
    res = run_cli("interpret", vcf, "--config", config)
    assert res.code == 2 and "no-such-bundle" in res.stderr  # the configured bundle is used (and checked)
    assert run_cli("interpret", vcf).code == 0  # without the configuration, no bundle


def test_the_configured_signatory_signs_a_final_report(run_cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    config = home / "lab.toml"
    config.write_text('signatory = "Dr A. Example"\nlaboratory = "Example Genomics Laboratory"\n')
    vcf = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
    final = run_cli("report", "--vcf", vcf, "--no-pdf", "--sign-off", "final", "--outdir", home / "final",
                    "--config", config, "-q")
    assert final.code == 0, final.stderr
    stored = json.loads((home / "final" / "report.json").read_text())
    assert stored["signoff"]["reviewer"] == "Dr A. Example"
    assert stored["header"]["laboratory"] == "Example Genomics Laboratory"
    assert 'id="laboratory">Example Genomics Laboratory<' in (home / "final" / "report.html").read_text()
    draft = run_cli("report", "--vcf", vcf, "--no-pdf", "--outdir", home / "draft", "--config", config, "-q")
    assert draft.code == 0 and "Dr A. Example" not in (home / "draft" / "report.json").read_text()
