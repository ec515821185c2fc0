"""Commands of charcot.knowledge (registered on the main app by charcot.cli): ``charcot knowledge ...``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import typer

from charcot.cli_contract import (
    OutputFormat,
    emit,
    file_argument,
    folder_ok,
    format_option,
    output_option,
    resolve_format,
)
from charcot.errors import InputError
from charcot.knowledge.cards import UNVERIFIED_MARK
from charcot.knowledge.cards import unverified_mark as _mark

knowledge_app = typer.Typer(name="knowledge", help="The cited ALS knowledge base: genes, variants, sources, validation.",
                            no_args_is_help=True)


ROWS = (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.TSV)


def _kb() -> Any:
    from charcot.knowledge import get_knowledge

    return get_knowledge()


def _gene_row(gene: Any) -> dict[str, Any]:
    g38 = gene.coords("GRCh38")
    return {
        "symbol": gene.symbol,
        "hgnc_id": gene.hgnc_id,
        "role": gene.role.value,
        "inheritance": ",".join(i.value for i in gene.inheritance),
        "clingen_als": gene.clingen_classification or "not curated",
        "alsod": gene.alsod_category or "",
        "mechanism": ",".join(m.value for m in gene.disease_mechanism),
        "pvs1": "yes" if gene.pvs1_applicable else "no",
        "grch38": f"{g38.span.chrom}:{g38.span.start}-{g38.span.end}" if g38 else "not derived",
        "mane": gene.mane.refseq_nm if gene.mane else "",
        "confidence": gene.confidence.value,
        "sources": ",".join(gene.sources),
    }


@knowledge_app.command("genes")
def genes_cmd(
    role: str | None = typer.Option(None, "--role", help="Only genes with this role (causal, candidate, risk_factor, "
                                                          "modifier, disputed, refuted, mimic)."),
    fmt: str | None = format_option(ROWS),
    output: Path | None = output_option("the list"),
) -> None:
    """List the curated genes (⚠ = record carries unverified facts)."""
    from charcot.knowledge.schema.genes import GeneRole

    genes = _kb().genes
    if role is not None:
        try:
            wanted = GeneRole(role)
        except ValueError:
            raise InputError(f"unknown role {role!r}", hint="one of: " + ", ".join(r.value for r in GeneRole)) from None
        genes = [g for g in genes if g.role == wanted]
    rows = [_gene_row(g) for g in genes]
    chosen = resolve_format(fmt, output, ROWS)
    if chosen is OutputFormat.JSON:
        emit(json.dumps(rows, indent=1), output)
        return
    if chosen is OutputFormat.TSV:
        emit(_tsv(rows), output)
        return
    from rich.table import Table

    table = Table(title=f"charcot ALS genes ({len(rows)}; {UNVERIFIED_MARK} = contains unverified facts)")
    for column in ("gene", "role", "inheritance", "ClinGen ALS GCEP", "mechanism", "PVS1", "GRCh38", "MANE"):
        table.add_column(column)
    for gene, row in zip(genes, rows, strict=True):
        table.add_row(row["symbol"] + _mark(gene.confidence), row["role"], row["inheritance"], row["clingen_als"],
                      row["mechanism"], row["pvs1"], row["grch38"], row["mane"])
    _print_table(table, output)


def _tsv(rows: list[dict[str, Any]]) -> str:
    from charcot.cli_contract import tsv_cell

    if not rows:
        return ""
    return "\n".join(["\t".join(rows[0]), *("\t".join(tsv_cell(v) for v in row.values()) for row in rows)])


def _print_table(table: Any, output: Path | None) -> None:
    """A rich table at the terminal's width (80 columns when not a terminal), to stdout or -o FILE."""
    from rich.console import Console

    from charcot.cli_contract import is_stdout

    if is_stdout(output):
        Console().print(table)
        return
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    emit(console.export_text(), output)


def _resolve(name: str) -> Any:
    return _kb().gene(name)  # an unknown name is an InputError that lists how to find the curated genes


@knowledge_app.command("gene")
def gene_cmd(
    name: str = typer.Argument(..., help="Symbol, alias, previous symbol or HGNC id (e.g. TDP-43, C21orf2, ALS1)."),
    fmt: str | None = format_option(),
    output: Path | None = output_option("the record"),
) -> None:
    """Everything the knowledge base holds on one gene, with its sources."""
    from charcot.knowledge import cards

    gene = _resolve(name)
    if resolve_format(fmt, output) is OutputFormat.JSON:
        emit(gene.model_dump_json(indent=1), output)
        return
    emit(cards.card_text(cards.gene_card(gene), gene.symbol, name), output)
    cards.store(_kb())  # the next `charcot knowledge gene NAME` is answered without typer or pydantic


