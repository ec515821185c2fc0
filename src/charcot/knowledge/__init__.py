"""The ALS knowledge base: cited, versioned data read through one ``Knowledge`` object.

>>> kb = get_knowledge()
>>> kb.gene("TDP-43").symbol
'TARDBP'
"""

from __future__ import annotations

import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from charcot.errors import InputError
from charcot.knowledge.sections import SECTIONS

if TYPE_CHECKING:
    from charcot.knowledge.base import CitedRecord, KnowledgeMeta, Source
    from charcot.knowledge.schema.genes import Record as GeneRecord

# The package imports no pydantic: a look-up answered from the stored gene cards (charcot.knowledge.cards)
# imports this package and nothing heavy; the loader and the schemas are imported when a section is read.
DATA_DIR = Path(__file__).parent / "data"  # the same folder as charcot.knowledge.loader.DATA_DIR

R = TypeVar("R", bound="CitedRecord")

__all__ = ["Knowledge", "get_knowledge"]


def load_section(section: str, data_dir: Path = DATA_DIR) -> list[CitedRecord]:
    from charcot.knowledge import loader

    return loader.load_section(section, data_dir)


def load_meta(data_dir: Path = DATA_DIR) -> KnowledgeMeta:
    from charcot.knowledge import loader

    return loader.load_meta(data_dir)


def load_bibliography(data_dir: Path = DATA_DIR) -> dict[str, Source]:
    from charcot.knowledge import loader

    return loader.load_bibliography(data_dir)


class Knowledge:
    """Lazy, cached access to every section. Each section is parsed on first use only."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self._sections: dict[str, list[CitedRecord]] = {}

    @cached_property
    def meta(self) -> KnowledgeMeta:
        from charcot.knowledge import compiled

        meta: KnowledgeMeta = compiled.cached(self.data_dir, self.content_hash, "meta", lambda: load_meta(self.data_dir))
        return meta

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 over every data file of this snapshot (see charcot.knowledge.snapshots)."""
        from charcot.knowledge.compiled import content_hash

        return content_hash(self.data_dir)

    @cached_property
    def bibliography(self) -> dict[str, Source]:
        from charcot.knowledge import compiled

        merged: dict[str, Source] = compiled.cached(self.data_dir, self.content_hash, "bibliography",
                                                    lambda: load_bibliography(self.data_dir))
        return merged

    def records(self, section: str) -> list[CitedRecord]:
        """The validated records of one section: parsed from its YAML once per snapshot content, then read
        from the compiled store (charcot.knowledge.compiled)."""
        if section not in SECTIONS:
            raise KeyError(f"unknown knowledge section {section!r}")
        if section not in self._sections:
            from charcot.knowledge import compiled

            self._sections[section] = compiled.cached(self.data_dir, self.content_hash, section,
                                                      lambda: load_section(section, self.data_dir))
        return self._sections[section]

    def typed(self, section: str, model: type[R]) -> list[R]:
        """Records of a section, typed as the section's schema model."""
        return cast(list[R], self.records(section))

    def load_all(self) -> None:
        for section in SECTIONS:
            self.records(section)
        _ = self.meta, self.bibliography

    # genes ---------------------------------------------------------------------------------
    @property
    def genes(self) -> list[GeneRecord]:
        from charcot.knowledge.schema.genes import Record

        return self.typed("genes", Record)

    @cached_property
    def _gene_index(self) -> dict[str, Any]:
        index: dict[str, Any] = {}
        # Approved symbols win over aliases; an alias shared by two genes resolves to neither.
        ambiguous: set[str] = set()
        for gene in self.genes:
            index[gene.symbol.upper()] = gene
            index[gene.hgnc_id.upper()] = gene
        for gene in self.genes:
            for name in [*gene.aliases, *gene.previous_symbols]:
                upper = name.upper()
                if upper in index and index[upper] is not gene and upper not in ambiguous:
                    if index[upper].symbol.upper() == upper:
                        continue
                    ambiguous.add(upper)
                    del index[upper]
                elif upper not in ambiguous:
                    index[upper] = gene
        return index

    def gene_names(self) -> dict[str, str]:
        """Every name ``find_gene`` resolves (upper case) -> the approved symbol it resolves to."""
        return {name: gene.symbol for name, gene in self._gene_index.items()}

    def find_gene(self, name: str) -> GeneRecord | None:
        return cast("GeneRecord | None", self._gene_index.get(name.strip().upper()))

    def gene(self, name: str) -> GeneRecord:
        found = self.find_gene(name)
        if found is None:
            raise InputError(f"gene {name!r} is not in the charcot knowledge base",
                             hint="run 'charcot knowledge genes' to list the curated genes (aliases such as TDP-43 "
                                  "and previous symbols such as C21orf2 are accepted)")
        return found


def get_knowledge(data_dir: Path | None = None) -> Knowledge:
    """The knowledge snapshot in force: ``data_dir`` if given, else the one named by the environment
    variable CHARCOT_KNOWLEDGE (a released version, a snapshot folder or a .tar.gz from 'charcot knowledge snapshot save',
    to re-run or re-render with an earlier snapshot), else the installed one."""
    if data_dir is None:
        env = os.environ.get("CHARCOT_KNOWLEDGE")
        if env:
            from charcot.knowledge.snapshots import resolve_snapshot

            data_dir = resolve_snapshot(env)
    return _knowledge_for(data_dir or DATA_DIR)


@lru_cache(maxsize=4)
def _knowledge_for(data_dir: Path) -> Knowledge:
    return Knowledge(data_dir)


