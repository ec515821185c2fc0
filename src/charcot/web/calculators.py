"""Calculator pages: staging from ALSFRS-R items, ENCALS survival, relatives' risk.

Each calculator only parses the form and calls the analysis package's pure functions; when that
package is not part of this build the page says so.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

ITEMS = ["q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11", "q12"]


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def staging(form: dict[str, str]) -> dict[str, Any]:
    model, stg = _module("charcot.clinical.model"), _module("charcot.clinical.staging")
    if model is None or stg is None:
        return {"error": "not available: charcot.clinical unavailable in this build"}
    scores = {k: int(form[k]) for k in ITEMS if form.get(k, "").strip()}
    when = date.fromisoformat(form.get("date") or date.today().isoformat())
    alsfrs = model.AlsfrsR(**scores)
    return {"kings": _dump(stg.kings_from_alsfrs(alsfrs, when)), "mitos": _dump(stg.mitos(alsfrs, when))}


def encals(form: dict[str, str]) -> dict[str, Any]:
    prog = _module("charcot.clinical.prognosis")
    if prog is None:
        return {"error": "not available: charcot.clinical unavailable in this build"}
    p = prog.Predictors(
        delta_frs=float(form["delta_frs"]), diagnostic_delay_months=float(form["diagnostic_delay_months"]),
        age_at_onset_years=float(form["age_at_onset_years"]), fvc_percent_predicted=float(form["fvc_percent_predicted"]),
        bulbar_onset=form.get("bulbar_onset") == "on", definite_als=form.get("definite_als") == "on",
        ftd=form.get("ftd") == "on",
        c9orf72_expanded={"yes": True, "no": False}.get(form.get("c9orf72", "")))
    problems = prog.domain_problems(p)
    if problems:
        return {"error": "; ".join(problems)}
    months = float(form.get("months_since_onset") or form["diagnostic_delay_months"])
    return {"encals": _dump(prog.encals_assess(p, months, []))}


def relatives(form: dict[str, str]) -> dict[str, Any]:
    fam = _module("charcot.family.api")
    if fam is None or not hasattr(fam, "relative_risks"):
        return {"error": "not available: charcot.family unavailable in this build"}
    ped_text = form.get("ped", "")
    with tempfile.TemporaryDirectory(prefix="charcot-calc-") as tmp:
        path = Path(tmp) / "family.ped"
        path.write_text(ped_text, encoding="utf-8")
        pedigree = fam.read_pedigree(path)
    carrier_id = form.get("carrier", "").strip()
    result = fam.relative_risks(pedigree, form.get("gene", "SOD1").strip() or "SOD1",
                                carrier=carrier_id or None,
                                horizon_years=int(form.get("horizon") or 10))
    return {"relatives": _dump(result)}


CALCULATORS: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "staging": staging, "encals": encals, "relatives": relatives,
}


def register(app: FastAPI, page: Callable[..., HTMLResponse]) -> None:
    @app.get("/calculators", response_class=HTMLResponse)
    def calculators(request: Request) -> HTMLResponse:
        return page("calculators.html.j2", request, result=None, which=None, items=ITEMS, form={})

    @app.post("/calculators/{which}", response_class=HTMLResponse)
    async def calculate(request: Request, which: str) -> HTMLResponse:
        from charcot.errors import CharcotError

        form = {k: str(v) for k, v in (await request.form()).items()}
        fn = CALCULATORS.get(which)
        if fn is None:
            result: dict[str, Any] = {"error": "no such calculator"}
        else:
            try:
                result = fn(form)
            except CharcotError as exc:
                result = {"error": exc.message}
            except (ValueError, KeyError, TypeError) as exc:
                result = {"error": f"check the form: {type(exc).__name__}: {str(exc)[:200]}"}
        response = page("calculators.html.j2", request, result=result, which=which, items=ITEMS, form=form)
        if "error" in result:
            response.status_code = 422
        return response
