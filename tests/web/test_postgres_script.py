"""scripts/postgres-for-tests.sh: start prints a working URL, stop removes the cluster."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "postgres-for-tests.sh"


@pytest.mark.postgres
def test_start_and_stop_a_throwaway_cluster(tmp_path: Path) -> None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("Debian's postgresql package is not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser is needed to run PostgreSQL as the postgres user")
    env = {**os.environ, "CHARCOT_PG_STATE": str(tmp_path / "pg.state")}
    start = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, env=env, timeout=120)
    assert start.returncode == 0, start.stderr
    match = re.fullmatch(r"export CHARCOT_TEST_POSTGRES_URL=(postgresql\+psycopg2://charcot@127\.0\.0\.1:\d+/charcot_test)\n",
                         start.stdout)
    assert match, start.stdout
    state = dict(line.split("=", 1) for line in (tmp_path / "pg.state").read_text().splitlines())
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(match.group(1))
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1")).scalar() == 1
        engine.dispose()
    finally:
        stop = subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True, env=env, timeout=120)
    assert stop.returncode == 0, stop.stderr
    assert not Path(state["dir"]).exists()
    assert not (tmp_path / "pg.state").exists()
