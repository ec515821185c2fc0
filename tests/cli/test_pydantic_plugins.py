"""charcot's process loads no pydantic plugin (charcot.cli.no_pydantic_plugins): a plugin is called on every
validation, so an installed one (an observability SDK) would see the patient records charcot validates. The test
installs a real plugin package (a ``pydantic`` entry point in a dist-info folder) and checks that plain pydantic
loads it while ``charcot interpret`` does not, with the same findings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
VCF = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"

PLUGIN = '''
import os
from pathlib import Path


class _Spy:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        Path(os.environ["SPY_FILE"]).write_text("called")
        return None, None, None


Path(os.environ["SPY_FILE"]).write_text("loaded")
plugin = _Spy()
'''


def _plugin_dir(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    (site / "spy_plugin.py").write_text(PLUGIN)
    return site


def _env(site: Path, spy: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(site)]), "SPY_FILE": str(spy)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    return env


def test_plain_pydantic_loads_the_installed_plugin(tmp_path: Path) -> None:
    # the control: the plugin package is found and used when charcot's command line does not run
    site, spy = _plugin_dir(tmp_path), tmp_path / "spy.txt"
    code = "import pydantic\nclass M(pydantic.BaseModel):\n    x: int = 0\nM(x=1)\n"
    subprocess.run([sys.executable, "-c", code], env=_env(site, spy), check=True)
    assert spy.read_text() == "called"


def test_interpret_loads_no_pydantic_plugin(tmp_path: Path) -> None:
    site, spy = _plugin_dir(tmp_path), tmp_path / "spy.txt"
    with_plugin = tmp_path / "with.json"
    done = subprocess.run([sys.executable, "-m", "charcot.cli", "interpret", str(VCF), "-o", str(with_plugin)],
                          env=_env(site, spy), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not spy.exists()
    without = tmp_path / "without.json"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    subprocess.run([sys.executable, "-m", "charcot.cli", "interpret", str(VCF), "-o", str(without)], env=env,
                   check=True, capture_output=True)
    assert with_plugin.read_bytes() == without.read_bytes()
