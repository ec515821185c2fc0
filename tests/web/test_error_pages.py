"""A malformed address or form value gives the app's own error page (HTML) or a one-line JSON detail, in words,
without echoing the value (regression: FastAPI's raw list - 'int_parsing', 'loc', 'input' - reached the browser)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from charcot.web.app import Settings, create_app
from tests.web.test_security import BASE


def test_invalid_path_values_are_answered_in_words(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data", pdf=False))
    with TestClient(app, base_url=BASE) as c:
        r = c.get("/cases/abc/v/PATIENT-SECRET/report.html", headers={"accept": "text/html"})
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
        assert "not valid" in r.text and "int_parsing" not in r.text and "PATIENT-SECRET" not in r.text
        r = c.get("/cases/abc/v/PATIENT-SECRET/report.html")
        assert r.status_code == 422 and isinstance(r.json()["detail"], str) and "version" in r.json()["detail"]
        assert "PATIENT-SECRET" not in r.text


def test_a_failed_case_says_which_uploaded_file_and_line(tmp_path: Path) -> None:
    """The case page said only 'htslib cannot parse this record: ...': the file and line the CLI names were dropped
    (the web app kept the message without its location). Named as uploaded, never by the server's path."""
    from tests.web.conftest import wait_done

    data = tmp_path / "data"
    vcf = ("##fileformat=VCFv4.2\n##contig=<ID=21,length=48129895>\n"
           "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
           "21\t33032096\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n21\tabc\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n")
    app = create_app(Settings(data_dir=data, pdf=False))
    with TestClient(app, base_url=BASE) as c:
        case_id = c.post("/api/cases", files={"vcf": ("patient-7.vcf", vcf.encode())}).json()["id"]
        state = wait_done(c, case_id)
        error = c.get("/api/cases").json()["cases"][0]["error"]
    assert state["status"] == "failed"
    assert error.startswith("patient-7.vcf line 5"), error
    assert str(data) not in error and str(data.resolve()) not in error
