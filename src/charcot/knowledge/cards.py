"""``charcot knowledge gene NAME`` without typer or pydantic: the gene cards, rendered once per snapshot.

The text of a gene record (``gene_card``) is rendered from the validated record, the same function for
every path. The full command (``charcot.knowledge.cli.gene_cmd``) renders every gene once and stores the
cards with the name index of ``Knowledge.find_gene`` (symbols, HGNC ids, aliases, previous symbols) as JSON
beside the compiled knowledge (``charcot.knowledge.compiled``; folder ``knowledge-cards/``, 8 kept), under
a key made of the snapshot's content hash and the source of ``charcot.knowledge`` (this renderer and the index included) and
``charcot.model``. ``charcot.cli`` then answers ``charcot knowledge gene NAME`` (no other option) from that
file in a few milliseconds (``answer``); anything else, a name not in the index, no stored cards, the store
switched off or ``CHARCOT_KNOWLEDGE`` set, runs the full command, so output and exit codes are the same
(``tests/knowledge/test_cards.py`` compares the bytes of both paths for every gene and alias).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge
    from charcot.knowledge.schema.genes import Record as GeneRecord

UNVERIFIED_MARK = "⚠"
CARDS = "gene-cards.json"
_FORMAT = 1  # bump when the file's layout changes


def unverified_mark(confidence: Any) -> str:
    """The " ⚠" after a record or fact that is unverified (every knowledge listing marks them so)."""
    return f" {UNVERIFIED_MARK}" if str(confidence) == "unverified" else ""


def gene_card(gene: GeneRecord) -> list[str]:
    """The lines of ``charcot knowledge gene`` for one record (without the "resolved from" line)."""
    lines = [f"{gene.symbol} ({gene.hgnc_id}){unverified_mark(gene.confidence)}  {gene.name or ''}"]
    if gene.confidence.value == "unverified":
        lines.append(f"  {UNVERIFIED_MARK} unverified: {gene.confidence_note or 'see sources'}")
    lines.append(f"  role: {gene.role.value}   inheritance: {', '.join(i.value for i in gene.inheritance)}")
    for a in gene.als_clingen:
        lines.append(f"  ClinGen ALS GCEP: {a.classification}, {a.disease}, {a.moi} ({a.date.isoformat()})")
    if not gene.als_clingen:
        lines.append("  ClinGen ALS GCEP: not curated (as of the 2025-07-01 export)")
    if gene.alsod_category:
        lines.append(f"  ALSoD category: {gene.alsod_category}")
    lines.append(f"  mechanism: {', '.join(m.value.replace('_', ' ') for m in gene.disease_mechanism)}; "
                 f"categories: {', '.join(c.replace('_', ' ') for c in gene.mechanism_categories) or 'none recorded'}")
    if gene.familial_share or gene.sporadic_share:
        lines.append(f"  share of familial ALS: {gene.familial_share or 'not recorded'}; "
                     f"sporadic: {gene.sporadic_share or 'not recorded'}")
    for phenotype in gene.phenotypes:
        lines.append(f"  phenotype: {phenotype}")
    if gene.aliases or gene.previous_symbols:
        lines.append(f"  aliases: {', '.join(gene.aliases) or '-'}; "
                     f"previous symbols: {', '.join(gene.previous_symbols) or '-'}")
    if gene.mane:
        lines.append(f"  MANE Select: {gene.mane.refseq_nm} / {gene.mane.refseq_np} "
                     f"({gene.mane.ensembl_transcript} / {gene.mane.ensembl_protein})")
    for build, coords in sorted(gene.coordinates.items()):
        lines.append(f"  {build}: {coords.span.chrom}:{coords.span.start}-{coords.span.end} ({coords.span.strand}), "
                     f"{len(coords.exons)} canonical exons" + ("" if coords.exons else " (exon table not available)"))
    if gene.acmg:
        acmg = gene.acmg
        lines.append(f"  ACMG: PVS1 {'applicable' if acmg.lof_is_mechanism else 'not applicable'}: {acmg.lof_note}")
        f = acmg.frequency
        lines.append(f"  frequency: BA1 {f.ba1:g}, BS1 {f.bs1:g}, PM2_Supporting <= {f.pm2_max:g}{unverified_mark(f.confidence)}")
        lines.append(f"    derivation: {f.derivation}")
        for domain in [*acmg.critical_domains, *acmg.hotspots]:
            lines.append(f"  region: {domain.name} {domain.start}-{domain.end}{unverified_mark(domain.confidence)}")
        for exc in acmg.exceptions:
            lines.append(f"  exception {exc.id} ({exc.applies_to}){unverified_mark(exc.confidence)}: {exc.effect}")
    else:
        lines.append("  ACMG rules: none curated (variants in this gene are not assessed for ALS)")
    if gene.notes:
        lines.append(f"  notes: {gene.notes}")
    lines.append(f"  sources: {', '.join(gene.sources)}")
    return lines


def card_text(card: list[str], symbol: str, name: str) -> str:
    """What the command prints for ``name`` resolved to ``symbol`` (the text ``emit`` writes)."""
    lines = list(card)
    if symbol.upper() != name.strip().upper():
        lines.insert(1, f"  resolved from: {name}")
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"


@lru_cache(maxsize=1)
def _code_key() -> str:
    """The source of the modules that define the records, their index and this renderer, and the versions
    (pydantic's version is not read: it would cost its import, and the cards hold only rendered text)."""
    from charcot import __version__
    from charcot.knowledge.compiled import source_digest

    return source_digest(f"{_FORMAT}\0{sys.version}\0{__version__}\0")


def _cards_path(data_dir: Path, content: str | None = None) -> Path | None:
    from charcot.knowledge import compiled

    root = compiled.cache_root()
    if root is None:
        return None
    if content is None:
        content = compiled.content_hash(data_dir)
    name = hashlib.sha256(f"{content}\0cards\0{_code_key()}".encode()).hexdigest()[:32]
    return root.parent / "knowledge-cards" / f"{name}.json"


def store(kb: Knowledge) -> None:
    """Render every gene of ``kb`` and store the cards with the name index (skipped when present, when the
    store is off, or when a data file changed while the snapshot was loaded)."""
    from charcot.knowledge import compiled

    path = _cards_path(kb.data_dir, kb.content_hash)
    if path is None or path.exists():
        return
    index = kb.gene_names()
    cards = {gene.symbol: gene_card(gene) for gene in kb.genes}
    if compiled.content_hash(kb.data_dir) != kb.content_hash:
        return
    payload = json.dumps({"format": _FORMAT, "index": index, "cards": cards}, ensure_ascii=False, sort_keys=True)
    if compiled.write_file(path, payload.encode("utf-8")):
        compiled.prune(path.parent, "*.json")


def answer(name: str) -> int | None:
    """Print the card of ``name`` from the stored cards and return 0, or None when the full command must run."""
    if os.environ.get("CHARCOT_KNOWLEDGE") or not name.strip() or name.startswith("-"):
        return None
    from charcot.knowledge import DATA_DIR, compiled

    path = _cards_path(DATA_DIR)
    if path is None or not compiled.trusted(path):
        return None
    try:
        stored = json.loads(path.read_bytes())
        symbol = stored["index"].get(name.strip().upper())
        card = stored["cards"][symbol] if symbol is not None else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(card, list) or not all(isinstance(line, str) for line in card):
        return None
    text = card_text(card, symbol, name)
    try:
        sys.stdout.flush()
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # as charcot.cli_contract.run_app: the reader stopped reading
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
