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

The two passes are vectorised by depth of the spanning forest (one numpy step per level, not per
person), and the graph is built once per pedigree (``build_graph``) and reused, e.g. across the
sensitivity rows. A pedigree with marriage or consanguinity loops is solved exactly by loop breaking:
each link that closes a cycle is re-attached to a copy of its person, and the result is the sum over
that person's three genotypes with copy and original both fixed (3^k passes for k loop breakers, up
to ``MAX_LOOP_BREAKERS``), used when it is the faster (a large pedigree with few loops). Otherwise
``peel_graph`` hands the pedigree to ``family.elimination`` (variable elimination over the genotype
factors in a min-fill order, two passes over the bucket/junction tree: cost 3^(largest clique), refused
only above ``elimination.MAX_CLIQUE_PEOPLE``). ``enumerate_posteriors`` (every genotype configuration)
is the brute-force reference used by the tests. X-linked transmission (hemizygous fathers; sons receive only a maternal
X) uses its own child-edge matrices.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

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
    """The pedigree's loops make exact computation too large here (largest elimination clique above
    ``MAX_CLIQUE_PEOPLE`` people)."""

    def __init__(self, members: list[int], clique: int) -> None:
        super().__init__(f"pedigree loop through individuals {members}")
        self.members = members
        self.clique = clique  # people in the largest elimination clique


@dataclass
class PeelResult:
    posteriors: FloatArray  # (n, 3)
    log_likelihood: float
    method: str
    loops: list[list[int]] = field(default_factory=list)  # people on each loop (indices), if any


# Edge kinds: a couple node's link to the father / mother, and to a child by transmission (autosomal,
# or X-linked to a daughter / to a son).
FATHER, MOTHER, CHILD, CHILD_X_DAUGHTER, CHILD_X_SON = range(5)


def x_transmission(daughter: bool) -> FloatArray:
    """X-linked T[3*gf + gm, g]. Fathers are hemizygous (gf in {0, 1}); a daughter receives the father's
    X and one of the mother's; a son only one of the mother's (his genotype is 0 or 1)."""
    t = np.zeros((9, 3))
    for gf in range(3):
        for gm in range(3):
            pm = gm / 2.0
            if daughter:
                f = min(gf, 1)  # rows with gf = 2 are impossible for a father; kept finite
                t[3 * gf + gm] = [(1 - f) * (1 - pm), f * (1 - pm) + (1 - f) * pm, f * pm]
            else:
                t[3 * gf + gm] = [1 - pm, pm, 0.0]
    return t


EDGE_MATRICES = np.stack([_FATHER_LINK, _MOTHER_LINK, TRANSMISSION, x_transmission(True), x_transmission(False)])
# Loop breaking (3^k vectorised passes) is used up to this many breakers, and only when it is expected to
# be faster than variable elimination (``prefers_loop_breaking``).
MAX_LOOP_BREAKERS = 6


def prefers_loop_breaking(breakers: int, people: int) -> bool:
    """Cost model from benchmarks/bench_loops.py (2 cores): one vectorised pass ~2 ms + 0.013 ms per
    person, variable elimination ~1 ms per person (18 people, 3 breakers: 72 ms vs 3 ms; 610 people,
    1 breaker: 31 ms vs 641 ms)."""
    return breakers <= MAX_LOOP_BREAKERS and 3 ** breakers * (2.0 + 0.013 * people) <= 1.0 * people


