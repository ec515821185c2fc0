"""Knowledge browser: every section of the knowledge base as tables in words, with search and a
detail page per record. Nested facts (regulatory approvals, trial statuses, repeat thresholds,
criteria) become tables with worded headings, never raw dictionaries."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

# The columns of each section's list, in the order a clinician reads them; other sections show their
# first few fields.
LIST_COLUMNS = {
    "genes": ["symbol", "hgnc_id", "name", "role", "inheritance", "disease_mechanism", "familial_share", "confidence"],
    "therapies": ["name", "therapy_class", "purpose", "development_status", "regulatory", "confidence"],
    "trials": ["nct_id", "acronym", "title", "phase", "status", "target_genes", "population", "confidence"],
    "repeats": ["gene", "display_motif", "role", "inheritance", "threshold_sets", "confidence"],
    "variants": ["gene", "legacy_name", "hgvs_c", "hgvs_p", "classification", "confidence"],
    "penetrance": ["gene", "scope", "default_curve", "population", "confidence"],
    "claims": ["claim", "assessment", "confidence"],
    "mechanisms": ["name", "description", "genes", "confidence"],
    "epidemiology": ["measure", "region", "sex", "age_band", "period", "statistic", "value", "confidence"],
}
ID_FIELDS = ("id", "nct_id", "symbol", "gene")
_WORDS = {"nct_id": "ClinicalTrials.gov id", "hgnc_id": "HGNC id", "hgvs_c": "HGVS (cDNA)", "hgvs_p": "HGVS (protein)",
          "moi": "mode of inheritance", "mane": "MANE transcript", "rsid": "dbSNP id", "acmg": "ACMG notes",
          "clingen": "ClinGen curation", "alsod_category": "ALSoD category", "as_of": "as of",
          "refseq_nm": "RefSeq transcript", "refseq_np": "RefSeq protein", "lof_is_mechanism": "loss of function is the mechanism"}
_VALUES = {"AD": "autosomal dominant", "AR": "autosomal recessive", "XLD": "X-linked dominant", "XL": "X-linked"}


def words(key: str) -> str:
    text = _WORDS.get(key, key.replace("_", " "))
    return text[:1].upper() + text[1:]


def value_html(value: Any, depth: int = 0) -> Markup:
    """Any JSON value as readable HTML: a mapping becomes a two-column table, a list of mappings a
    table with one row each, booleans yes/no, missing values 'not recorded'."""
    if value is None or value == [] or value == {}:
        return Markup('<span class="small">not recorded</span>')
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    if isinstance(value, str):
        return Markup(escape(_VALUES.get(value, value.replace("_", " ") if "_" in value and " " not in value else value)))
    if isinstance(value, int | float):
        return Markup(escape(str(value)))
    if isinstance(value, dict):
        if depth > 3:
            return Markup(escape(json.dumps(value)))
        rows = "".join(f"<tr><th>{escape(words(k))}</th><td>{value_html(v, depth + 1)}</td></tr>"
                       for k, v in value.items() if v not in (None, [], {}))
        return Markup(f'<table class="kv">{rows}</table>')
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            cols: list[str] = []
            for v in value:
                cols += [k for k in v if k not in cols and any(x.get(k) not in (None, [], {}) for x in value)]
            head = "".join(f"<th>{escape(words(c))}</th>" for c in cols)
            body = "".join("<tr>" + "".join(f"<td>{value_html(v.get(c), depth + 1)}</td>" for c in cols) + "</tr>"
                           for v in value)
            return Markup(f'<table class="nested"><tr>{head}</tr>{body}</table>')
        return Markup(", ".join(str(value_html(v, depth + 1)) for v in value))
    return Markup(escape(str(value)))


def record_id(record: dict[str, Any]) -> str:
    return next((str(record[k]) for k in ID_FIELDS if record.get(k)), "")


def register(app: FastAPI, page: Callable[..., HTMLResponse]) -> None:
    from charcot.knowledge.sections import SECTIONS

    def _records(section: str) -> tuple[list[dict[str, Any]], Any]:
        from charcot.knowledge import get_knowledge

        if section not in SECTIONS:
            raise HTTPException(404, "There is no such knowledge section.")
        kb = get_knowledge()
        return [r.model_dump(mode="json") for r in kb.records(section)], kb

    @app.get("/knowledge", response_class=HTMLResponse)
    def knowledge(request: Request, section: str = "genes", q: str = "") -> HTMLResponse:
        records, kb = _records(section)
        q = q.strip()[:100]
        if q:
            needle = q.lower()
            records = [r for r in records if needle in json.dumps(r, ensure_ascii=False).lower()]
        present = {k for r in records for k in r}
        columns = [c for c in LIST_COLUMNS.get(section, []) if c in present] or [
            k for k in (records[0] if records else {}) if k not in ("sources", "confidence_note")][:6]
        rows = [{"id": record_id(r), "cells": [value_html(r.get(c)) for c in columns], "sources": r.get("sources", [])}
                for r in records]
        return page("knowledge.html.j2", request, section=section, sections=SECTIONS, rows=rows,
                    columns=[words(c) for c in columns], meta=kb.meta, q=q)

    @app.get("/knowledge/{section}/{rid:path}", response_class=HTMLResponse)
    def knowledge_record(request: Request, section: str, rid: str) -> HTMLResponse:
        records, kb = _records(section)
        record = next((r for r in records if record_id(r) == rid), None)
        if record is None:
            raise HTTPException(404, "There is no such record in this section.")
        fields = [(words(k), value_html(v)) for k, v in record.items() if k not in ("sources",)]
        cited = [(key, kb.bibliography[key].citation if key in kb.bibliography else "not in the bibliography")
                 for key in record.get("sources", [])]
        return page("knowledge_record.html.j2", request, section=section, sections=SECTIONS, rid=rid, fields=fields,
                    cited=cited, meta=kb.meta)
