"""Re-analysis of the web store's cases, and a person's decision on each result.

``reanalyse_store`` re-runs stored cases with the knowledge in force through ``charcot.reanalysis``
(the same comparison and vocabulary as ``charcot reanalyse`` on report folders): each case's report
folder is re-run with its uploads (found by their content-addressed names and verified by fingerprint)
and the result is kept in ``reanalyses``. A changed case "needs review": its new report waits under
``reanalysis/<case>/`` and nothing in the case changes until a person accepts it (the new report becomes
the next version; the version it replaces stays readable, signed copies are never touched) or dismisses
it. Every run, acceptance and dismissal is written to the audit trail. Used by the web app (one case or
all) and by ``charcot reanalyse --data-dir``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from charcot.errors import CharcotError
from charcot.reanalysis.api import CaseReanalysis, ReanalysisResult
from charcot.web.store import (
    ACCEPTED,
    AMENDED,
    CASE_DONE,
    DISMISSED,
    DRAFT,
    IN_REVIEW,
    NEEDS_REVIEW,
    NO_CHANGE,
    NOT_REANALYSED,
    Store,
    make_private,
)

_DECIDE = threading.Lock()  # one decision at a time: two people accepting the same result make one version


class DecisionRefused(Exception):
    """A re-analysis result that cannot be accepted or dismissed now (the reason is for the person)."""


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def done_case_ids(store: Store) -> list[str]:
    return [c for c in store.all_case_ids() if (store.get_case(c) or {}).get("status") == CASE_DONE]


def reanalyse_store(store: Store, *, actor: str, case_ids: Sequence[str] | None = None,
                    extra_dirs: Sequence[Path] = (), progress: Callable[[int, int], None] | None = None
                    ) -> ReanalysisResult:
    """Re-run the given cases (default: every case with a finished report) with the knowledge in force and
    record each result; returns the same ``ReanalysisResult`` as ``charcot reanalyse`` (case = case id)."""
    from charcot.family.samplemap import worded
    from charcot.knowledge import get_knowledge
    from charcot.outputs import write_text
    from charcot.reanalysis.api import rerun_case
    from charcot.report.render_json import render_json
    from charcot.web.wording import FORM

    kb = get_knowledge()
    ids = list(case_ids) if case_ids is not None else done_case_ids(store)
    result = ReanalysisResult(knowledge_version=kb.meta.version, knowledge_hash=kb.content_hash)
    dirs = [store.data_dir / "uploads", *extra_dirs]
    run_time = datetime.now(UTC).replace(microsecond=0)
    for n, case_id in enumerate(ids):
        case = store.get_case(case_id)
        if case is None:
            continue
        folder = store.case_dir(case_id)
        base_sha = _sha256(folder / "report.json")
        if case["status"] != CASE_DONE or base_sha is None:
            outcome, new = CaseReanalysis(case=case_id, patient_id=case["patient"], status="not_reanalysed",
                                          reason="the case has no finished report yet"), None
        else:
            try:
                from charcot.web.app import patient_chart

                has_record = any(u["role"] in ("clinical", "phenopacket") for u in case["uploads"])
                with worded(FORM):  # a stored sample map's refusal in the case form's terms, as at the first build
                    outcome, new = rerun_case(folder, dirs, label=case_id, run_time=run_time,
                                              chart=patient_chart(store, case, record=has_record))
            except CharcotError as exc:  # e.g. an input that today's readers refuse: say so, go on
                reason = exc.message.replace(str(store.data_dir.resolve()), "<data>").replace(str(store.data_dir), "<data>")
                outcome, new = CaseReanalysis(case=case_id, patient_id=case["patient"], status="not_reanalysed",
                                              reason=f"the re-run stopped: {reason}"), None
        report_path = None
        if outcome.status == "changed" and new is not None:
            report_path = f"reanalysis/{case_id}/{uuid.uuid4().hex}/report.json"
            target = store.path_of(report_path)
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_text(target, render_json(new))
            make_private(target.parent.parent)
        status = {"changed": NEEDS_REVIEW, "unchanged": NO_CHANGE}.get(outcome.status, NOT_REANALYSED)
        recorded = store.add_reanalysis(
            case_id, ran_by=actor, status=status, n_changes=len(outcome.changes),
            result=outcome.model_dump_json(), old_knowledge=outcome.old_knowledge, new_knowledge=kb.meta.version,
            knowledge_hash=kb.content_hash, base_version=int(case["version"]), base_sha256=base_sha,
            report_path=report_path)
        if recorded is None:  # deleted while it was re-run: its new report goes too, the other cases go on
            store.remove_files([store.reanalysis_dir(case_id)])
            if progress is not None:
                progress(n + 1, len(ids))
            continue
        _rid, stale = recorded
        _remove_waiting(store, stale)
        if status == NEEDS_REVIEW:
            store.audit(actor, "reanalyse", case_id=case_id, patient=case["patient"],
                        detail=f"knowledge {outcome.old_knowledge} → {kb.meta.version}: {len(outcome.changes)} "
                               f"change(s) need review (version {case['version']})")
        result.cases.append(outcome)
        if progress is not None:
            progress(n + 1, len(ids))
    store.audit(actor, "reanalyse", detail=f"knowledge {kb.meta.version} ({kb.content_hash[:12]}): "
                                           f"{len(result.needs_review)} of {len(result.cases)} case(s) need review")
    return result


def _remove_waiting(store: Store, paths: Sequence[str]) -> None:
    for rel in paths:
        store.remove_files([store.path_of(rel).parent])


def case_result(row: dict[str, Any]) -> CaseReanalysis:
    return CaseReanalysis.model_validate_json(row["result"])


def accept_problem(store: Store, row: dict[str, Any] | None, case: dict[str, Any] | None) -> str | None:
    if row is None or case is None or row["case_id"] != case["id"]:
        return "there is no such re-analysis result for this case"
    if row["status"] != NEEDS_REVIEW:
        return f"this result is no longer waiting for review ({row['status']})"
    if case["status"] != CASE_DONE:
        return "the case's report is being rebuilt"
    if case["review_state"] == IN_REVIEW:
        return "the report is in review: sign it off or return it to the author first"
    if int(case["version"]) != row["base_version"] or _sha256(store.case_dir(case["id"]) / "report.json") != row["base_sha256"]:
        return "the report changed after this re-analysis ran: re-analyse the case again"
    if not row["report_path"] or not store.path_of(row["report_path"]).is_file():
        return "the re-analysed report is missing: re-analyse the case again"
    from charcot.knowledge import get_knowledge

    kb = get_knowledge()
    if row["knowledge_hash"] != kb.content_hash:
        # the waiting report was made with knowledge no longer in force: accepted, it would become the case's
        # latest version as if re-analysed with today's knowledge
        return (f"the knowledge in force changed after this re-analysis ran (it used {row['new_knowledge']}, "
                f"the knowledge in force is {kb.meta.version}, content {kb.content_hash[:12]}): re-analyse the case "
                "again")
    return None


def accept(store: Store, reanalysis_id: int, case_id: str, *, actor: str, pdf: bool) -> int:
    """Make the waiting re-analysed report the case's next version; returns that version number. The
    replaced version's files are kept read-only under ``earlier/<case>/v<N>/``; signed copies are untouched."""
    from charcot.report.model import Report
    from charcot.report.write import write_report
    from charcot.web.app import _digest

    with _DECIDE:
        row, case = store.reanalysis(reanalysis_id), store.get_case(case_id)
        problem = accept_problem(store, row, case)
        if problem:
            raise DecisionRefused(problem)
        assert row is not None and case is not None
        version = int(case["version"])
        earlier = store.earlier_dir(case_id, version)
        try:
            report = Report.model_validate_json(store.path_of(row["report_path"]).read_text(encoding="utf-8"))
            if not earlier.exists():
                earlier.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                shutil.copytree(store.case_dir(case_id), earlier)
                make_private(earlier)
                for f in earlier.iterdir():
                    os.chmod(f, 0o400)
        except FileNotFoundError:  # the waiting report and the case's folder went with the case
            _deleted_meanwhile(store, case_id)
            raise
        state = AMENDED if store.report_versions(case_id) else DRAFT
        summary = "\n".join(f"{s.topic}: {s.text}" for s in report.summary)
        seen = case["review_state"]

        def claim() -> None:
            # after rendering, before the files move in: the case must still be the version and review state checked
            # above (a send-for-review or sign-off between the two would otherwise act on a report being replaced)
            if not store.decide_reanalysis(reanalysis_id, status=ACCEPTED, by=actor, new_version=version + 1,
                                           state=state, summary=summary, report_id=report.header.report_id,
                                           expected_state=seen):
                raise DecisionRefused("this result was decided, or the case was sent for review, signed off or "
                                      "changed, by someone else meanwhile: reload the page")

        try:
            write_report(report, store.case_dir(case_id), pdf=pdf, before_move=claim)
        except DecisionRefused:
            _deleted_meanwhile(store, case_id)
            raise
        make_private(store.case_dir(case_id))
        store.set_findings(case_id, **_digest(report))
        _remove_waiting(store, [row["report_path"]])
        outcome = case_result(row)
        store.audit(actor, "accept-reanalysis", case_id=case_id, patient=case["patient"],
                    detail=f"re-analysis with knowledge {row['new_knowledge']} accepted: version {version + 1} "
                           f"created from version {version} ({len(outcome.changes)} change(s): "
                           + "; ".join(c.in_words() for c in outcome.changes)[:3000] + ")")
        return version + 1


