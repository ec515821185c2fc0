"""The web case form's sample map (probeweb3, 2026-12-02): a family VCF whose samples are named otherwise than the
pedigree's IDs, as `charcot report --sample-map` takes it.

Before, the form had no such field: the real Scout trio (`tests/data/report/scout_643594_trio.vcf.gz`) with its sample
columns renamed as a laboratory's accession numbers (`tests.family.test_leftfam.renamed_trio`, pysam in a tmp dir;
every record and genotype the real one) beside its PED was refused ("the proband 'ADM1059A2' is not a sample of the
VCF"), with a hint naming command-line options the web form did not have. Real HTTP through the app (TestClient),
SQLite and PostgreSQL; a real build, a real re-analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.family.test_leftfam import LAB, PED, renamed_trio
from tests.web.conftest import wait_done
from tests.web.test_probeweb3_routes import serve_app
from tests.web.test_workspace import SAME, _login

MAP_TEXT = "\n".join(f"{iid}={sample}" for iid, sample in LAB.items())


@pytest.fixture(scope="module")
def lab_vcf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return renamed_trio(tmp_path_factory.mktemp("lab")).read_bytes()


def _files(lab_vcf: bytes, ped: bool = True) -> dict[str, tuple[str, bytes]]:
    files = {"vcf": ("lab_trio.vcf.gz", lab_vcf)}
    if ped:
        files["ped"] = ("family.ped", PED.read_bytes())
    return files


def _post(c: TestClient, token: str, files: dict[str, tuple[str, bytes]], **fields: str) -> Any:
    return c.post("/api/cases", data={"csrf_token": token, "patient": "P-MAP", "proband": "ADM1059A2", **fields},
                  files=files, headers=SAME)


@pytest.fixture
def served(tmp_path: Path, database_url: str | None) -> Any:
    with serve_app(tmp_path / "data", database_url, ("carol", "genetic_counsellor")) as (app, c):
        yield app, c, _login(c, "carol")


def test_a_family_vcf_named_otherwise_is_read_through_the_forms_sample_map(served: Any, lab_vcf: bytes) -> None:
    app, c, token = served
    store = app.state.store
    r = _post(c, token, _files(lab_vcf), sample_map="\n" + MAP_TEXT + "\n\n" + "ADM1059A1=LAB-0001\n")
    assert r.status_code == 202, r.text
    case_id = r.json()["id"]
    state = wait_done(c, case_id)
    assert state["status"] == "done", state["error"]
    # each member read from the sample the map gives (father, proband, mother), recorded in report.json
    report = json.loads((store.case_dir(case_id) / "report.json").read_text())
    assert {m["id"]: m["vcf_sample"] for m in report["family"]["members"]} == LAB
    assert report["header"]["parameters"]["sample_map"] == dict(sorted(LAB.items()))
    # stored with the case (the same pair twice is one pair), shown on the case page, in the upload's audit entry
    assert store.get_case(case_id)["options"]["sample_map"] == [list(p) for p in LAB.items()]
    page = c.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    table = page.split('id="sample-map"', 1)[1].split("</table>", 1)[0]
    for iid, sample in LAB.items():
        assert f"<tr><td>{iid}</td><td>{sample}</td></tr>" in table
    upload = next(a for a in store.audit_trail(case_id=case_id) if a["action"] == "upload")
    # (the trail, kept after the case is deleted, says how many pairs, not which: webpriv, test_webpriv_error_pages)
    assert "sample map: 3 pairs" in upload["detail"] and "LAB-0001" not in upload["detail"]
    # a re-analysis re-runs the case with the same map: nothing changed
    r = c.post(f"/cases/{case_id}/reanalyse", data={"csrf_token": token}, headers=SAME, follow_redirects=False)
    assert r.status_code == 303
    assert store.reanalyses(case_id)[0]["status"] == "no change", store.reanalyses(case_id)[0]["reason"]


def test_without_a_map_the_case_says_to_give_the_forms_sample_map(served: Any, lab_vcf: bytes) -> None:
    _app, c, token = served
    r = _post(c, token, _files(lab_vcf))
    state = wait_done(c, r.json()["id"])
    assert state["status"] == "failed"
    error = state["error"]
    assert "is not a sample of the VCF" in error and "LAB-0001" in error and "ADM1059A3" in error
    # the web user's words: the form's field, not the command line's options they cannot give here
    assert "sample map" in error and "--sample-map" not in error, error


# (in the form's words, naming the line, never what was typed on it: webpriv, test_webpriv_error_pages)
@pytest.mark.parametrize(("text", "words"), [
    ("ADM1059A2 LAB-0002", "the sample map's line 1 is not PEDIGREE_ID=VCF_SAMPLE"),
    ("ADM1059A2=\n", "is not PEDIGREE_ID=VCF_SAMPLE"),
    ("ADM1059A2=LAB-0002\n\nADM1059A2=LAB-0001",
     "the sample map's line 3 gives a pedigree ID a second VCF sample (line 1 gave it another)"),
    ("ADM1059A2=LAB-0002\nADM1059A1=LAB-0002",
     "the sample map's line 2 reads a second pedigree member from the VCF sample that line 1 reads"),
])
def test_a_malformed_map_is_refused_in_the_clis_words_and_nothing_is_kept(served: Any, lab_vcf: bytes, text: str,
                                                                          words: str) -> None:
    app, c, token = served
    r = _post(c, token, _files(lab_vcf), sample_map=text)
    assert r.status_code == 422 and words in r.json()["detail"], r.text
    assert app.state.store.all_case_ids() == []
    assert not any(p.is_file() for p in (app.state.store.data_dir / "uploads").rglob("*"))


def test_a_map_without_the_pedigree_is_refused(served: Any, lab_vcf: bytes) -> None:
    app, c, token = served
    r = _post(c, token, _files(lab_vcf, ped=False), sample_map=MAP_TEXT)
    assert r.status_code == 422 and "no pedigree (PED) was uploaded" in r.json()["detail"], r.text
    assert app.state.store.all_case_ids() == []


@pytest.mark.parametrize(("line", "words"), [
    ("ADM9999X9=LAB-0002", "the sample map's pair ADM9999X9=LAB-0002: ADM9999X9 is not an individual of the pedigree"),
    ("ADM1059A2=LAB-9999", "the sample map's pair ADM1059A2=LAB-9999: LAB-9999 (for ADM1059A2) is not a sample of the VCF"),
])
def test_a_pair_the_ped_or_vcf_lacks_fails_the_case_naming_the_pair_and_the_upload(served: Any, lab_vcf: bytes,
                                                                                  line: str, words: str) -> None:
    app, c, token = served
    r = _post(c, token, _files(lab_vcf), sample_map=line)
    assert r.status_code == 202, r.text
    state = wait_done(c, r.json()["id"])
    assert state["status"] == "failed" and words in state["error"], state["error"]
    assert str(app.state.store.data_dir) not in state["error"]


def test_the_real_servers_log_and_error_pages_hold_no_sample_name_path_or_traceback(tmp_path: Path,
                                                                                  lab_vcf: bytes) -> None:
    """Checked (found right): `charcot serve` as a real process, sample-map cases that fail and one that is built,
    error pages asked for with a sample name in the address: its log holds case ids and error types only."""
    import time

    import httpx

    from tests.web.test_serve_process import _free_port, _start, _wait_until_up

    port, log, data = _free_port(), tmp_path / "server.log", tmp_path / "data"
    proc = _start(["--port", str(port), "--data-dir", str(data)], log)
    pages: list[str] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            deadline = _wait_until_up(c) + 120
            ids = []
            for text in ("ADM9999X9=LAB-0002", "", MAP_TEXT):
                r = c.post("/api/cases", data={"proband": "ADM1059A2", "sample_map": text}, files=_files(lab_vcf))
                ids.append(r.json()["id"])
            r = c.post("/cases", data={"proband": "ADM1059A2", "sample_map": "ADM1059A2=LAB-0002\nADM1059A1=LAB-0002"},
                       files=_files(lab_vcf), headers={"accept": "text/html"})
            assert r.status_code == 422
            pages.append(r.text)
            for path in ("/cases/LAB-0002", "/patients/LAB-0002", "/cases/%ff", f"/cases/{ids[0]}/v/9/report.html",
                         "/audit.xml", f"/cases/{ids[0]}/LAB-0002.vcf"):
                pages.append(c.get(path, headers={"accept": "text/html"}).text)
            states = []
            for case_id in ids:
                while time.monotonic() < deadline:
                    state = c.get(f"/api/cases/{case_id}").json()
                    if state["status"] in ("done", "failed"):
                        break
                    time.sleep(0.3)
                states.append(state["status"])
            assert states == ["failed", "failed", "done"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # the start-up line names the data folder the operator gave; nothing after it names a path under it
    text = "\n".join(line for line in log.read_text(errors="replace").splitlines()
                     if not line.startswith("charcot web app on "))
    for secret in ("LAB-0", "ADM1059", str(data), "Traceback", "0/1", "[W::"):
        assert secret not in text, secret
    for page in pages:  # (the sample map's 422 named the IDs and samples typed until webpriv)
        for secret in ("Traceback", str(data), "0/1", 'File "', "LAB-0", "ADM1059"):
            assert secret not in page, secret