@dataclass
class PedigreeGraph:
    """The individual–couple graph of a pedigree, as a spanning forest plus loop breakers.

    Nodes: people 0..n-1, then one copy per broken link (a loop breaker's duplicate), then couples.
    Every link that would close a cycle is re-attached to a duplicate of its person; conditioning on
    that person's genotype (duplicate and original both fixed to g) and summing over g is exact
    (loop breaking, Lange & Elston 1975)."""

    n: int
    copies: NDArray[np.int64]  # original person of each duplicate
    parent: NDArray[np.int64]  # parent node in the forest, -1 for roots
    kind: NDArray[np.int64]  # edge kind to the parent
    couple_is_parent: NDArray[np.bool_]  # True when the node's parent is a couple (node is a person)
    levels: list[NDArray[np.int64]]  # nodes by depth
    loops: list[list[int]]  # people on each loop
    total: int
    founder_mask: NDArray[np.bool_]  # (n,) people without parents in the pedigree
    father: NDArray[np.int64]  # (n,) parent indices, -1 for founders
    mother: NDArray[np.int64]
    child_kind: NDArray[np.int64]  # (n,) edge kind of each person's transmission (CHILD or X-linked)

    @property
    def breakers(self) -> list[int]:
        return sorted({int(c) for c in self.copies})


def build_graph(father: NDArray[np.int64], mother: NDArray[np.int64],
                x_linked_sex: NDArray[np.int64] | None = None) -> PedigreeGraph:
    """Spanning forest of the individual–couple graph. ``x_linked_sex`` (1 male, 2 female per person)
    selects X-linked transmission to children."""
    n = len(father)
    child_kind = np.full(n, CHILD, dtype=np.int64)
    if x_linked_sex is not None:
        child_kind = np.where(np.asarray(x_linked_sex) == 1, CHILD_X_SON, CHILD_X_DAUGHTER).astype(np.int64)
    couples: dict[tuple[int, int], int] = {}
    for i in range(n):
        if father[i] >= 0:
            couples.setdefault((int(father[i]), int(mother[i])), len(couples))
    edges: list[tuple[int, int, int]] = []  # (couple index, person, kind)
    for (f, m), c in couples.items():
        edges.append((c, f, FATHER))
        edges.append((c, m, MOTHER))
    for i in range(n):
        if father[i] >= 0:
            kind = CHILD
            if x_linked_sex is not None:
                kind = CHILD_X_SON if x_linked_sex[i] == 1 else CHILD_X_DAUGHTER
            edges.append((couples[(int(father[i]), int(mother[i]))], i, kind))
    root = list(range(n + len(couples)))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    kept: list[tuple[int, int, int]] = []
    broken: list[tuple[int, int, int]] = []
    for c, p, kind in edges:
        a, b = find(n + c), find(p)
        if a == b:
            broken.append((c, p, kind))
        else:
            root[a] = b
            kept.append((c, p, kind))
    copies = np.array([p for _, p, _ in broken], dtype=np.int64)
    n_people = n + len(broken)
    total = n_people + len(couples)
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(total)]
    for c, p, kind in kept:
        adjacency[n_people + c].append((p, kind))
        adjacency[p].append((n_people + c, kind))
    loops: list[list[int]] = []
    for k, (c, p, kind) in enumerate(broken):
        loops.append(_path_people(adjacency, n_people + c, p, n_people))
        adjacency[n_people + c].append((n + k, kind))
        adjacency[n + k].append((n_people + c, kind))
    parent = np.full(total, -1, dtype=np.int64)
    kinds = np.zeros(total, dtype=np.int64)
    depth = np.full(total, -1, dtype=np.int64)
    by_depth: list[list[int]] = []
    for start in range(total):
        if depth[start] >= 0:
            continue
        depth[start] = 0
        queue = deque([start])
        while queue:
            v = queue.popleft()
            d = int(depth[v])
            if d == len(by_depth):
                by_depth.append([])
            by_depth[d].append(v)
            for w, kind in adjacency[v]:
                if depth[w] < 0:
                    depth[w] = d + 1
                    parent[w] = v
                    kinds[w] = kind
                    queue.append(w)
    couple_is_parent = np.zeros(total, dtype=bool)
    couple_is_parent[:n_people] = parent[:n_people] >= 0
    levels = [np.array(level, dtype=np.int64) for level in by_depth]
    return PedigreeGraph(n, copies, parent, kinds, couple_is_parent, levels,
                         [sorted({q if q < n else int(copies[q - n]) for q in loop}) for loop in loops], total,
                         np.asarray(father < 0), np.asarray(father, dtype=np.int64),
                         np.asarray(mother, dtype=np.int64), child_kind)


