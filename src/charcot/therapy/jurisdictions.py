"""Which regulatory records apply to a patient: the jurisdiction a code or a country selects (knowledge section
``jurisdictions``), and a therapy's regulatory status there on a date.

A jurisdiction reads the events of one regulatory region of therapies.yaml. Where only some of that region's
decisions apply (the EEA states outside the EU take the EU's centralised decisions, within 30 days, and none of
its national ones), the status is the latest such decision, and it is undecided, with the reason, when the region's
latest event on the date is not known to be one of them or was taken too recently to apply yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from charcot.knowledge import Knowledge, get_knowledge
from charcot.knowledge.schema.jurisdictions import Record as Jurisdiction
from charcot.knowledge.schema.therapies import REGIONS, RegulatoryEvent, partial_date_end, partial_date_start
from charcot.model import Confidence
from charcot.therapy.model import RegionStatus

__all__ = ["Jurisdiction", "Undecided", "checked_code", "events_in", "for_country", "iso_country",
           "jurisdictions", "status_in"]


def jurisdictions(kb: Knowledge | None = None) -> dict[str, Jurisdiction]:
    """The jurisdictions by code. A snapshot released before the section existed reads the installed one's, which
    only names which regulatory records apply to a country (it holds no regulatory facts of its own)."""
    kb = kb or get_knowledge()
    records = kb.typed("jurisdictions", Jurisdiction)
    if not records:
        from charcot.knowledge.loader import DATA_DIR

        records = get_knowledge(DATA_DIR).typed("jurisdictions", Jurisdiction)
    return {j.id: j for j in records}


def iso_country(country: str, kb: Knowledge | None = None) -> str:
    """A country code as ISO 3166-1 alpha-2: another code in use for it (EL for Greece) is read as the country."""
    code = country.strip().upper()
    for j in jurisdictions(kb).values():
        for other in j.other_codes:
            if other.code == code:
                return other.country
    return code


def for_country(country: str | None, kb: Knowledge | None = None) -> Jurisdiction | None:
    """The jurisdiction of a country (ISO 3166-1 alpha-2, or another code in use for it), or None."""
    if not country:
        return None
    iso = iso_country(country, kb)
    return next((j for j in jurisdictions(kb).values() if iso in j.countries), None)


def events_in(j: Jurisdiction, events: list[RegulatoryEvent]) -> list[RegulatoryEvent]:
    """The events of ``j``'s regulatory region that apply in ``j``, labelled with ``j``'s code."""
    return [e.model_copy(update={"region": j.id}) for e in events
            if e.region == j.regulatory_region and (not j.procedures or e.procedure in j.procedures)]


@dataclass(frozen=True)
class Undecided:
    """Why the records do not decide a therapy's status in a jurisdiction on a date, and the sources read."""

    reason: str
    sources: list[str]


def _latest(events: list[RegulatoryEvent], as_of: date) -> list[RegulatoryEvent]:
    """Events on or before ``as_of`` (undated ones count as earlier), oldest first."""
    return sorted((e for e in events if e.date is None or partial_date_start(e.date) <= as_of),
                  key=lambda e: partial_date_start(e.date) if e.date else date.min)


def status_in(j: Jurisdiction, events: list[RegulatoryEvent], as_of: date) -> RegionStatus | Undecided | None:
    """The status of a therapy in ``j`` on ``as_of`` (None: no record of it there on that date)."""
    here = _latest(events_in(j, events), as_of)
    if j.procedures:
        region = _latest([e for e in events if e.region == j.regulatory_region], as_of)
        if region and region[-1].procedure not in j.procedures:
            last = region[-1]
            kinds = " or ".join(p.value for p in j.procedures)
            when = f" on {last.date}" if last.date else ""
            return Undecided(
                f"the latest {REGIONS.get(j.regulatory_region, j.regulatory_region)} record ({last.status.value.replace('_', ' ')}"
                f"{when}) does not say it was decided by the {kinds} procedure, the only one valid in {j.name}: "
                "charcot cannot tell whether it applies there; check the country's medicines agency",
                sorted({*last.sources, *j.sources}))
    if not here:
        return None
    last = here[-1]
    if j.takes_effect_within_days is not None and last.date is not None:
        start, until = partial_date_start(last.date), partial_date_end(last.date) + timedelta(days=j.takes_effect_within_days)
        before = here[-2].status.available if len(here) > 1 else False
        if start <= as_of < until and before != last.status.available:
            return Undecided(
                f"{REGIONS.get(j.regulatory_region, j.regulatory_region)} decision {last.status.value.replace('_', ' ')} "
                f"on {last.date}: {j.name} adopt such a decision within {j.takes_effect_within_days} days, so on "
                f"{as_of.isoformat()} it may not apply there yet",
                sorted({*last.sources, *j.sources}))
    history = [f"{e.date or 'undated'}: {e.status.value}" for e in here]
    return RegionStatus(region=j.id, status=last.status.value, date=last.date, available=last.status.available,
                        note=last.note, history=history, sources=sorted({s for e in here for s in e.sources}),
                        unverified=last.confidence is Confidence.UNVERIFIED)


def checked_code(given: str, *, what: str, kb: Knowledge | None = None, path: str | Path | None = None,
                 record: str | None = None) -> str:
    """``given`` as a jurisdiction code (upper case), or an InputError in the same words wherever a code is given
    (``--jurisdiction``, the configuration, the patient facts' ``region``); a country code says which jurisdiction
    it belongs to."""
    from charcot.errors import InputError

    code = given.strip().upper()
    known = jurisdictions(kb)
    if code in known:
        return code
    country = for_country(code, kb)
    if country is not None:
        iso = iso_country(code, kb)
        named = f"{code} (read as {iso})" if iso != code else code
        hint = (f"{named} is a country: give it as the patient's country (country: {code}), or give its "
                f"jurisdiction, {country.id}; the jurisdictions are {', '.join(known)}")
    else:
        hint = (f"use one of {', '.join(known)}; a country (e.g. DE) is given as the case's country, which selects "
                "its jurisdiction")
    raise InputError(f"{what} {given!r} is not a jurisdiction charcot holds regulatory records for",
                     path=path, record=record, hint=hint)
