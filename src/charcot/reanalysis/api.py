"""Re-analysis: which stored cases does today's knowledge (or resource) change affect, and how?

A stored case is a report folder (``report.json`` written by ``charcot report``) with its input files beside
it (or in a folder given with ``--inputs``; reports keep file names only). Each case is re-run with the same
parameters (``Header.parameters``) and the knowledge in force, and the two reports are compared item by
item: a variant reclassified (with the criteria that moved), a therapy or trial the patient now qualifies
for or has lost, a repeat call re-categorised, a relative's risk changed. Nothing is overwritten: the
result is a list of changes for a person to review (the web app turns them into "needs review" items).

A case is never re-analysed against different data: an input whose fingerprint differs from the one in
the stored report, or that cannot be found, makes the case "not re-analysed" with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from charcot.errors import InputError
from charcot.report.model import Report, TherapyItem

# Relative-risk changes below this (absolute, on the probability scale) are rounding, not news.
RISK_TOLERANCE = 0.005


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str  # variant | therapy | trial | repeat | relative | visit (the patient chart's) | knowledge
    item: str
    old: str | None = None
    new: str | None = None
    detail: str = ""
    criteria_gained: list[str] = Field(default_factory=list)  # variant: ACMG criteria now applied
    criteria_lost: list[str] = Field(default_factory=list)  # variant: ACMG criteria no longer applied

    def in_words(self) -> str:
        """The change as a sentence for the person who reviews it."""
        def words(value: str | None) -> str:
            return (value or "").replace("_", " ")

        if self.area == "variant":
            if self.old is None:
                head = f"{self.item}: newly reported, classified {words(self.new) or 'not classified'}"
            elif self.new is None:
                head = f"{self.item}: no longer reported (was {words(self.old)})"
            elif self.old != self.new:
                head = f"{self.item}: reclassified from {words(self.old)} to {words(self.new)}"
            else:
                head = f"{self.item}: still {words(self.new)}, but its evidence changed"
            moved = ([f"criteria now met: {', '.join(self.criteria_gained)}"] if self.criteria_gained else []) + \
                    ([f"criteria no longer met: {', '.join(self.criteria_lost)}"] if self.criteria_lost else [])
            return head + (f" ({'; '.join(moved)})" if moved else "")
        if self.area in ("therapy", "trial"):
            what = "Trial" if self.area == "trial" else "Therapy"
            if self.old is None:
                head = f"{what} {self.item}: new option, {words(self.new)}"
            elif self.new is None:
                head = f"{what} {self.item}: no longer listed (was {words(self.old)})"
            elif self.old != self.new:
                head = f"{what} {self.item}: {words(self.old)} before, {words(self.new)} now"
            else:
                head = f"{what} {self.item}: still {words(self.new)}"
            return head + (f" ({self.detail})" if self.detail else "")
        if self.area == "repeat":
            return (f"Repeat {self.item}: re-categorised from {words(self.old) or 'not reported'} to "
                    f"{words(self.new) or 'not reported'}" + (f" ({self.detail})" if self.detail else ""))
        if self.area == "relative":
            if self.old is None or self.new is None:
                return f"Relative {self.item}: {self.detail}" + (f" ({self.new or self.old})" if self.new or self.old else "")
            return f"Relative {self.item}: {self.detail} changed from {self.old} to {self.new}"
        return f"{self.item}: {words(self.old) or '—'} → {words(self.new) or '—'}" + (
            f" ({self.detail})" if self.detail else "")


class CaseReanalysis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str  # the folder name
    patient_id: str | None = None
    report_id: str | None = None
    status: str  # "changed", "unchanged", "not_reanalysed"
    reason: str | None = None  # why not re-analysed
    old_knowledge: str | None = None
    new_knowledge: str | None = None
    changes: list[Change] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # how an input was matched, when it is worth saying


class ReanalysisResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    knowledge_version: str
    knowledge_hash: str
    cases: list[CaseReanalysis] = Field(default_factory=list)

    @property
    def needs_review(self) -> list[CaseReanalysis]:
        return [c for c in self.cases if c.status == "changed"]


# ------------------------------------------------------------------------------------------ comparison


def _variants(report: Report) -> dict[str, tuple[str | None, set[str], str]]:
    out: dict[str, tuple[str | None, set[str], str]] = {}
    for tier in report.genetics.tiers:
        for f in tier.findings:
            name = f.gene or ""
            if f.hgvs_p or f.hgvs_c:
                name += f" {f.hgvs_c or ''} {f.hgvs_p or ''}".rstrip()
            out[f.key] = (f.classification, {e.criterion for e in f.evidence if e.applied}, f"{name} ({f.key})".strip())
    return out


def _compare_variants(old: Report, new: Report) -> list[Change]:
    before, after = _variants(old), _variants(new)
    changes: list[Change] = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            changes.append(Change(area="variant", item=before[key][2], old=before[key][0], new=None,
                                  detail="no longer listed among the reportable variants"))
            continue
        if key not in before:
            changes.append(Change(area="variant", item=after[key][2], old=None, new=after[key][0],
                                  detail="newly listed among the reportable variants"))
            continue
        (c0, e0, _), (c1, e1, label) = before[key], after[key]
        if c0 != c1 or e0 != e1:
            moved = [f"+{c}" for c in sorted(e1 - e0)] + [f"-{c}" for c in sorted(e0 - e1)]
            changes.append(Change(area="variant", item=label, old=c0, new=c1,
                                  detail=("reclassified" if c0 != c1 else "same class, evidence changed")
                                  + (f"; criteria {' '.join(moved)}" if moved else ""),
                                  criteria_gained=sorted(e1 - e0), criteria_lost=sorted(e0 - e1)))
    return changes


def _relevant_to_patient(item: TherapyItem | None) -> bool:
    """Listed as something the patient can have now or that a clinician must decide ("now"/"check");
    "not_now" (a criterion failed, not approved here, or not recruiting) is not an option today."""
    return item is not None and item.group in ("now", "check")


def _compare_therapies(old: Report, new: Report) -> list[Change]:
    before = {(i.kind, i.name): i for i in old.therapies.items}
    after = {(i.kind, i.name): i for i in new.therapies.items}
    changes: list[Change] = []
    for kind, name in sorted(set(before) | set(after)):
        a, b = before.get((kind, name)), after.get((kind, name))
        if not (_relevant_to_patient(a) or _relevant_to_patient(b)):
            continue  # excluded before and after (or not listed): not news for this patient
        if a is not None and b is not None and a.verdict == b.verdict and a.group == b.group \
                and a.open_to_new_participants == b.open_to_new_participants:
            continue
        detail = ""
        if a is not None and b is not None and a.open_to_new_participants != b.open_to_new_participants:
            detail = "enrolment " + ("opened" if b.open_to_new_participants else "closed or unknown")
        elif a is None:
            detail = "new in the knowledge base"
        elif b is None:
            detail = "no longer in the knowledge base"
        changes.append(Change(area=kind, item=name, old=a.verdict if a else None, new=b.verdict if b else None,
                              detail=detail))
    return changes


def _compare_repeats(old: Report, new: Report) -> list[Change]:
    before = {c.locus: c for c in old.repeats.calls}
    after = {c.locus: c for c in new.repeats.calls}
    changes: list[Change] = []
    for locus in sorted(set(before) | set(after)):
        a, b = before.get(locus), after.get(locus)
        if a is not None and b is not None and a.status == b.status:
            continue
        name = (b.gene if b is not None else None) or (a.gene if a is not None else None) or locus
        changes.append(Change(area="repeat", item=name, old=a.status if a else None, new=b.status if b else None,
                              detail=(b.interpretation if b else "no longer reported")))
    return changes


def _fmt_p(p: float | None) -> str | None:
    return None if p is None else f"{100 * p:.1f}%"


def _compare_relatives(old: Report, new: Report) -> list[Change]:
    before = {(r.relative, r.gene): r for r in old.family.relatives_risk}
    after = {(r.relative, r.gene): r for r in new.family.relatives_risk}
    changes: list[Change] = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1] or "")):
        a, b = before.get(key), after.get(key)
        label = f"{key[0]} ({key[1]})" if key[1] else key[0]
        dead = next((r for r in (b, a) if r is not None and r.deceased), None)
        if dead is not None:  # a change for a deceased relative informs the family, never an offer of testing
            from charcot.report.build import deceased_words

            label += f", {deceased_words(dead.death_age)}: not offered testing"
        if a is None or b is None:
            changes.append(Change(area="relative", item=label, old=_fmt_p(a.carrier_probability) if a else None,
                                  new=_fmt_p(b.carrier_probability) if b else None,
                                  detail="newly assessed" if a is None else "no longer assessed"))
            continue
        for what, x, y in (("carrier probability", a.carrier_probability, b.carrier_probability),
                           ("risk", a.risk, b.risk), ("lifetime risk", a.risk_lifetime, b.risk_lifetime)):
            if (x is None) != (y is None) or (x is not None and y is not None and abs(x - y) > RISK_TOLERANCE):
                changes.append(Change(area="relative", item=label, old=_fmt_p(x), new=_fmt_p(y), detail=what))
    return changes


def _compare_visits(old: Report, new: Report) -> list[Change]:
    """The visits the report states, where the web workspace's patient chart (merged into the clinical record) gives
    other ones now: a re-analysis reads the chart as it is, and its visits move the slope, stages and prognosis."""
    def words(v: Any) -> str:
        said = [f"ALSFRS-R {v.alsfrs_r}" if v.alsfrs_r is not None else None,
                f"FVC {v.fvc_percent:g} %" if v.fvc_percent is not None else None,
                f"slow VC {v.svc_percent:g} %" if v.svc_percent is not None else None,
                f"weight {v.weight_kg:g} kg" if v.weight_kg is not None else None]
        return ", ".join(w for w in said if w) or "no values"

    if old.header.chart is None and new.header.chart is None:
        return []
    before = {v.date: v for v in old.clinical.visits}
    after = {v.date: v for v in new.clinical.visits}
    changes = []
    for when in sorted(set(before) | set(after)):
        a, b = before.get(when), after.get(when)
        # items are compared where both reports state them (a report before schema 1.11.0 states totals only)
        if a is not None and b is not None and words(a) == words(b) and (
                a.alsfrs_r_items is None or b.alsfrs_r_items is None or a.alsfrs_r_items == b.alsfrs_r_items):
            continue
        changes.append(Change(area="visit", item=f"visit of {when.isoformat()}", old=words(a) if a else None,
                              new=words(b) if b else None, detail=(b or a).origin or ""))  # type: ignore[union-attr]
    return changes


COMPARISONS: tuple[Callable[[Report, Report], list[Change]], ...] = (
    _compare_variants, _compare_therapies, _compare_repeats, _compare_relatives, _compare_visits)


def compare_reports(old: Report, new: Report) -> list[Change]:
    """Every clinically meaningful difference between a stored report and its re-run."""
    changes = [c for compare in COMPARISONS for c in compare(old, new)]
    return changes


# ------------------------------------------------------------------------------------------ re-running


def find_cases(root: Path) -> list[Path]:
    """Report folders under ``root``: ``root`` itself, or every folder below it that holds a report.json."""
    if not root.is_dir():
        raise InputError(f"{root} is not a folder", hint="give a folder of report folders (each with report.json)")
    if (root / "report.json").is_file():
        return [root]
    found = sorted(p.parent for p in root.rglob("report.json"))
    if not found:
        raise InputError(f"no report.json found in {root} or its sub-folders",
                         hint="give the folder that 'charcot report --outdir' wrote, or a folder of such folders")
    return found


def _full_hash_store() -> Path:
    """Where the full SHA-256 of inputs that reports fingerprinted by sampling is remembered: the user's cache,
    ``inputs/<sampled digest>.json``."""
    from charcot.outputs import user_cache_dir

    return user_cache_dir() / "inputs"


def _full_hash_matches(path: Path, sampled: str) -> tuple[bool, str | None]:
    """Whether ``path``, whose sampled fingerprint is ``sampled`` (the report's), is the file this sampled digest was
    first matched to: (matches, a note when the match rests on the sampled checksum alone).

    The report recorded a sampled SHA-256 only (inputs above 64 MiB), which a same-size edit between the sampled blocks
    does not change. The first re-analysis that matches it takes the file's full SHA-256 and remembers it with the
    file's identity (device, inode, size, mtime, ctime); later ones accept the file unread while its identity is one
    remembered, and otherwise hash it again and hold it to that full SHA-256. Nothing remembered (the cache cannot be
    written) hashes the file on every run."""
    import json

    from charcot.outputs import file_identity, sha256_file, write_cache_json

    record_path = _full_hash_store() / f"{sampled}.json"
    try:
        record = json.loads(record_path.read_text())
        full, seen = str(record["sha256"]), [list(x) for x in record["identities"]]
    except (OSError, ValueError, KeyError, TypeError):
        full, seen = None, []
    identity = file_identity(path)
    if full is not None and identity in seen:
        return True, None
    digest = sha256_file(path)
    if full is not None and digest != full:
        return False, None
    first = (f"{path.name} was matched to the report by its sampled checksum only (the report holds no full "
             "one)")
    try:
        write_cache_json(record_path, {"sha256": digest, "identities": [*seen, identity][-16:]})
    except OSError:
        # nothing remembered: the next run hashes the file again, and a first match stays a sampled one
        return True, None if full is not None else (
            f"{first}; its full SHA-256 could not be remembered ({record_path.parent} cannot be written), so later "
            "re-analyses cannot hold it to this one")
    return True, None if full is not None else f"{first}; its full SHA-256 is held from now on"


def _inputs_for(old: Report, folder: Path, extra_dirs: Iterable[Path],
                notes: list[str] | None = None) -> tuple[dict[str, Path], str | None]:
    """Locate each input of the stored report by file name and check its fingerprint (an input the report holds a
    sampled checksum of is also held to its full SHA-256 once one was taken, ``_full_hash_matches``)."""
    from charcot.outputs import METHOD_FULL, fingerprint_file

    located: dict[str, Path] = {}
    for item in old.header.inputs:
        name = Path(item.path).name
        candidates = [c for c in (d / name for d in (folder, folder.parent, *extra_dirs)) if c.is_file()]
        if not candidates:
            return {}, f"input {item.role} ({name}) not found beside the report, in its parent folder or --inputs"
        # the first candidate with the recorded fingerprint: a same-named file of another case never matches
        sampled = item.checksum_method != METHOD_FULL
        match = None
        edited = False
        for c in candidates:
            if fingerprint_file(c, full=not sampled)[0] != item.sha256:
                continue
            if sampled:
                same, note = _full_hash_matches(c, item.sha256)
                if not same:
                    edited = True
                    continue
                if note and notes is not None:
                    notes.append(note)
            match = c
            break
        if match is None:
            if edited:
                return {}, (f"input {item.role} ({name}) differs from the one the report was made from: its sampled "
                            "checksum matches, but its full SHA-256 is not that of the file first re-analysed for "
                            "this report (edited between the sampled blocks); re-analysis would mix data")
            return {}, (f"input {item.role} ({name}) differs from the one the report was made from "
                        f"({item.checksum_method} mismatch); re-analysis would mix data")
        located[item.role] = match
    return located, None


def reanalyse_case(folder: Path, extra_dirs: Iterable[Path] = (), label: str | None = None) -> CaseReanalysis:
    return rerun_case(folder, extra_dirs, label)[0]


def rerun_case(folder: Path, extra_dirs: Iterable[Path] = (), label: str | None = None,
               run_time: datetime | None = None, chart: Any = None) -> tuple[CaseReanalysis, Report | None]:
    """Re-run one stored report; the comparison and, when it could be re-run, the new report (the web
    store keeps it for a person to accept as the next version). ``run_time`` defaults to the stored
    report's, so an unchanged case re-runs to the same JSON."""
    from pydantic import ValidationError

    from charcot.errors import InputError
    from charcot.genome.panels import GeneSelection
    from charcot.knowledge import get_knowledge
    from charcot.report.build import CaseInputs, build_report
    from charcot.structured import read_text

    kb = get_knowledge()
    try:
        raw = read_text(folder / "report.json", "report.json")
    except InputError as exc:  # e.g. not UTF-8: this case is not re-run, the others are
        return CaseReanalysis(case=label or folder.name, status="not_reanalysed",
                              reason=f"{exc.message}; re-run 'charcot report' once by hand"), None
    try:
        old = Report.model_validate_json(raw)
    except ValidationError as exc:
        return CaseReanalysis(case=label or folder.name, status="not_reanalysed",
                              reason=f"report.json does not match this version's report schema "
                                     f"({exc.error_count()} problems); re-run 'charcot report' once by hand"), None
    result = CaseReanalysis(case=label or folder.name, patient_id=old.header.patient_id, report_id=old.header.report_id,
                            status="not_reanalysed", old_knowledge=old.header.knowledge_version,
                            new_knowledge=kb.meta.version)
    from charcot.knowledge.loader import version_key

    used, in_force = version_key(old.header.knowledge_version), version_key(kb.meta.version)
    if used is not None and in_force is not None and used > in_force:
        # re-running would undo curation the report already rests on, and offer that as the next version
        result.reason = (f"the report used knowledge {old.header.knowledge_version}, newer than the knowledge in force "
                         f"({kb.meta.version}); a re-analysis never goes back to earlier knowledge (to re-render the "
                         f"report as signed, use CHARCOT_KNOWLEDGE={old.header.knowledge_version})")
        return result, None
    params = old.header.parameters
    if params is None:
        result.reason = "the report predates stored run parameters; re-run 'charcot report' once by hand"
        return result, None
    if old.header.chart is not None and chart is None:
        result.reason = (f"the report merged the web workspace's patient chart ({old.header.chart.visits} visit(s)) "
                         "into its clinical record: re-analyse it in the workspace (charcot reanalyse --data-dir), "
                         "which reads the chart")
        return result, None
    located, problem = _inputs_for(old, folder, extra_dirs, result.notes)
    if problem:
        result.reason = problem
        return result, None
    # the genes the report was restricted to (--genes/--panel/--bed), as selected then: a re-analysis answers the same
    # question, never a wider one whose new genes would read as changes
    kept = old.genetics.restriction
    selection = GeneSelection(tuple(kept.genes), kept.how, kept.label) if kept is not None else None
    inputs = CaseInputs(
        genes=selection,
        vcf=located.get("vcf"), str_vcf=located.get("str_vcf"), ped=located.get("ped"), ages=located.get("ages"),
        clinical=located.get("clinical"), phenopacket=located.get("phenopacket"), clinvar=located.get("clinvar"),
        gnomad=located.get("gnomad"), gnomad_coverage=located.get("gnomad_coverage"), proband=params.proband, sample=params.sample,
        str_sample=params.str_sample, sample_map=dict(params.sample_map), build=params.build,
        sex=params.sex, patient_id=params.patient_id, hpo=list(params.hpo), region=params.region,
        as_of=params.as_of, run_time=run_time or old.run.run_time, chart=chart)
    new = build_report(inputs)
    result.changes = compare_reports(old, new)
    result.status = "changed" if result.changes else "unchanged"
    return result, new


def reanalyse(root: Path, extra_dirs: Iterable[Path] = ()) -> ReanalysisResult:
    from charcot.knowledge import get_knowledge

    if root.is_file() and root.name == "report.json":
        root = root.parent  # a report.json stands for its folder, as 'charcot export' takes it
    kb = get_knowledge()
    dirs = list(extra_dirs)
    return ReanalysisResult(knowledge_version=kb.meta.version, knowledge_hash=kb.content_hash,
                            cases=[reanalyse_case(folder, dirs, _label(root, folder)) for folder in find_cases(root)])


def _label(root: Path, folder: Path) -> str:
    return folder.name if folder == root else folder.relative_to(root).as_posix()


def describe(result: ReanalysisResult) -> str:
    lines = [f"re-analysis with knowledge {result.knowledge_version} ({result.knowledge_hash[:12]}): "
             f"{len(result.needs_review)} of {len(result.cases)} cases need review"]
    for case in result.cases:
        head = f"{case.case} (patient {case.patient_id or 'unknown'}): "
        if case.status == "not_reanalysed":
            lines.append(head + f"NOT re-analysed: {case.reason}")
            continue
        if case.status == "unchanged":
            lines.append(head + f"no change (knowledge {case.old_knowledge} → {case.new_knowledge})")
            continue
        lines.append(head + f"NEEDS REVIEW (knowledge {case.old_knowledge} → {case.new_knowledge})")
        lines += [f"  {c.in_words()}" for c in case.changes]
    for case in result.cases:
        lines += [f"{case.case}: note: {n}" for n in case.notes]
    return "\n".join(lines) + "\n"
