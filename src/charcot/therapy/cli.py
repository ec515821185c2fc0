"""Commands of charcot.therapy (registered on the main app by charcot.cli): ``therapies CASE`` and
``claim check CLAIM.yaml``; ``register_knowledge`` adds ``knowledge therapies|trials|mechanisms``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from charcot.cli_contract import (
    OutputFormat,
    date_option,
    file_option,
    format_option,
    output_option,
    resolve_format,
)

if TYPE_CHECKING:
    from charcot.therapy.model import ClaimGrade, TherapyMatch, TherapyMatches

def _emit(text: str, output: Path | None) -> None:
    from charcot.cli_contract import emit

    emit(text, output)


def _unv(flag: bool) -> str:
    return " [unverified]" if flag else ""


def _words(value: object) -> str:
    """A controlled value of the knowledge base (gene_targeted, exceptional_circumstances) as words."""
    return str(value).replace("_", " ")


def _render_match(m: TherapyMatch) -> list[str]:
    head = m.verdict.value.upper().replace("_", " ")
    if m.kind == "trial":
        state = (m.trial_status or "").replace("_", " ")
        head = (f"[CLOSED: {state}] criteria: {head}" if m.open_to_new_participants is False
                else f"[{state}, as of {m.trial_status_as_of}] {head}")
    # registry ids (NCT...) are shown; charcot's own keys (therapy ids, EAP-...) are not clinician text
    shown_id = f" [{m.id}]" if m.id.startswith("NCT") else ""
    lines = [f"* {m.name}{shown_id} -> {head}{_unv(m.unverified)}",
             f"    {m.summary}"]
    if m.kind == "trial":
        lines.append(f"    phase {m.phase}; genotype: {m.genotype_requirement}")
    elif m.development_status:
        when = f" ({m.development_status_date})" if m.development_status_date else ""
        lines.append(f"    development status: {m.development_status.replace('_', ' ')}{when}; evidence: {m.evidence_level}")
    for c in m.criteria:
        tag = "" if c.blocking else f" (informative, {c.applies_to.replace('_', ' ')})"
        lines.append(f"    - {c.status.value:7s} {c.description}{tag}: {c.reason}{_unv(c.unverified)}")
    for r in m.regions:
        lines.append(f"    region {r.region}: {r.status.replace('_', ' ')} {r.date or '(date not recorded)'}{_unv(r.unverified)}")
    for e in m.mechanisms:
        lines.append(f"    why: {e.text}")
    for n in m.notes:
        lines.append(f"    note: {n}")
    lines.append(f"    sources: {', '.join(m.sources)}")
    return lines


def render_matches(result: TherapyMatches, show_all: bool = False) -> str:
    region = result.region or (f"none on record for country {result.country}" if result.country else "not given")
    lines = [f"charcot therapy and trial matching (knowledge {result.knowledge_version}, region "
             f"{region}, as of {result.as_of.isoformat()})", result.status_statement,
             *([result.jurisdiction_differs] if result.jurisdiction_differs else []), ""]
    if result.gene_notes:
        lines += ["GENE-TARGETED PROGRAMMES", *[f"  {n}" for n in result.gene_notes], ""]
    if result.treatment_notes:
        lines += ["TREATMENTS ON RECORD", *[f"  {n}" for n in result.treatment_notes], ""]
    for title, items in (("THERAPIES", result.therapies), ("TRIALS", result.trials)):
        shown = [m for m in items if show_all or m.relevant]
        lines.append(f"{title} ({len(shown)} shown of {len(items)}; --all shows every record)")
        for m in shown:
            lines.extend(_render_match(m))
        lines.append("")
    if result.not_assessed:
        lines.append("Missing facts that would decide more: " + "; ".join(result.not_assessed))
    lines.append(result.statement)
    return "\n".join(lines) + "\n"


def _registry_id(ident: str) -> str:
    """`` [NCT...]`` for a registry id, nothing for one of charcot's own keys."""
    return f" [{ident}]" if ident.startswith("NCT") else ""