def _path_people(adjacency: list[list[tuple[int, int]]], source: int, target: int, n_people: int) -> list[int]:
    """People on the forest path from ``source`` to ``target`` (both ends included when people)."""
    previous = {source: -1}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        if v == target:
            break
        for w, _ in adjacency[v]:
            if w not in previous:
                previous[w] = v
                queue.append(w)
    path: list[int] = []
    v = target
    while v != -1:
        if v < n_people:
            path.append(v)
        v = previous[v]
    return path


def _passes(graph: PedigreeGraph, unary: FloatArray) -> tuple[FloatArray, float]:
    """Sum-product over the forest, vectorised by depth. ``unary``: (total, 9), people in the first 3
    columns (the rest 0). Returns (normalised beliefs (total, 9), log-likelihood); raises ValueError
    when the data are impossible."""
    total = graph.total
    parent, kind = graph.parent, graph.kind
    mats = EDGE_MATRICES[kind]  # (total, 9, 3): each node's link to its parent, couple states x person states
    nz = np.ones((total, 9))  # product of the non-zero entries of the messages from children
    zeros = np.zeros((total, 9), dtype=np.int64)  # number of zero entries per state
    up = np.ones((total, 9))
    log_like = 0.0
    for level in reversed(graph.levels):
        belief = unary[level] * np.where(zeros[level] > 0, 0.0, nz[level])
        has_parent = parent[level] >= 0
        roots = level[~has_parent]
        if len(roots):
            s = belief[~has_parent].sum(axis=1)
            if np.any(s <= 0):
                raise ValueError("the observations are impossible under the model (likelihood 0)")
            log_like += float(np.log(s).sum())
        nodes = level[has_parent]
        if not len(nodes):
            continue
        b = belief[has_parent]
        msg = np.ones((len(nodes), 9))
        person = graph.couple_is_parent[nodes]
        if np.any(person):  # person -> couple: M @ b[:3]
            msg[person] = np.einsum("kij,kj->ki", mats[nodes[person]], b[person, :3])
        if np.any(~person):  # couple -> person: M.T @ b
            msg[~person, :3] = np.einsum("kij,ki->kj", mats[nodes[~person]], b[~person])
        width = np.where(person, 9, 3)
        s = np.where(person, msg.sum(axis=1), msg[:, :3].sum(axis=1))
        if np.any(s <= 0):
            raise ValueError("the observations are impossible under the model (likelihood 0)")
        log_like += float(np.log(s).sum())
        msg = msg / s[:, None]
        msg[width == 3, 3:] = 1.0
        up[nodes] = msg
        is_zero = msg == 0.0
        np.multiply.at(nz, parent[nodes], np.where(is_zero, 1.0, msg))
        np.add.at(zeros, parent[nodes], is_zero.astype(np.int64))
    down = np.ones((total, 9))
    for level in graph.levels[1:]:
        u = parent[level]
        mine = up[level]
        mine_zero = mine == 0.0
        others_zero = zeros[u] - mine_zero.astype(np.int64)
        others = np.where(others_zero > 0, 0.0, nz[u] / np.where(mine_zero, 1.0, mine))
        outside = unary[u] * down[u] * others
        msg = np.ones((len(level), 9))
        person = graph.couple_is_parent[level]
        if np.any(person):  # couple -> person: M.T @ outside
            msg[person, :3] = np.einsum("kij,ki->kj", mats[level[person]], outside[person])
        if np.any(~person):  # person -> couple: M @ outside[:3]
            msg[~person] = np.einsum("kij,kj->ki", mats[level[~person]], outside[~person, :3])
        s = np.where(person, msg[:, :3].sum(axis=1), msg.sum(axis=1))
        msg = msg / np.where(s > 0, s, 1.0)[:, None]
        msg[person, 3:] = 1.0
        down[level] = msg
    belief = unary * down * np.where(zeros > 0, 0.0, nz)
    sums = belief.sum(axis=1)
    return belief / np.where(sums > 0, sums, 1.0)[:, None], log_like


