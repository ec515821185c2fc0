"""Exact genotype posteriors on a pedigree by peeling (sum-product over the pedigree graph).

Model: one biallelic locus, genotype g ∈ {0: non-carrier, 1: heterozygous, 2: homozygous}.
Founders get Hardy–Weinberg priors; non-founders Mendelian transmission from their parents; each
person contributes a likelihood vector L[i, g] (phenotype at age, test result).

Algorithm (Elston & Stewart 1971; Lange & Elston 1975 for general loopless pedigrees): every
mating pair becomes a node with the 9 joint parental genotypes, linked to father and mother by
indicator matrices and to each child by the 9×3 transmission matrix. For a pedigree without
marriage or consanguinity loops that graph is a tree, and two passes of messages (leaves → root,
root → leaves) give every person's exact posterior and the likelihood in time linear in the
number of people. Messages are normalised at each step and the log scale accumulated.

A pedigree with a loop is not a tree: ``peel`` raises ``LoopError``. Small looped pedigrees
(≤ ``ENUMERATION_LIMIT`` people) are solved exactly by ``enumerate_posteriors`` (every genotype
configuration); larger ones need loop breaking or MCMC, which charcot does not implement.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

ENUMERATION_LIMIT = 12


def transmission_matrix() -> FloatArray:
    """T[3*gf + gm, g]: probability of child genotype g given parental genotypes (no new mutation)."""
    t = np.zeros((9, 3))
    for gf in range(3):
        for gm in range(3):
            pf, pm = gf / 2.0, gm / 2.0  # chance each parent transmits the variant allele
            t[3 * gf + gm] = [(1 - pf) * (1 - pm), pf * (1 - pm) + (1 - pf) * pm, pf * pm]
    return t


TRANSMISSION = transmission_matrix()
_FATHER_LINK = np.array([[1.0 if k // 3 == g else 0.0 for g in range(3)] for k in range(9)])
_MOTHER_LINK = np.array([[1.0 if k % 3 == g else 0.0 for g in range(3)] for k in range(9)])


def hardy_weinberg(carrier_frequency: float) -> FloatArray:
    """Founder genotype prior from the carrier (het + hom) frequency c: allele q = 1 - sqrt(1 - c)."""
    if not 0.0 < carrier_frequency < 1.0:
        raise ValueError("carrier frequency must be in (0, 1)")
    q = 1.0 - np.sqrt(1.0 - carrier_frequency)
    return np.array([(1 - q) ** 2, 2 * q * (1 - q), q * q])


class LoopError(ValueError):
    """The pedigree graph has a cycle (marriage or consanguinity loop)."""

    def __init__(self, members: list[int]) -> None:
        super().__init__(f"pedigree loop through individuals {members}")
        self.members = members


@dataclass
class PeelResult:
    posteriors: FloatArray  # (n, 3)
    log_likelihood: float
    method: str


def _build_graph(father: NDArray[np.int64], mother: NDArray[np.int64]) -> tuple[
        int, list[tuple[int, int]], list[list[tuple[int, int]]], list[FloatArray]]:
    """Nodes 0..n-1 are people, n.. are couples. Returns (node count, couple pairs, adjacency
    (neighbour, edge id) and edge matrices oriented (couple states × person states))."""
    n = len(father)
    couple_index: dict[tuple[int, int], int] = {}
    for i in range(n):
        if father[i] >= 0:
            couple_index.setdefault((int(father[i]), int(mother[i])), n + len(couple_index))
    total = n + len(couple_index)
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(total)]
    matrices: list[FloatArray] = []
    edge_nodes: list[tuple[int, int]] = []
    # union-find for loop detection
    root = list(range(total))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    def add(couple: int, person: int, matrix: FloatArray) -> None:
        a, b = find(couple), find(person)
        if a == b:
            raise LoopError(sorted({person, *next(p for p, c in couple_index.items() if c == couple)}))
        root[a] = b
        eid = len(matrices)
        matrices.append(matrix)
        edge_nodes.append((couple, person))
        adjacency[couple].append((person, eid))
        adjacency[person].append((couple, eid))

    for (f, m), c in couple_index.items():
        add(c, f, _FATHER_LINK)
        add(c, m, _MOTHER_LINK)
    for i in range(n):
        if father[i] >= 0:
            add(couple_index[(int(father[i]), int(mother[i]))], i, TRANSMISSION)
    return total, edge_nodes, adjacency, matrices


def peel(father: NDArray[np.int64], mother: NDArray[np.int64], likelihood: FloatArray,
         founder_prior: FloatArray) -> PeelResult:
    """Exact posteriors P(g_i | all data) for every person and log P(data), for a loopless pedigree.

    ``father``/``mother``: parent index per person, -1 for founders (both or neither).
    ``likelihood``: (n, 3) non-negative. Raises LoopError for a looped pedigree and ValueError when
    the data are impossible under the model (likelihood 0)."""
    n = len(father)
    total, _edge_nodes, adjacency, matrices = _build_graph(father, mother)
    unary = np.ones((total, 9))
    unary[:n, 3:] = 0.0  # person nodes use the first 3 entries only
    founders = father < 0
    unary[:n, :3] = likelihood * np.where(founders[:, None], founder_prior[None, :], 1.0)
    size = np.full(total, 3)
    size[n:] = 9

    visited = np.zeros(total, dtype=bool)
    parent_edge = np.full(total, -1)
    parent_node = np.full(total, -1)
    # messages: up[v] = message from v to its parent (length of parent's state space)
    up: list[FloatArray | None] = [None] * total
    down: list[FloatArray | None] = [None] * total  # message from parent into v
    log_like = 0.0
    beliefs = np.zeros((total, 9))
    for start in range(total):
        if visited[start]:
            continue
        order: list[int] = []
        queue = deque([start])
        visited[start] = True
        while queue:
            v = queue.popleft()
            order.append(v)
            for w, eid in adjacency[v]:
                if not visited[w]:
                    visited[w] = True
                    parent_edge[w] = eid
                    parent_node[w] = v
                    queue.append(w)
        # upward pass
        for v in reversed(order):
            belief = unary[v, : size[v]].copy()
            for w, _eid in adjacency[v]:
                if w != parent_node[v]:
                    msg = up[w]
                    assert msg is not None
                    belief *= msg
            p = parent_node[v]
            if p < 0:
                s = belief.sum()
                if s <= 0:
                    raise ValueError("the observations are impossible under the model (likelihood 0)")
                log_like += float(np.log(s))
                continue
            matrix = matrices[parent_edge[v]]
            msg = matrix @ belief if p >= n else matrix.T @ belief  # into parent's state space
            s = msg.sum()
            if s <= 0:
                raise ValueError("the observations are impossible under the model (likelihood 0)")
            log_like += float(np.log(s))
            up[v] = msg / s
        # downward pass
        for v in order:
            incoming = [(w, up[w]) for w, _ in adjacency[v] if w != parent_node[v]]
            base = unary[v, : size[v]].copy()
            dv = down[v]
            if dv is not None:
                base *= dv
            full = base.copy()
            for _, msg in incoming:
                assert msg is not None
                full *= msg
            total_b = full.sum()
            beliefs[v, : size[v]] = full / total_b if total_b > 0 else full
            k = len(incoming)
            if k == 0:
                continue
            # products of all other children's messages, by prefix/suffix (no division by zeros)
            prefix = [np.ones(size[v])]
            for _, msg in incoming:
                assert msg is not None
                prefix.append(prefix[-1] * msg)
            suffix = [np.ones(size[v])]
            for _, msg in reversed(incoming):
                assert msg is not None
                suffix.append(suffix[-1] * msg)
            suffix.reverse()
            for j, (w, _) in enumerate(incoming):
                outside = base * prefix[j] * suffix[j + 1]
                matrix = matrices[parent_edge[w]]
                msg_down = matrix.T @ outside if v >= n else matrix @ outside
                s = msg_down.sum()
                down[w] = msg_down / s if s > 0 else msg_down
    return PeelResult(beliefs[:n, :3].copy(), log_like, "peeling (sum-product on the loopless pedigree graph)")


def enumerate_posteriors(father: NDArray[np.int64], mother: NDArray[np.int64], likelihood: FloatArray,
                         founder_prior: FloatArray, limit: int = ENUMERATION_LIMIT) -> PeelResult:
    """Brute force over all 3^n genotype configurations (exact for any pedigree, loops included)."""
    n = len(father)
    if n > limit:
        raise ValueError(f"exhaustive enumeration is limited to {limit} people (got {n})")
    configs = np.indices((3,) * n).reshape(n, -1).T  # (3^n, n)
    weight = np.ones(len(configs))
    for i in range(n):
        g = configs[:, i]
        weight *= likelihood[i, g]
        if father[i] < 0:
            weight *= founder_prior[g]
        else:
            weight *= TRANSMISSION[3 * configs[:, father[i]] + configs[:, mother[i]], g]
    total = weight.sum()
    if total <= 0:
        raise ValueError("the observations are impossible under the model (likelihood 0)")
    post = np.zeros((n, 3))
    for i in range(n):
        post[i] = np.bincount(configs[:, i], weights=weight, minlength=3) / total
    return PeelResult(post, float(np.log(total)), f"exhaustive enumeration over 3^{n} genotype configurations")
