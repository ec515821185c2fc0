"""Issue 14: the web app refuses to sign off a report whose identity checks failed (the demo's repeat file is
another person's: other sample name, haploid AR in a woman)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from charcot.web.app import Settings, create_app
from tests.web.conftest import demo_files, wait_done
from tests.web.test_security import BASE, add_users
from tests.web.test_workspace import SAME, _login, _review, _token


def test_identity_mismatch_blocks_sign_off(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_users(data, None, ("alice", "laboratory_scientist"), ("bob", "reviewer"))
    app = create_app(Settings(data_dir=data, database_url=None, pdf=False))
    with TestClient(app, base_url=BASE) as c:
        token = _login(c, "alice")
        files = demo_files()
        r = c.post("/api/cases", data={"csrf_token": _token(c), "proband": "NA12878", "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                   files={k: files[k] for k in ("vcf", "str_file", "clinical")}, headers=SAME)
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        assert wait_done(c, case_id)["status"] == "done"
        assert _review(c, case_id, token, action="submit", reviewer="bob").status_code == 303
        token = _login(c, "bob")
        r = _review(c, case_id, token, action="sign")
        assert r.status_code == 409 and "identity" in r.json()["detail"]