@knowledge_app.command("variants")
def variants_cmd(
    gene: str | None = typer.Option(None, "--gene", help="Only this gene (aliases accepted)."),
    fmt: str | None = format_option(ROWS),
    output: Path | None = output_option("the list"),
) -> None:
    """Known recurrent and founder variants."""
    from charcot.knowledge.schema.variants import Record

    records = _kb().typed("variants", Record)
    if gene is not None:
        symbol = _resolve(gene).symbol
        records = [r for r in records if r.gene == symbol]
    rows = []
    for r in records:
        rows.append({
            "id": r.id, "gene": r.gene, "hgvs": f"{r.transcript}:{r.hgvs_c} {r.hgvs_p}", "legacy": r.legacy_name or "",
            "classification": r.classification.value if r.classification else "not classified",
            "grch38": f"{r.grch38.chrom}:{r.grch38.pos}{r.grch38.ref}>{r.grch38.alt}" if r.grch38 else "",
            "grch37": f"{r.grch37.chrom}:{r.grch37.pos}{r.grch37.ref}>{r.grch37.alt}" if r.grch37 else "",
            "inheritance": ",".join(r.inheritance), "confidence": r.confidence.value, "sources": ",".join(r.sources),
        })
    chosen = resolve_format(fmt, output, ROWS)
    if chosen is OutputFormat.JSON:
        emit(json.dumps(rows, indent=1), output)
        return
    if chosen is OutputFormat.TSV:
        emit(_tsv(rows), output)
        return
    from rich.table import Table

    table = Table(title=f"known variants ({len(rows)}; {UNVERIFIED_MARK} = unverified facts)")
    for column in ("id", "HGVS (MANE)", "legacy", "classification", "GRCh38", "GRCh37", "inheritance"):
        table.add_column(column)
    for r, row in zip(records, rows, strict=True):
        table.add_row(row["id"] + _mark(r.confidence), row["hgvs"], row["legacy"], row["classification"],
                      row["grch38"], row["grch37"], row["inheritance"])
    _print_table(table, output)


@knowledge_app.command("sources")
def sources_cmd(
    key: str | None = typer.Argument(None, help="Show one source key (e.g. S-CG25)."),
    fmt: str | None = format_option(),
    output: Path | None = output_option("the list"),
) -> None:
    """The bibliography (every source key the knowledge base cites)."""
    bibliography = _kb().bibliography
    items = list(bibliography.values())
    if key is not None:
        if key not in bibliography:
            raise InputError(f"unknown source key {key!r}", hint="run 'charcot knowledge sources' to list the keys")
        items = [bibliography[key]]
    if resolve_format(fmt, output) is OutputFormat.JSON:
        emit(json.dumps([s.model_dump(mode="json", exclude_none=True) for s in items], indent=1), output)
        return
    lines = []
    for s in items:
        where = s.url or (f"doi:{s.doi}" if s.doi else "") or (f"PMID {s.pmid}" if s.pmid else "")
        weak = f"  [note: {s.note}]" if s.note else ""
        lines.append(f"{s.key}: {s.citation} {where} (accessed {s.accessed}){weak}")
    emit("\n".join(lines), output)


def _check_shared(shared: Path) -> None:
    """--shared, asked for by name: a folder that cannot re-derive the gene tables is an error, never a note beside
    "OK" (a folder whose genes/ charcot may not enter is said so, not an internal error)."""
    try:
        usable = (shared / "genes" / "hgnc").is_dir()
    except PermissionError:
        raise InputError(f"cannot read --shared {shared}: permission denied reaching its genes/hgnc/ folder",
                         path=shared,
                         hint="check the permissions of the folders in it, or copy it somewhere readable") from None
    if not usable:
        what = "holds no shared source tables (genes/hgnc/ is missing)" if shared.is_dir() else "is not a folder"
        raise InputError(f"--shared {shared} {what}: the gene tables cannot be re-derived from it", path=shared,
                         hint="give the shared data folder (the one with genes/hgnc/, genes/mane/, clingen/), or "
                              "leave --shared out to use the default")


