"""The web workspace's answers to a bad form hold none of the patient's identifiers (webpriv, 2026-12-02).

The standard: no genotypes, sample names or patient paths in logs or error pages. Before, the case form's sample map
was refused with a 422 repeating the pedigree IDs and VCF samples typed on the bad line ("the sample map's line 3
(ADM1059A2=LAB-0001) maps the pedigree ID ADM1059A2 a second time: to LAB-0001, after LAB-0002"), an HPO field holding
anything else was refused repeating it, the upload's entry in the append-only audit trail (kept after the case and the
patient are deleted) listed every pair of the map, and a build refused for the 'Sample in a multi-sample VCF' field
said "--sample", an option the form does not have (``app._form_words`` rewrote the library's CLI text by string
replacement, and missed it). Real HTTP through the app (TestClient), SQLite and PostgreSQL; the real Scout trio with
its samples renamed as a laboratory names them (``tests.family.test_leftfam.renamed_trio``); the browser half is in
``test_webpriv_browser.py``."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.family.test_leftfam import LAB, PED, renamed_trio
from tests.web.conftest import wait_done
from tests.web.test_probeweb3_routes import serve_app
from tests.web.test_workspace import SAME, _login

# what a person typed: made-up pedigree IDs and VCF samples that appear nowhere else (not in the files, the form's
# labels or its examples), so finding one in an answer, the trail or the log can only be an echo
TYPED = ("QZX-FAM-0417", "QZX-FAM-0418", "QZX-LAB-9071", "QZX-LAB-9072")


@pytest.fixture(scope="module")
def lab_vcf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return renamed_trio(tmp_path_factory.mktemp("lab")).read_bytes()


def _files(lab_vcf: bytes) -> dict[str, tuple[str, bytes]]:
    return {"vcf": ("lab_trio.vcf.gz", lab_vcf), "ped": ("family.ped", PED.read_bytes())}


def _post(c: TestClient, token: str, files: dict[str, tuple[str, bytes]], html: bool = False, **fields: str) -> Any:
    headers = {**SAME, "accept": "text/html"} if html else SAME
    return c.post("/cases" if html else "/api/cases", files=files, headers=headers, follow_redirects=False,
                  data={"csrf_token": token, "patient": "P-MAP", "proband": "ADM1059A2", **fields})


@pytest.fixture
def served(tmp_path: Path, database_url: str | None) -> Any:
    with serve_app(tmp_path / "data", database_url, ("carol", "genetic_counsellor")) as (app, c):
        yield app, c, _login(c, "carol")


def _trail(app: Any) -> str:
    return "\n".join(f"{a['action']} {a['patient']} {a['detail']}" for a in app.state.store.audit_trail())


@pytest.mark.parametrize(("text", "words"), [
    (f"{TYPED[0]} {TYPED[2]}", "the sample map's line 1 is not PEDIGREE_ID=VCF_SAMPLE"),
    (f"\n{TYPED[0]}=", "the sample map's line 2 is not PEDIGREE_ID=VCF_SAMPLE"),
    (f"{TYPED[0]}={TYPED[2]}\n\n{TYPED[0]}={TYPED[3]}",
     "the sample map's line 3 gives a pedigree ID a second VCF sample (line 1 gave it another)"),
    (f"{TYPED[0]}={TYPED[2]}\n{TYPED[1]}={TYPED[2]}",
     "the sample map's line 2 reads a second pedigree member from the VCF sample that line 1 reads"),
])
def test_a_bad_sample_map_is_refused_naming_its_line_never_what_was_typed(served: Any, lab_vcf: bytes, text: str,
                                                                          words: str,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    app, c, token = served
    caplog.set_level(logging.DEBUG)
    api = _post(c, token, _files(lab_vcf), sample_map=text)
    page = _post(c, token, _files(lab_vcf), html=True, sample_map=text)
    assert api.status_code == 422 and words in api.json()["detail"], api.text
    shown = html.unescape(page.text)
    assert page.status_code == 422 and words in shown and "Please check the form" in shown, shown
    for typed in TYPED:
        assert typed not in api.text and typed not in shown, typed
        assert typed not in _trail(app) and typed not in caplog.text, typed
    assert app.state.store.all_case_ids() == []  # nothing kept, as before


def test_the_upload_audit_entry_names_no_pedigree_id_or_vcf_sample(served: Any, lab_vcf: bytes) -> None:
    app, c, token = served
    store = app.state.store
    r = _post(c, token, _files(lab_vcf), sample_map="\n".join(f"{iid}={s}" for iid, s in LAB.items()))
    assert r.status_code == 202, r.text
    case_id = r.json()["id"]
    assert wait_done(c, case_id)["status"] == "done"
    upload = next(a for a in store.audit_trail(case_id=case_id) if a["action"] == "upload")
    assert "sample map: 3 pairs" in upload["detail"], upload["detail"]
    trail = _trail(app)
    for name in (*LAB.values(), "ADM1059A1", "ADM1059A3"):  # the proband's ID is the case's own field, not the map's
        assert name not in trail, name
    # the map itself is the case's: on its page (and in its report's parameters), deleted with it
    page = c.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    assert all(f"<tr><td>{iid}</td><td>{s}</td></tr>" in page for iid, s in LAB.items())


def test_the_sample_field_and_the_map_disagreeing_is_said_in_the_forms_words(served: Any, lab_vcf: bytes) -> None:
    _app, c, token = served
    r = _post(c, token, _files(lab_vcf), sample="LAB-0003", sample_map="ADM1059A2=LAB-0002")
    state = wait_done(c, r.json()["id"])
    assert state["status"] == "failed"
    error = state["error"]
    assert "--sample" not in error, error  # the command line's option, which the form does not have
    assert "the 'Sample in a multi-sample VCF' field (LAB-0003) and the sample map's pair ADM1059A2=LAB-0002 name " \
           "two VCF samples for the proband ADM1059A2" in error, error
    assert "make the 'Sample in a multi-sample VCF' field and the sample map agree" in error, error


def test_the_form_labels_the_fields_as_the_refusals_name_them(served: Any) -> None:
    from charcot.web.wording import MAP_FIELD, SAMPLE_FIELD

    _app, c, _token = served
    form = c.get("/cases/new", headers={"accept": "text/html"}).text
    assert f"<label>{SAMPLE_FIELD} (optional)" in form and f"<label>{MAP_FIELD}, for a family VCF" in form


def test_a_bad_hpo_term_is_refused_by_its_place_not_its_text(served: Any, lab_vcf: bytes,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    app, c, token = served
    caplog.set_level(logging.DEBUG)
    for as_page in (False, True):
        r = _post(c, token, _files(lab_vcf), html=as_page, hpo=f"HP:0001257, {TYPED[0]}")
        shown = html.unescape(r.text)
        assert r.status_code == 422 and "the HPO terms' entry 2 is not an HPO id" in shown, shown
        assert TYPED[0] not in shown and TYPED[0] not in _trail(app) and TYPED[0] not in caplog.text
    assert app.state.store.all_case_ids() == []


def test_every_refusal_a_web_case_can_meet_is_in_the_forms_terms() -> None:
    """Each kind of refusal the form's reading and a web build can raise (the map read from the form, a stored map
    joined at the build, the 'Sample in a multi-sample VCF' field, no map at all): none names a command-line option."""
    from charcot.errors import InputError
    from charcot.family import samplemap as sm
    from charcot.web.wording import FORM

    ids, samples = ["A1", "A2", "A3"], ["S1", "S2", "S3"]

    def stored(*pairs: str) -> Any:
        return sm.sample_map_from_pairs([p.split("=") for p in pairs], wording=FORM)

    cases = [
        lambda: sm.read_sample_map_text("A1 S1", wording=FORM),
        lambda: sm.read_sample_map_text("A1=S1\nA1=S2", wording=FORM),
        lambda: sm.read_sample_map_text("A1=S1\nA2=S1", wording=FORM),
        lambda: sm.join_samples(ids, samples, stored("A9=S1")),
        lambda: sm.join_samples(ids, samples, stored("A1=S9")),
        lambda: sm.join_samples(ids, samples, stored("A1=S1"), proband="A1", proband_sample="S2"),
        lambda: sm.join_samples(["P", "A2"], ["S1", "S2"], stored("A2=S1"), proband="P", proband_sample="S1"),
        lambda: sm.join_samples(["A1", "S1"], ["S1", "S2"], stored("A1=S1")),
    ]
    def unjoined() -> None:  # the report package raises it for a family VCF and no map
        raise sm.unjoined_proband_error("A1", ids, samples, None)

    cases.append(unjoined)
    with sm.worded(FORM):  # as the web's builds run (Runner.run, reanalyse_store)
        for case in cases:
            with pytest.raises(InputError) as caught:
                case()
            said = f"{caught.value.message} ({caught.value.hint})"
            assert "--" not in said, said
            assert "sample map" in said, said


def test_disabling_an_unknown_account_names_commands_that_exist(run_cli: Any, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`charcot users disable NAME` for no such account: its hint named 'charcot web users', a command that does not
    exist (the accounts are `charcot users list` / `users add`)."""
    import re

    data = tmp_path / "data"
    monkeypatch.setenv("PW", "a-long-enough-password")
    assert run_cli("users", "add", "dana", "--role", "reviewer", "--password-env", "PW", "--data-dir", str(data)).code == 0
    res = run_cli("users", "disable", "nobody", "--data-dir", str(data))
    assert res.code == 2 and "no user 'nobody'" in res.stderr, res.stderr
    named = re.findall(r"'charcot ([a-z -]+)'", res.stderr)
    assert named, res.stderr
    for command in named:
        assert run_cli(*command.split(), "--help").code == 0, command
