"""Age-dependent penetrance for the risk engine, read from the knowledge base.

``PenetranceModel.cumulative(g, t)`` is the probability that a person of genotype g has had onset by
age t: (1 - x)·F(t) for carriers (g = 1, 2; homozygotes are assumed to behave like heterozygotes),
phenocopy·F(t) for non-carriers, where F is the gene's cumulative onset-age curve (knowledge base
``penetrance``), x the lifetime non-penetrant fraction and phenocopy the lifetime risk of ALS from
other causes. Between integer ages F is interpolated linearly; beyond 100 it stays at F(100).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from charcot.errors import InputError
from charcot.knowledge.schema.penetrance import Curve
from charcot.knowledge.schema.penetrance import Record as PenetranceRecord

FloatArray = NDArray[np.float64]

# Lifetime risk of ALS in the general population, 0.26% (Irish register, S-Rya19): used as the
# phenocopy rate (ALS in a non-carrier). Its age shape is approximated by the gene's own curve.
POPULATION_LIFETIME_RISK = 0.0026
# Onset in a year of age where the curve is flat (e.g. before the youngest onset in the data) gets
# this floor per year so that a real observation is never "impossible" under the model.
DENSITY_FLOOR = 1e-6


def penetrance_record(gene: str) -> PenetranceRecord:
    """The penetrance record of a gene (name or alias resolved through the gene knowledge base)."""
    from charcot.knowledge import get_knowledge

    kb = get_knowledge()
    records = {r.key.upper(): r for r in kb.records("penetrance") if isinstance(r, PenetranceRecord)}
    wanted = gene.strip().upper()
    if wanted not in records:
        found = kb.find_gene(gene) if kb.genes else None
        if found is not None and found.symbol.upper() in records:
            wanted = found.symbol.upper()
    if wanted not in records:
        have = ", ".join(r.gene for r in records.values())
        found = kb.find_gene(gene) if kb.genes else None
        if found is not None and any(i.value.startswith("XL") for i in found.inheritance):
            raise InputError(
                f"no sourced penetrance curve for {found.symbol}, so relatives' risks are not computed: "
                f"{found.symbol} is X-linked ({', '.join(i.value for i in found.inheritance)}) and the X-linked model "
                f"needs an age-at-onset curve for hemizygous males and the lifetime penetrance (and curve, if "
                f"different) of heterozygous females; no published source for either is recorded in the knowledge "
                f"base", hint=f"sourced curves exist for: {have}")
        raise InputError(f"no age-dependent penetrance curve for {gene!r} in the knowledge base",
                         hint=f"curves exist for: {have}")
    return records[wanted]


@dataclass(frozen=True)
class PenetranceModel:
    curve: Curve
    nonpenetrance: float
    phenocopy: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.nonpenetrance <= 1.0:
            raise InputError(f"non-penetrance {self.nonpenetrance:g} is outside [0, 1]", hint="a fraction, e.g. 0.2")
        if not 0.0 <= self.phenocopy < 1.0:
            raise InputError(f"phenocopy risk {self.phenocopy:g} is outside [0, 1)",
                             hint="a fraction below 1, e.g. 0.003 (the lifetime risk of ALS without a variant)")

    def base(self, t: float | FloatArray) -> FloatArray:
        values = np.asarray(self.curve.values, dtype=float)
        return np.asarray(np.interp(np.asarray(t, dtype=float), np.arange(len(values)), values))

    def scale(self) -> FloatArray:
        """Lifetime penetrance per genotype (0, 1, 2)."""
        return np.array([self.phenocopy, 1.0 - self.nonpenetrance, 1.0 - self.nonpenetrance])

    def cumulative(self, t: float) -> FloatArray:
        """P(onset by age t) per genotype."""
        return self.scale() * float(self.base(t))

    def lifetime(self) -> FloatArray:
        return self.scale() * float(self.base(len(self.curve.values) - 1))

    def onset_density(self, onset: float) -> FloatArray:
        """P(onset within the year of age around ``onset``) per genotype: F(a + 0.5) - F(a - 0.5)."""
        lo, hi = self.base(max(onset - 0.5, 0.0)), self.base(onset + 0.5)
        return self.scale() * max(float(hi - lo), DENSITY_FLOOR)
