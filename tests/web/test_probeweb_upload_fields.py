"""probeweb review (2026-12-01 evening): the streaming upload kept every text field of the form in memory, each up to
64 KiB but with no bound on their number: within the whole-request cap (six files at --max-upload-mb) one upload
could hold gigabytes of made-up fields. The form's text fields now have one small total."""

from __future__ import annotations

from typing import Any

import httpx

from charcot.web.uploads import MAX_FIELD_BYTES
from tests.web.conftest import demo_files


def test_many_text_fields_in_an_upload_are_refused(live_server_factory: Any) -> None:
    server = live_server_factory(pdf=False)
    padding = {f"x{i}": "a" * (MAX_FIELD_BYTES - 10) for i in range(40)}  # 2.6 MB of fields no form has
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.post("/api/cases", data={"patient": "P-FIELDS", **padding}, files={"str_file": demo_files()["str_file"]})
        assert r.status_code == 422 and "fields" in r.json()["detail"], (r.status_code, r.text[:200])
        assert c.get("/api/cases").json()["total"] == 0
        assert not any(server.data_dir.joinpath("uploads", ".partial").iterdir())
        # the real form, with the longest field it has (HPO terms), is received as before
        hpo = " ".join(f"HP:{i:07d}" for i in range(180))
        r = c.post("/api/cases", data={"patient": "P-FIELDS", "hpo": hpo}, files={"str_file": demo_files()["str_file"]})
        assert r.status_code == 202, r.text
