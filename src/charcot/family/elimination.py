"""Exact genotype posteriors on a looped pedigree by variable elimination (a bucket tree, i.e. a
junction tree over the elimination cliques).

Factors: each founder's Hardy–Weinberg prior times their likelihood L[i, g], and each non-founder's
transmission P(g_child | g_father, g_mother) (autosomal or X-linked, ``peeling.EDGE_MATRICES``) times
their likelihood. The genotype variables are eliminated in a greedy min-fill order (ties: fewest
neighbours); eliminating a person multiplies the factors that mention them (numpy einsum) and sums
them out, and the resulting message goes to the bucket of the next person of its scope to be
eliminated. The upward pass gives log P(data) (every message normalised, its log scale summed);
a downward pass over the same bucket tree gives every person's exact posterior (Dechter 1999,
bucket elimination; Lauritzen & Spiegelhalter 1988 for the two-pass junction tree).

Cost grows as 3^(largest clique) rather than 3^(number of loop breakers): a pedigree with many
separate loops stays cheap. Exact computation is refused (``LoopError``) when the largest clique would
hold more than ``MAX_CLIQUE_PEOPLE`` people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from charcot.family.peeling import EDGE_MATRICES, FloatArray, LoopError, PedigreeGraph, PeelResult

MAX_CLIQUE_PEOPLE = 12  # 3^12 = 531,441 joint genotypes in the largest table

Factor = tuple[tuple[int, ...], FloatArray]


def _scopes(graph: PedigreeGraph) -> list[tuple[int, ...]]:
    """Each person's factor scope: (person,) for founders, (father, mother, person) otherwise."""
    return [(i,) if graph.founder_mask[i] else (int(graph.father[i]), int(graph.mother[i]), i)
            for i in range(graph.n)]


def person_factors(graph: PedigreeGraph, likelihood: FloatArray, founder_prior: FloatArray) -> list[Factor]:
    """One factor per person: prior x likelihood for founders, transmission x likelihood otherwise."""
    prior = np.broadcast_to(np.asarray(founder_prior, dtype=np.float64), (graph.n, 3))
    like = np.asarray(likelihood, dtype=np.float64)
    return [(scope, like[i] * prior[i] if len(scope) == 1
             else EDGE_MATRICES[graph.child_kind[i]].reshape(3, 3, 3) * like[i])
            for i, scope in enumerate(_scopes(graph))]


def elimination_order(scopes: Sequence[tuple[int, ...]], n: int, limit: int | None = None) -> tuple[list[int], int]:
    """Greedy min-fill order over the moral graph of ``scopes``; returns (order, largest clique size).
    With ``limit``, stops early (order incomplete) once a clique exceeds it."""
    adjacency: list[set[int]] = [set() for _ in range(n)]
    for scope in scopes:
        for a in scope:
            adjacency[a].update(b for b in scope if b != a)

    def score(v: int) -> tuple[int, int, int]:
        nb = adjacency[v]
        fill = sum(1 for a in nb for b in nb if a < b and b not in adjacency[a])
        return fill, len(nb), v

    scores = {v: score(v) for v in range(n)}
    order: list[int] = []
    largest = 0
    while scores:
        v = min(scores.values())[2]
        nb = adjacency[v]
        largest = max(largest, len(nb) + 1)
        if limit is not None and largest > limit:
            break
        for a in nb:
            adjacency[a].update(nb - {a})
            adjacency[a].discard(v)
        del scores[v]
        order.append(v)
        touched = set(nb)
        for a in nb:
            touched |= adjacency[a]
        for w in touched:
            if w in scores:
                scores[w] = score(w)
    return order, largest


def _contract(factors: list[Factor], out: tuple[int, ...]) -> FloatArray:
    """Product of ``factors`` summed down to the variables ``out`` (in that order)."""
    present = {v for scope, _ in factors for v in scope}
    factors = factors + [((v,), np.ones(3)) for v in out if v not in present]  # constant in v
    if not factors:
        return np.ones(())
    letters: dict[int, int] = {}
    operands: list[Any] = []
    for scope, table in factors:
        operands.append(table)
        operands.append([letters.setdefault(v, len(letters)) for v in scope])
    for v in out:
        letters.setdefault(v, len(letters))
    operands.append([letters[v] for v in out])
    einsum: Any = np.einsum  # the interleaved (operand, sublist) form is not in numpy's stubs
    return np.asarray(einsum(*operands, optimize=len(factors) > 2), dtype=np.float64)


def largest_clique(graph: PedigreeGraph) -> int:
    """People in the largest clique of the elimination order used by ``eliminate``."""
    return elimination_order(_scopes(graph), graph.n)[1]


def eliminate(graph: PedigreeGraph, likelihood: FloatArray, founder_prior: FloatArray) -> PeelResult:
    """Exact posteriors for every person and log P(data) by two passes over the bucket tree. Raises
    ValueError when the data are impossible and LoopError when the largest clique exceeds
    ``MAX_CLIQUE_PEOPLE``."""
    n = graph.n
    factors = person_factors(graph, likelihood, founder_prior)
    order, largest = elimination_order([scope for scope, _ in factors], n, MAX_CLIQUE_PEOPLE)
    if largest > MAX_CLIQUE_PEOPLE:
        raise LoopError(sorted({p for loop in graph.loops for p in loop}), clique=largest)
    position = np.empty(n, dtype=np.int64)
    position[np.array(order, dtype=np.int64)] = np.arange(n)
    own: list[list[Factor]] = [[] for _ in range(n)]  # original factors, by bucket (elimination step)
    for scope, table in factors:
        own[min(int(position[v]) for v in scope)].append((scope, table))
    children: list[list[int]] = [[] for _ in range(n)]
    up: list[Factor] = []
    log_like = 0.0
    for k, v in enumerate(order):
        incoming = own[k] + [up[c] for c in children[k]]
        keep = tuple(sorted({x for s, _ in incoming for x in s} - {v}))
        msg = _contract(incoming, keep)
        total = float(msg.sum())
        if not total > 0:
            raise ValueError("the observations are impossible under the model (likelihood 0)")
        log_like += float(np.log(total))
        up.append((keep, msg / total))
        if keep:
            children[min(int(position[x]) for x in keep)].append(k)
    down: list[Factor | None] = [None] * n
    post = np.zeros((n, 3))
    for k in reversed(range(n)):
        v = order[k]
        parent_msg = down[k]
        base = own[k] + ([parent_msg] if parent_msg is not None else [])
        kids = children[k]
        marginal = _contract(base + [up[c] for c in kids], (v,))
        post[v] = marginal / marginal.sum()
        for c in kids:
            msg = _contract(base + [up[d] for d in kids if d != c], up[c][0])
            total = float(msg.sum())
            down[c] = (up[c][0], msg / total if total > 0 else msg)
    method = (f"variable elimination over the genotypes (exact; greedy min-fill order, largest clique "
              f"{largest} people)")
    return PeelResult(post, log_like, method, graph.loops)