def _deleted_meanwhile(store: Store, case_id: str) -> None:
    """An accept that found its case gone: nothing it copied stays (``earlier/<case>/`` held the deleted case's
    report), and the person is told so."""
    if store.get_case(case_id) is None:
        store.remove_files([store.earlier_dir(case_id), store.case_dir(case_id)])
        raise DecisionRefused("the case was deleted meanwhile") from None


def dismiss(store: Store, reanalysis_id: int, case_id: str, *, actor: str, reason: str) -> None:
    with _DECIDE:
        row, case = store.reanalysis(reanalysis_id), store.get_case(case_id)
        if row is None or case is None or row["case_id"] != case_id:
            raise DecisionRefused("there is no such re-analysis result for this case")
        if row["status"] != NEEDS_REVIEW or not store.decide_reanalysis(reanalysis_id, status=DISMISSED, by=actor):
            raise DecisionRefused(f"this result is no longer waiting for review ({row['status']})")
        if row["report_path"]:
            _remove_waiting(store, [row["report_path"]])
        store.audit(actor, "dismiss-reanalysis", case_id=case_id, patient=case["patient"],
                    detail=f"re-analysis with knowledge {row['new_knowledge']} dismissed ({row['n_changes']} "
                           f"change(s)); version {case['version']} stays current" + (f": {reason}" if reason else ""))