def render_grade(g: ClaimGrade) -> str:
    lines = ["charcot claim check", f"claim: {g.claim_text}", f"intervention: {g.intervention}",
             *([f"scope: {g.scope}"] if g.scope else []), "",
             f"AAN class {g.aan_class}: {g.aan_reason}", f"OCEBM level {g.ocebm_level}",
             f"ALSUntangled-style grades: Trials {g.alsuntangled_trials}"
             + (f", Cases {g.alsuntangled_cases}" if g.alsuntangled_cases else "") + f" ({g.alsuntangled_reason})",
             f"certainty: {g.certainty}", f"verdict: {g.verdict}", "", f"red flags ({len(g.red_flags)}):"]
    lines += [f"  - {f.label}: {f.reason} [{', '.join(f.sources)}]" for f in g.red_flags] or ["  none found"]
    lines += ["", "controlled evidence in the knowledge base for this intervention:"]
    # registry ids (NCT...) are shown; charcot's own therapy keys are not clinician text (as in render_matches)
    # how each was found is said when it is not the intervention's own name (its class, or its registration)
    lines += [f"  - {e['name']}{_registry_id(e['id'])}: {e['evidence_level']}. {e['summary']} [{e['sources']}]"
              + (f" (found by {e['matched_by']})" if e.get("matched_by", "name") != "name" else "")
              for e in g.controlled_evidence] or ["  none recorded"]
    nh = g.natural_history
    if nh is not None:
        lines += ["", f"natural-history check (simulated untreated series, n = {nh.n}, {nh.months:g} months, seed {nh.seed}):",
                  f"  mean ALSFRS-R decline {nh.mean_decline:.2f} points ({nh.mean_slope_per_month:.2f}/month)",
                  f"  no decline ('stabilised') {nh.share_no_decline:.1%}; improved {nh.share_improved:.1%}; "
                  f"any visit above baseline {nh.share_any_visit_above_baseline:.1%}; improved >= 4 points "
                  f"{nh.share_improved_4_points:.1%}"]
        if nh.claim_responder_fraction is not None and nh.series_probability_exact is not None:
            size = nh.parameters.get("claim_series_size", 20)
            low, high = nh.series_probability_range or (nh.series_probability_exact, nh.series_probability_exact)
            seeds = f"seeds {nh.seeds_checked[0]}-{nh.seeds_checked[-1]}" if nh.seeds_checked else f"seed {nh.seed}"
            count = nh.parameters.get("claim_responder_count")
            # two significant digits: a probability of 1.5e-7 is not '0.0%'
            from charcot.clinical.prognosis import probability_text

            lines.append(f"  claim {nh.claim_responder_fraction:.0%} 'improved': an untreated series of {size} reaches "
                         f"that share{f' ({count} of {size})' if count else ''} of 'no decline' with probability "
                         f"{probability_text(nh.series_probability_exact)} (exact binomial; {probability_text(low)} to "
                         f"{probability_text(high)} over {seeds}); "
                         f"{nh.share_any_visit_above_baseline:.0%} of untreated patients have at least one visit above baseline")
        if nh.interpretation:  # the number is never left to be read as a p-value for the treatment
            lines.append(f"  what this shows: {nh.interpretation}")
        lines += [f"  assumption: {a}" for a in nh.assumptions]
    lines += ["", f"advice: {g.advice}", f"sources: {', '.join(g.sources)} ('charcot knowledge sources KEY' gives each citation)",
              g.statement]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("therapies")
    def therapies_cmd(
        case: Path = typer.Argument(..., metavar="CASE", help="The case: patient facts (YAML or JSON; see "
                                    "charcot.therapy.model.PatientFacts) or the clinical case YAML that 'clinical' "
                                    "and 'report' read."),
        jurisdiction: str | None = typer.Option(None, "--jurisdiction", metavar="CODE",
                                                help="Regulatory jurisdiction: US, EU, EEA, UK, JP, CA, KR, CH "
                                                     "(default: the configuration's 'jurisdiction')."),
        as_of: str | None = typer.Option(None, "--as-of", metavar="DATE",
                                         help="Regulatory and trial status as of this date, YYYY-MM-DD (default: "
                                              "the knowledge snapshot)."),
        fmt: str | None = format_option(),
        show_all: bool = typer.Option(False, "--all", help="Show every therapy and trial, not only the relevant ones."),
        output: Path | None = output_option("the matches"),
    ) -> None:
        """Therapies and trials this patient can receive or join, criterion by criterion."""
        from charcot.config import load_config
        from charcot.therapy.api import load_case_facts_on, match

        chosen = resolve_format(fmt, output)
        when = date_option(as_of, "--as-of")  # a matching date may lie ahead (planning); past_date would refuse it
        where = load_config().prefer("jurisdiction", jurisdiction, "--jurisdiction")
        if where is not None:  # before: "unknown region 'DE'", naming neither option nor file
            from charcot.therapy.jurisdictions import checked_code

            where = checked_code(where, what="--jurisdiction" if jurisdiction else "the configuration's 'jurisdiction'")
        # a clinical case's facts (durations, how recent each measurement is) are taken on the matching date
        facts, on = load_case_facts_on(case, when)
        result = match(facts, region=where, as_of=when or on)
        _emit(result.model_dump_json(indent=2) if chosen is OutputFormat.JSON else render_matches(result, show_all),
              output)

    claim_app = typer.Typer(help="Grade treatment claims.", no_args_is_help=True)

    @claim_app.command("check")
    def claim_check(
        claim: Path = typer.Argument(..., metavar="CLAIM", help="Claim YAML/JSON: text, intervention, design, n, "
                                     "control, outcome, ..."),
        seed: int = typer.Option(0, "--seed", help="Seed of the natural-history simulation."),
        plot: Path | None = file_option("--plot", "Also write the natural-history plot (PNG) here.", "PNG"),
        fmt: str | None = format_option(),
        output: Path | None = output_option("the grade"),
    ) -> None:
        """Grade a claim (AAN class, ALSUntangled grades, red flags) against controlled evidence and natural history."""
        from charcot.therapy.api import grade_claim, load_claim

        chosen = resolve_format(fmt, output)
        grade = grade_claim(load_claim(claim), seed=seed)
        if plot is not None and grade.natural_history is None:  # before: exit 0, no plot, an old file left in place
            from charcot.errors import InputError

            raise InputError("--plot: this claim gets no natural-history check, so there is no plot to draw",
                             path=claim, hint=f"{grade.scope or 'the check was not run'}; leave --plot out")
        if plot is not None and grade.natural_history is not None:
            from charcot.therapy.plots import natural_history_png

            natural_history_png(grade.natural_history, plot)
        _emit(grade.model_dump_json(indent=2, exclude={"natural_history": {"changes"}}) if chosen is OutputFormat.JSON
              else render_grade(grade), output)

    app.add_typer(claim_app, name="claim")