@knowledge_app.command("validate")
def validate_cmd(
    shared: Path | None = typer.Option(None, "--shared", callback=folder_ok, help="Shared source-table directory used to re-derive the "
                                                               "gene tables (default <repo>/../shared/data)."),
) -> None:
    """Check every knowledge file; exit 2 and list each problem (file, record) when anything is wrong."""
    from charcot.knowledge.validate import validate

    if shared is not None:
        _check_shared(shared)
    report = validate(shared_dir=shared)
    for note in report.notes:
        typer.echo(f"note: {note}")
    if report.missing_sections:
        typer.echo(f"missing section files: {', '.join(report.missing_sections)}")
    typer.echo("loaded: " + ", ".join(f"{k} {v}" for k, v in report.counts.items()))
    if report.ok:
        typer.echo("knowledge base OK")
        return
    for problem in report.problems:
        typer.echo(f"problem: {problem.render()}", err=True)
    typer.echo(f"{len(report.problems)} problem(s)", err=True)
    raise typer.Exit(2)


@knowledge_app.command("summary")
def summary_cmd() -> None:
    """Snapshot version/date and record counts per section."""
    from charcot.knowledge.sections import SECTIONS

    kb = _kb()
    meta = kb.meta
    typer.echo(f"charcot knowledge base {meta.version} (snapshot {meta.snapshot_date.isoformat()})")
    for section in SECTIONS:
        path = kb.data_dir / f"{section}.yaml"
        if not path.exists():
            typer.echo(f"  {section}: not present")
            continue
        records = kb.records(section)
        unverified = sum(1 for r in records if r.confidence.value == "unverified")
        typer.echo(f"  {section}: {len(records)} records ({unverified} with unverified facts)")
    typer.echo(f"  bibliography: {len(kb.bibliography)} sources")


def _open_kb(spec: str) -> Any:
    """'current' (the installed snapshot, or CHARCOT_KNOWLEDGE), a snapshot folder or a .tar.gz archive."""
    from charcot.knowledge import Knowledge, get_knowledge
    from charcot.knowledge.snapshots import resolve_snapshot

    if spec == "current":
        return get_knowledge()
    return Knowledge(resolve_snapshot(spec))


@knowledge_app.command("diff")
def diff_cmd(
    old: str = typer.Argument(..., metavar="OLD", help="Older snapshot: a released version (e.g. 2026.11.0), a folder "
                                                       "with meta.yaml, a .tar.gz from 'knowledge snapshot save', or "
                                                       "'current'."),
    new: str = typer.Argument("current", metavar="NEW", help="Newer snapshot (default: current)."),
    fmt: str | None = format_option(),
    output: Path | None = output_option("the differences"),
) -> None:
    """What changed between two knowledge snapshots, by section and record."""
    from charcot.knowledge.snapshots import describe, diff_knowledge

    chosen = resolve_format(fmt, output)
    result = diff_knowledge(_open_kb(old), _open_kb(new))
    text = result.model_dump_json(indent=1) if chosen is OutputFormat.JSON else describe(result)
    emit(text, output)


snapshot_app = typer.Typer(name="snapshot", help="Save or identify knowledge snapshots.", no_args_is_help=True)


@snapshot_app.command("save")
def snapshot_save_cmd(
    out: Path = file_argument("ARCHIVE", "The .tar.gz to write ('-': standard output)."),
) -> None:
    """Save the current knowledge snapshot as a deterministic .tar.gz archive."""
    from charcot.cli_contract import is_stdout, note
    from charcot.knowledge.snapshots import save_snapshot
    from charcot.outputs import when_written

    kb = _kb()
    digest = save_snapshot(kb.data_dir, out)  # refuses an archive inside the folder it saves
    # on stderr: with ARCHIVE '-' standard output carries the archive alone; said once the archive is written
    message = (f"saved knowledge {kb.meta.version} ({kb.meta.snapshot_date.isoformat()}, content {digest[:12]}) "
               f"to {'standard output' if is_stdout(out) else out}")
    when_written(lambda: note(message))


@snapshot_app.command("info")
def snapshot_info_cmd(
    snapshot: str = typer.Argument("current", metavar="SNAPSHOT", help="A snapshot folder, a .tar.gz, or 'current'."),
) -> None:
    """Version, date and content hash of a knowledge snapshot."""
    from charcot.knowledge.snapshots import snapshot_id

    sid = snapshot_id(_open_kb(snapshot))
    typer.echo(f"version {sid.version}\nsnapshot date {sid.snapshot_date}\ncontent hash {sid.content_hash}")


knowledge_app.add_typer(snapshot_app, name="snapshot")


def _register_therapy(app: typer.Typer) -> None:
    try:
        from charcot.therapy.cli import register_knowledge  # type: ignore[attr-defined,unused-ignore]
    except (ImportError, AttributeError):
        return  # the therapy commands are optional until that package provides them
    register_knowledge(app)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""
    _register_therapy(knowledge_app)
    app.add_typer(knowledge_app, name="knowledge")