def _unary(graph: PedigreeGraph, likelihood: FloatArray, founder_prior: FloatArray) -> FloatArray:
    """Per-node unary terms of ``_passes``: likelihood (x founder prior) for people, 1 for copies and couples."""
    n = graph.n
    prior = np.broadcast_to(founder_prior, (n, 3))
    base = np.zeros((graph.total, 9))
    base[:n, :3] = likelihood * np.where(graph.founder_mask[:, None], prior, 1.0)
    base[n:n + len(graph.copies), :3] = 1.0
    base[n + len(graph.copies):] = 1.0
    return base


def peel_graph(graph: PedigreeGraph, likelihood: FloatArray, founder_prior: FloatArray) -> PeelResult:
    """Exact posteriors for every person and log P(data) on a prepared graph. ``likelihood``: (n, 3);
    ``founder_prior``: (3,) or (n, 3) (applied to founders only)."""
    breakers = graph.breakers
    if breakers and not prefers_loop_breaking(len(breakers), graph.n):  # cost in the clique size, not 3^k
        from charcot.family.elimination import eliminate

        return eliminate(graph, likelihood, founder_prior)
    if not breakers:
        beliefs, log_like = _passes(graph, _unary(graph, likelihood, founder_prior))
        return PeelResult(beliefs[:graph.n, :3].copy(), log_like, "peeling (sum-product on the loopless pedigree graph)")
    return loop_breaking(graph, likelihood, founder_prior)


def loop_breaking(graph: PedigreeGraph, likelihood: FloatArray, founder_prior: FloatArray) -> PeelResult:
    """Exact posteriors by conditioning on every loop breaker's genotype (3^k passes, any k)."""
    n = graph.n
    n_people = n + len(graph.copies)
    base = _unary(graph, likelihood, founder_prior)
    breakers = graph.breakers
    logs: list[float] = []
    posts: list[FloatArray] = []
    for config in itertools.product(range(3), repeat=len(breakers)):
        unary = base.copy()
        for person, g in zip(breakers, config, strict=True):
            mask = np.zeros(3)
            mask[g] = 1.0
            unary[person, :3] *= mask
            unary[n:n_people][graph.copies == person, :3] = mask
        try:
            beliefs, log_like = _passes(graph, unary)
        except ValueError:
            continue
        logs.append(log_like)
        posts.append(beliefs[:n, :3])
    if not logs:
        raise ValueError("the observations are impossible under the model (likelihood 0)")
    top = max(logs)
    weights = np.exp(np.array(logs) - top)
    post = np.tensordot(weights, np.array(posts), axes=1) / weights.sum()
    method = (f"peeling with loop breaking: conditioned on the genotypes of {len(breakers)} loop breaker(s) "
              f"({3 ** len(breakers)} conditioned passes, exact)")
    return PeelResult(post, top + float(np.log(weights.sum())), method, graph.loops)


def peel(father: NDArray[np.int64], mother: NDArray[np.int64], likelihood: FloatArray,
         founder_prior: FloatArray) -> PeelResult:
    """Exact posteriors P(g_i | all data) for every person and log P(data), loops included (loop
    breaking). ``father``/``mother``: parent index per person, -1 for founders (both or neither).
    ``likelihood``: (n, 3) non-negative. Raises ValueError when the data are impossible under the
    model (likelihood 0) and LoopError when a pedigree is too interlinked for variable elimination
    (``elimination.MAX_CLIQUE_PEOPLE``)."""
    return peel_graph(build_graph(father, mother), likelihood, founder_prior)


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
