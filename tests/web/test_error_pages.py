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
