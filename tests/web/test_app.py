"""The web app through its HTTP interface, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charcot.web.app import Settings, create_app
from tests.web.conftest import DEMO, demo_files, wait_done

DATA = Path(__file__).parents[1] / "data" / "report"


@pytest.fixture
def client(tmp_path: Path, database_url: str | None, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    # Only the download test needs the PDF (the slowest output); the others skip it.
    pdf = request.node.name.startswith("test_upload_report_and_downloads")
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=database_url, max_upload_bytes=2_000_000,
                              pdf=pdf))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()


def test_upload_report_and_downloads(client: TestClient) -> None:
    files = demo_files()
    r = client.post("/api/cases", data={"proband": "NA12878", "hpo": "HP:0007354", "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                    files=files)  # the demo's repeat file is another person's: named
    assert r.status_code == 202, r.text
    case_id = r.json()["id"]
    state = wait_done(client, case_id)
    assert state["status"] == "done", state
    assert state["patient"] == "DEMO-001"  # taken from the clinical record
    sums = {u["role"]: u["sha256"] for u in state["uploads"]}
    assert sums["vcf"] == hashlib.sha256(files["vcf"][1]).hexdigest()
    html = client.get(f"/cases/{case_id}/report.html")
    assert html.status_code == 200 and "ALS genetic and clinical report" in html.text
    assert "script-src" not in html.headers["content-security-policy"]
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = client.get(f"/cases/{case_id}/report.pdf")
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    assert client.get(f"/cases/{case_id}/report.json").json()["header"]["patient_id"] == "DEMO-001"
    assert client.get(f"/cases/{case_id}/phenopacket.json").json()["subject"]["id"] == "DEMO-001"
    assert client.get(f"/cases/{case_id}/secrets.txt").status_code == 404
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "dl-pdf" in page.text
    # the rendered status line read "Build: done done" (status and progress both "done"; "Build" read as genome build)
    import re

    paragraph = re.search(r'<p>(?:(?!</p>).)*id="status"(?:(?!</p>).)*</p>', page.text, re.S)
    assert paragraph is not None
    assert " ".join(re.sub(r"<[^>]+>", " ", paragraph.group(0)).split()) == "Report: done"
    # Case list and the patient's longitudinal visits (from the clinical record).
    index = client.get("/")
    assert "DEMO-001" in index.text and case_id in index.text
    # the case list's column of run states was headed "Build", read as the genome build beside "done"
    assert "<th>Build</th>" not in index.text and "<th>Report run</th>" in index.text
    patient = client.get("/patients/DEMO-001")
    assert patient.text.count("<tr>") >= 5 and "<svg" in patient.text
    r = client.post("/visits", data={"patient": "DEMO-001", "visit_date": "2026-11-19", "alsfrs_r": "27",
                                     "fvc_percent": "61"}, follow_redirects=False)
    assert r.status_code == 303
    assert "2026-11-19" in client.get("/patients/DEMO-001").text
    assert client.post("/visits", data={"patient": "DEMO-001", "visit_date": "2026-11-20", "alsfrs_r": "99"}).status_code == 422
    # FVC typed in litres into the % predicted field (issue 15): refused with what, and how to fix it
    litres = client.post("/visits", data={"patient": "DEMO-001", "visit_date": "2026-11-21", "fvc_percent": "3.2"})
    assert litres.status_code == 422 and "looks like litres" in litres.text and "predicted × 100" in litres.text
    assert "2026-11-21" not in client.get("/patients/DEMO-001").text


def test_bad_input_fails_the_case_with_a_message(client: TestClient) -> None:
    r = client.post("/api/cases", files={"vcf": ("broken.vcf", b"not a vcf at all\n")})
    state = wait_done(client, r.json()["id"])
    assert state["status"] == "failed" and state["error"] and "internal" not in state["error"]
    assert client.post("/api/cases", data={"hpo": "HP:12"}, files={"vcf": ("x.vcf", b"x")}).status_code == 422
    assert client.post("/api/cases", data={"patient": "P1"}).status_code == 422


def test_oversized_upload_is_refused_with_413(client: TestClient, tmp_path: Path) -> None:
    big = b"#" * 2_500_000
    r = client.post("/api/cases", files={"vcf": ("big.vcf", big)})
    assert r.status_code == 413 and "limit" in r.text
    # Over the whole-request cap: refused by the middleware before any parsing.
    huge = b"#" * 9_500_000
    r = client.post("/api/cases", files={"vcf": ("huge.vcf", huge)})
    assert r.status_code == 413
    assert client.get("/api/cases").json()["cases"] == []
    assert not list((tmp_path / "data" / "uploads").glob("*.vcf"))


def test_user_strings_are_escaped_in_app_pages(client: TestClient) -> None:
    files = {"vcf": ("<b>x</b>.vcf", (DATA / "injection.vcf").read_bytes()),
             "clinical": ("case.yaml", (DATA / "injection_case.yaml").read_bytes())}
    r = client.post("/api/cases", data={"patient": "<script>alert('p')</script>"}, files=files)
    case_id = r.json()["id"]
    state = wait_done(client, case_id)
    assert state["status"] == "done", state
    for url in ("/", f"/cases/{case_id}", f"/cases/{case_id}/report.html"):
        text = client.get(url).text
        assert "<script>alert(" not in text
    assert "&lt;script&gt;alert(&#39;p&#39;)&lt;/script&gt;" in client.get("/").text


def test_knowledge_browser_and_calculators(client: TestClient) -> None:
    genes = client.get("/knowledge?section=genes")
    assert genes.status_code == 200 and "SOD1" in genes.text and "HGNC:11179" in genes.text
    therapies = client.get("/knowledge?section=therapies")
    assert therapies.status_code == 200 and "riluzole" in therapies.text.lower()
    assert client.get("/knowledge?section=../../etc").status_code == 404
    items = {f"q{i}": "4" for i in (1, 2, 3, 4, 6, 7, 9, 10, 11, 12)} | {"q5a": "3", "q8": "2", "date": "2026-01-01"}
    staged = client.post("/calculators/staging", data=items)
    assert staged.status_code == 200 and "King&#39;s stage" in staged.text and "MiToS stage" in staged.text
    assert "45 / 48" in staged.text
    enc = client.post("/calculators/encals", data={"delta_frs": "0.5", "diagnostic_delay_months": "10",
                                                    "months_since_onset": "14", "age_at_onset_years": "60",
                                                    "fvc_percent_predicted": "90", "c9orf72": "no"})
    assert enc.status_code == 200 and "Median survival from onset" in enc.text and "months" in enc.text
    result_html = enc.text.split('id="result"')[1].split("</div>")[0]
    assert "{" not in result_html
    # no internal identifier in what the clinician reads (the model was shown as "encals_8_predictor")
    import re

    visible = re.sub(r"<[^>]+>", " ", result_html)
    assert not re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", visible), visible
    # The form's own defaults (C9orf72 unknown) work: both possibilities are shown, not one guess.
    from charcot.web.calculators import ENCALS_DEFAULTS

    default = client.post("/calculators/encals", data=ENCALS_DEFAULTS)
    assert default.status_code == 200 and "if C9orf72 is expanded" in default.text and "if C9orf72 is not expanded" in default.text
    ped = (DEMO / "demo.ped").read_text()
    rel = client.post("/calculators/relatives", data={"ped": ped, "gene": "SOD1", "carrier": "NA12878", "horizon": "10"})
    assert rel.status_code == 200 and "DEMO-C1" in rel.text and "Carrier probability" in rel.text and "<svg" in rel.text
    # the model's caveats read as sentences (were joined as a list: "... by age;..., Risks ignore ...")
    assert ".," not in rel.text and "., " not in rel.text
    bad = client.post("/calculators/encals", data={"delta_frs": "abc"})
    assert bad.status_code == 422 and "ΔFRS must be a number" in bad.text and 'id="encals"' in bad.text
    # FVC typed in litres into the calculator (issue 15): refused, not computed as 3.2 % predicted
    litres = client.post("/calculators/encals", data={**ENCALS_DEFAULTS, "fvc_percent_predicted": "3.2"})
    assert litres.status_code == 422 and "looks like litres" in litres.text and "Median survival" not in litres.text


def test_token_authentication(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "d", token="s3cret-token"))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/api/cases").status_code == 401
        assert c.get("/", headers={"accept": "text/html"}, follow_redirects=False).status_code == 303
        assert c.get("/api/cases", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/cases", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.post("/login", data={"password": "nope"}).status_code == 401
        r = c.post("/login", data={"password": "s3cret-token"}, follow_redirects=False)
        assert r.status_code == 303
        assert "s3cret-token" not in r.headers["set-cookie"]  # a session id, never the token itself
        assert c.get("/api/cases").status_code == 200  # the cookie now authenticates
    app.state.runner.pool.shutdown(wait=True)


def test_serve_refuses_public_bind_without_token(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("serve", "--host", "0.0.0.0", "--port", "1", "--data-dir", str(tmp_path / "d"))
    assert res.code == 2 and "--token" in res.stderr


def test_cases_survive_a_restart(tmp_path: Path, database_url: str | None) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        files = {"vcf": demo_files()["vcf"]}
        case_id = c.post("/api/cases", files=files).json()["id"]
        assert wait_done(c, case_id)["status"] == "done"
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()
    again = create_app(settings)  # migrations are idempotent; the case is still there
    with TestClient(again, base_url="http://127.0.0.1") as c:
        assert [x["id"] for x in c.get("/api/cases").json()["cases"]] == [case_id]
        assert c.get(f"/cases/{case_id}/report.pdf").status_code == 200
    again.state.runner.pool.shutdown(wait=True)
    again.state.store.engine.dispose()


def test_no_names_or_genotypes_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    files = demo_files()
    r = client.post("/api/cases", data={"proband": "NA12878", "patient": "Jane-Doe-Pseudonym", "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                    files=files)
    assert wait_done(client, r.json()["id"])["status"] == "done"
    client.get("/patients/Jane-Doe-Pseudonym")
    # httpx records are the test client's own request lines, not the server's logs.
    text = "\n".join(rec.getMessage() for rec in caplog.records if not rec.name.startswith(("httpx", "httpcore")))
    assert r.json()["id"] in text  # the case is logged, by its opaque id
    for secret in ("NA12878", "Jane-Doe-Pseudonym", "DEMO-001", "0/1", "0|1", "33032096"):
        assert secret not in text, secret


def test_every_knowledge_section_lists_in_words_and_each_record_has_a_page(tmp_path: Path) -> None:
    import re

    from charcot.knowledge.sections import SECTIONS

    app = create_app(Settings(data_dir=tmp_path / "data", pdf=False))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        for section in SECTIONS:
            listing = c.get(f"/knowledge?section={section}")
            assert listing.status_code == 200, section
            table = listing.text.split('id="knowledge"')[1].split("</table>")[-2]
            assert "{&#39;" not in table and "{'" not in table and "_" not in re.sub(r"<[^>]+>", "", table.split("</tr>")[0]), section
            links = re.findall(r'href="(/knowledge/[^"]+)"', listing.text)
            assert links, f"{section}: no record links"
            record = c.get(links[0].replace("&amp;", "&"))
            assert record.status_code == 200 and "{&#39;" not in record.text and "{&#34;" not in record.text, (section, links[0])
        found = c.get("/knowledge?section=genes&q=superoxide")
        assert "SOD1" in found.text and "FUS" not in found.text.split('id="knowledge"')[1]
    app.state.runner.pool.shutdown(wait=True)


def test_upload_form_takes_every_cli_input(client: TestClient) -> None:
    """VCF, PED, ages, phenopacket, sex, region, HPO: each reaches the report (as `charcot report` would)."""
    phenopacket = Path(__file__).parents[1] / "data" / "clinical" / "example_phenopacket.json"
    files = {"vcf": demo_files()["vcf"], "ped": demo_files()["ped"],
             "ages": ("ages.tsv", (DEMO / "demo.ages.tsv").read_bytes()),
             "phenopacket": ("case.phenopacket.json", phenopacket.read_bytes())}
    r = client.post("/api/cases", data={"proband": "NA12878", "hpo": "HP:0007354", "sex": "female", "region": "EU"},
                    files=files)
    assert r.status_code == 202, r.text
    state = wait_done(client, r.json()["id"])
    assert state["status"] == "done", state
    assert {u["role"] for u in state["uploads"]} == {"vcf", "ped", "ages", "phenopacket"}
    report = client.get(f"/cases/{state['id']}/report.json").json()
    assert report["header"]["patient_id"] == "DEMO-ALS-002"  # from the phenopacket
    assert {"HP:0007354", "HP:0001260"} <= set(report["header"]["hpo_terms"])
    assert report["header"]["sex"] == "female" and report["therapies"]["region"] == "EU"
    ages = {x["relative"]: x["age"] for x in report["family"]["relatives_risk"]}
    assert ages.get("DEMO-S") == 52  # from the ages file
    assert client.post("/api/cases", data={"sex": "other"}, files={"ped": demo_files()["ped"]}).status_code == 422


def test_the_forms_name_every_column_of_the_ages_file(client: TestClient) -> None:
    """The case form and the relatives' calculator describe the ages file as --ages does: every column charcot reads
    (deceased and death_age were missing from the forms' labels, lead 2026-12-02)."""
    from charcot.family.pedigree import AGES_COLUMNS

    for url in ("/cases/new", "/calculators"):
        page = client.get(url)
        assert page.status_code == 200, url
        label = next(line for line in page.text.splitlines() if "TSV:" in line and "ages" in line.lower())
        assert all(column in label for column in AGES_COLUMNS), (url, label)
