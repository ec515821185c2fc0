"""``charcot export``: a report's results in the formats their receivers use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from charcot.cli_contract import OutputFormat, folder_ok, format_option, output_option

if TYPE_CHECKING:
    from charcot.report.model import Report

export_app = typer.Typer(name="export", help="Export a report's results: ClinVar submission, FHIR bundle.",
                         no_args_is_help=True)


def _read_report(path: Path):  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from charcot.errors import InputError
    from charcot.report.model import Report
    from charcot.structured import read_text

    if path.is_dir():
        path = path / "report.json"
    try:
        text = read_text(path, "report.json")
    except InputError as exc:
        raise InputError(exc.message, path=str(path), line=exc.line,
                         hint=exc.hint or "give a report.json (or the folder) written by 'charcot report'") from None
    try:
        report = Report.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(f"this file is not a charcot report.json of this version ({exc.error_count()} problems)",
                         path=str(path), hint="re-run 'charcot report' with this version of charcot") from None
    problem = signoff_problem(report)
    if problem is not None:
        raise InputError(f"the report's sign-off is not valid: {problem}", path=str(path),
                         hint="sign the report off with charcot (charcot report --sign-off final --reviewer NAME, or "
                              "the web app); a report.json edited by hand is not exported")
    return report


def signoff_problem(report: Report) -> str | None:
    """Why the report's sign-off block is not one charcot writes (None if it is). An export says 'final' (FHIR
    status, a ClinVar submission) only for a report signed off the way ``charcot.report.build.sign`` does it:
    state draft or final, and a final report names its reviewer and date and carries no identity mismatch."""
    signoff = report.signoff
    if signoff.state not in ("draft", "final"):
        return f"state {signoff.state!r} is neither draft nor final"
    if signoff.state != "final":
        return None
    if not (signoff.reviewer or "").strip():
        return "it is marked final but names no reviewer"
    if signoff.signed_on is None:
        return "it is marked final but has no sign-off date"
    if report.identity.status == "mismatch":
        return "it is marked final although an identity check failed"
    return None


@export_app.command("clinvar")
def clinvar_cmd(
    report: Path = typer.Argument(..., metavar="REPORT", callback=folder_ok, help="report.json (or its folder) of a signed-off report."),
    output: str | None = output_option("the submission"),
    affected: str = typer.Option("unknown", "--affected", metavar="STATUS",
                                 help="The patient's status for the condition: yes, no or unknown (default: unknown)."),
    release: str = typer.Option("public", "--release", metavar="STATUS",
                                help="ClinVar release status: public, or 'hold until published'."),
    fmt: str | None = format_option(),
) -> None:
    """ClinVar Submission API JSON for the classifications of a signed-off report."""
    from charcot.cli_contract import emit, resolve_format
    from charcot.errors import InputError
    from charcot.exports.clinvar import clinvar_submission

    chosen = resolve_format(fmt, output)
    if affected not in ("yes", "no", "unknown"):
        raise InputError(f"--affected {affected} is not one of yes, no, unknown", hint="use --affected yes")
    if release not in ("public", "hold until published"):
        raise InputError(f"--release {release!r} is not 'public' or 'hold until published'", hint="use --release public")
    rep = _read_report(report)
    if rep.signoff.state != "final":
        raise InputError("the report is a draft: only signed-off classifications are submitted to ClinVar",
                         hint="sign the report off first (charcot report --sign-off final --reviewer NAME, or the "
                              "web app), then export it")
    payload = clinvar_submission(rep, affected=affected, release=release)
    if chosen == OutputFormat.TABLE:
        lines = [f"ClinVar submission ({len(payload['germlineSubmission'])} records, assertion criteria PubMed "
                 f"{payload['assertionCriteria']['id']}, release {payload['clinvarSubmissionReleaseStatus']}; "
                 "validated against ClinVar's schema):"]
        for sub in payload["germlineSubmission"]:
            c = sub["variantSet"]["variant"][0]["chromosomeCoordinates"]
            gene = ",".join(g["symbol"] for g in sub["variantSet"]["variant"][0].get("gene", []))
            cond = sub["conditionSet"]["condition"][0]
            lines.append(f"  {gene} {c['assembly']} {c['chromosome']}:{c['start']} {c['referenceAllele']}>"
                         f"{c['alternateAllele']}: {sub['germlineClassification']['germlineClassificationDescription']}"
                         f" for {cond['db']}:{cond['id'].split(':')[-1]}")
        emit("\n".join(lines), output)
        return
    emit(json.dumps(payload, indent=1, sort_keys=True), output)


@export_app.command("fhir")
def fhir_cmd(
    report: Path = typer.Argument(..., metavar="REPORT", callback=folder_ok, help="report.json (or its folder) written by 'charcot report'."),
    output: str | None = output_option("the FHIR bundle"),
    fmt: str | None = format_option(),
) -> None:
    """FHIR R4 bundle (HL7 Genomics Reporting shape) of a report; a draft report is 'preliminary'."""
    from charcot.cli_contract import emit, resolve_format
    from charcot.exports.fhir import fhir_bundle

    chosen = resolve_format(fmt, output)
    bundle = fhir_bundle(_read_report(report))
    if chosen == OutputFormat.TABLE:
        lines = [f"FHIR R4 bundle ({len(bundle['entry'])} resources; parsed by fhir.resources):"]
        for entry in bundle["entry"]:
            res = entry["resource"]
            code = res.get("code", {}).get("coding", [{}])[0]
            lines.append(f"  {res['resourceType']}" + (f" {code.get('code')} {code.get('display', '')}".rstrip()
                                                        if code else ""))
        emit("\n".join(lines), output)
        return
    emit(json.dumps(bundle, indent=1, sort_keys=True), output)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