def _target_gene(kb: Any, gene: str | None, targets: set[str]) -> str | None:
    """The gene symbol a ``--gene`` filter names (aliases and previous symbols accepted); an unknown name is an
    error, never an empty list that reads as 'no therapy / no trial for this gene'."""
    if gene is None:
        return None
    if gene.upper() in targets:
        return gene.upper()
    return str(kb.gene(gene).symbol).upper()


def register_knowledge(knowledge_app: typer.Typer) -> None:
    """Add ``therapies``, ``trials`` and ``mechanisms`` to the ``charcot knowledge`` group."""

    @knowledge_app.command("therapies")
    def k_therapies(
        gene: str | None = typer.Option(None, "--gene", help="Only therapies targeting this gene."),
        jurisdiction: str | None = typer.Option(None, "--jurisdiction", metavar="CODE",
                                                help="Show the status in this jurisdiction only (US, EU, EEA, UK, ...)."),
        fmt: str | None = format_option(),
        output: Path | None = output_option("the list"),
    ) -> None:
        """Therapies with regulatory status per region, mechanism, target genes and evidence."""
        import json

        from charcot.knowledge import get_knowledge
        from charcot.knowledge.schema.therapies import Record
        from charcot.therapy.jurisdictions import Undecided, jurisdictions, status_in

        chosen = resolve_format(fmt, output)
        kb = get_knowledge()
        therapies = kb.typed("therapies", Record)
        symbol = _target_gene(kb, gene, {g.upper() for t in therapies for g in t.target_genes})
        known = jurisdictions(kb)
        if jurisdiction is not None and jurisdiction.strip().upper() not in known:
            from charcot.errors import InputError

            raise InputError(f"jurisdiction {jurisdiction!r} has no regulatory record in the knowledge base",
                             hint="one of: " + ", ".join(known))
        items = [t for t in therapies if symbol is None or symbol in {g.upper() for g in t.target_genes}]
        when = kb.meta.snapshot_date
        if chosen is OutputFormat.JSON:
            _emit(json.dumps([t.model_dump(mode="json") for t in items], indent=2), output)
            return
        lines: list[str] = []
        for t in items:
            lines.append(f"{t.id}: {t.name}{_unv(t.confidence.value == 'unverified')}")
            lines.append(f"  class {_words(t.therapy_class.value)}; {_words(t.modality)}; "
                         f"targets {', '.join(t.target_genes) or '-'}; "
                         f"mechanisms {', '.join(m.mechanism for m in t.mechanisms)}")
            lines.append(f"  status: {_words(t.development_status)}; evidence: {t.evidence_level}")
            # one jurisdiction: read as the matching reads it (the EEA takes the EU's centralised decisions only)
            regions = [jurisdiction.strip().upper()] if jurisdiction else sorted({e.region for e in t.regulatory})
            for r in regions:
                s = status_in(known[r], t.regulatory, when)
                if isinstance(s, Undecided):
                    lines.append(f"  {r}: cannot tell: {s.reason}")
                    continue
                lines.append(f"  {r}: " + (f"{_words(s.status)} {s.date or '(date not recorded)'}{_unv(s.unverified)}" if s
                                           else "no record in charcot"))
        _emit("\n".join(lines) or f"no therapy in the knowledge base targets {symbol}", output)

    @knowledge_app.command("trials")
    def k_trials(
        gene: str | None = typer.Option(None, "--gene", help="Only trials targeting this gene."),
        status: str | None = typer.Option(None, "--status", help="Only trials with this status (e.g. recruiting)."),
        fmt: str | None = format_option(),
        output: Path | None = output_option("the list"),
    ) -> None:
        """Trials with status as of the snapshot (check clinicaltrials.gov)."""
        import json

        from charcot.knowledge import get_knowledge
        from charcot.knowledge.schema.trials import Record, TrialStatus

        chosen = resolve_format(fmt, output)
        kb = get_knowledge()
        trials = kb.typed("trials", Record)
        symbol = _target_gene(kb, gene, {g.upper() for t in trials for g in t.target_genes})
        wanted = None if status is None else status.strip().lower().replace(" ", "_").replace(",", "")
        if wanted is not None and wanted not in {s.value for s in TrialStatus}:
            from charcot.errors import InputError

            raise InputError(f"unknown trial status {status!r}",
                             hint="one of: " + ", ".join(_words(s.value) for s in TrialStatus))
        items = [t for t in trials
                 if (symbol is None or symbol in {g.upper() for g in t.target_genes})
                 and (wanted is None or t.status.status.value == wanted)]
        if chosen is OutputFormat.JSON:
            _emit(json.dumps([t.model_dump(mode="json") for t in items], indent=2), output)
            return
        lines: list[str] = []
        for t in items:
            unv = t.status.confidence.value == "unverified" or t.confidence.value == "unverified"
            lines.append(f"{t.nct_id} {t.acronym or ''} phase {t.phase}: {t.title}")
            lines.append(f"  status {_words(t.status.status.value)} as of {t.status.as_of}{_unv(unv)}; check "
                         f"clinicaltrials.gov; genotype: {t.genotype_requirement}")
        _emit("\n".join(lines) or "no trial in the knowledge base matches "
              + " and ".join(x for x in (f"gene {symbol}" if symbol else "", f"status {_words(wanted)}" if wanted else "") if x),
              output)

    @knowledge_app.command("mechanisms")
    def k_mechanisms(fmt: str | None = format_option(), output: Path | None = output_option("the map")) -> None:
        """Mechanism map: each mechanism, the genes acting through it and the therapies targeting it."""
        import json

        from charcot.knowledge import get_knowledge
        from charcot.knowledge.schema.mechanisms import Record as Mech
        from charcot.knowledge.schema.therapies import Record as Ther

        chosen = resolve_format(fmt, output)
        kb = get_knowledge()
        therapies = kb.typed("therapies", Ther)
        rows = []
        for m in kb.typed("mechanisms", Mech):
            targeted = [t.id for t in therapies if any(link.mechanism == m.id for link in t.mechanisms)]
            rows.append({"id": m.id, "name": m.name, "genes": [g.gene for g in m.genes], "therapies": targeted,
                         "sources": m.sources})
        if chosen is OutputFormat.JSON:
            _emit(json.dumps(rows, indent=2), output)
            return
        lines: list[str] = []
        for r in rows:
            lines.append(f"{r['id']}: {r['name']}")
            lines.append(f"  genes: {', '.join(r['genes']) or '-'}; therapies: {', '.join(r['therapies']) or '-'}")
        _emit("\n".join(lines), output)
