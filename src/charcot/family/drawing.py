"""Pedigree drawing with carrier probabilities and N-year risks (SVG by hand, PNG via matplotlib).

Symbols follow the NSGC standardized pedigree nomenclature (Bennett et al. 2008, J Genet Couns
17:424-433): square male, circle female, diamond sex unknown; filled affected, open unaffected, '?'
inside for unknown status; '+' / '−' beside the symbol for a tested carrier / non-carrier (the
evaluation "E+/E−" mark shortened), a central dot for an obligate carrier (untested, unaffected,
P(carrier) = 1); an arrow for the proband; a double mating line for a consanguineous couple.
The family model records no deaths, so no deceased slash is drawn.

Layout (deterministic, integer slots): generation = depth below the founders, with a founder who
marries in moved down to their spouse's generation; each generation is ordered sibship by sibship
under the parents' order, with a married-in spouse right beside their partner; x positions are
strictly increasing within a row, so no two people share coordinates. Unconnected families are
placed side by side and wrapped into bands.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from charcot.family.model import RiskResult, Sex, Status, TestResult
from charcot.family.pedigree import Pedigree

__all__ = ["draw_pedigree", "pedigree_svg"]

# Geometry in pixels. UNIT is one horizontal slot: wide enough for a 22-character label at 9 px.
UNIT = 130.0
GEN_H = 150.0
SYMBOL = 30.0
MARGIN = 50.0
BAND_SLOTS = 12  # wrap unconnected families into a new band beyond this many slots
LABEL_CHARS = 18  # IDs longer than this are shortened on the drawing (full ID in the <title>)
FONT = 9.0

# XML 1.0 forbids most control characters even when escaped: replace them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- scene: drawing primitives shared by the SVG and PNG renderers ------------------------------

@dataclass(frozen=True)
class _Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 1.2


@dataclass(frozen=True)
class _Shape:
    kind: Literal["square", "circle", "diamond"]
    cx: float
    cy: float
    size: float
    filled: bool
    css: str  # SVG class list (sex, status, test)
    person: int | None = None  # index into _Scene.people


@dataclass(frozen=True)
class _Slash:
    """Deceased: a diagonal line through the symbol, drawn over it (Bennett et al. 2008)."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class _Dot:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: float = FONT
    anchor: Literal["start", "middle", "end"] = "middle"
    bold: bool = False


@dataclass(frozen=True)
class _Arrow:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class _Scene:
    width: float
    height: float
    items: list[_Line | _Shape | _Dot | _Text | _Arrow | _Slash] = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # full IDs, for <title> and data-id


# --- layout ---------------------------------------------------------------------------------------

def _components(ped: Pedigree) -> list[list[str]]:
    """Connected families (parent links), each in file order, ordered by first member."""
    root = {i: i for i in ped.ids}

    def find(a: str) -> str:
        while root[a] != a:
            root[a] = root[root[a]]
            a = root[a]
        return a

    for ind in ped:
        for par in (ind.father, ind.mother):
            if par is not None:
                ra, rb = find(ind.id), find(par)
                if ra != rb:
                    # keep the earlier file position as the root so component order is file order
                    first, second = sorted((ra, rb), key=ped.ids.index)
                    root[second] = first
    groups: dict[str, list[str]] = {}
    for iid in ped.ids:
        groups.setdefault(find(iid), []).append(iid)
    return list(groups.values())


def _depths(ped: Pedigree) -> dict[str, int]:
    """Generation per person: child = deepest parent + 1; a founder = deepest spouse. Values only
    grow and are bounded by the pedigree size, so the fixed point is reached."""
    depth = {i: 0 for i in ped.ids}
    spouses = _spouses(ped)
    for _ in range(len(ped) + 1):
        changed = False
        for ind in ped:
            if ind.father is not None and ind.mother is not None:
                want = max(depth[ind.father], depth[ind.mother]) + 1
            elif spouses[ind.id]:
                want = max(depth[s] for s in spouses[ind.id])
            else:
                want = 0
            if want > depth[ind.id]:
                depth[ind.id] = want
                changed = True
        if not changed:
            break
    return depth


def _spouses(ped: Pedigree) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i: [] for i in ped.ids}
    for f, m in ped.couples():
        out[f].append(m)
        out[m].append(f)
    return out


def _layout(ped: Pedigree, members: list[str], depth: dict[str, int],
            spouses: dict[str, list[str]]) -> dict[str, tuple[float, int]]:
    """(x slot, row) per member of one connected family; rows start at 0."""
    top = min(depth[i] for i in members)
    rows: dict[int, list[str]] = {}
    placed: set[str] = set()
    member_set = set(members)
    founder = {i: ped[i].father is None for i in members}

    def append(row: list[str], d: int, pid: str) -> None:
        row.append(pid)
        placed.add(pid)
        for s in spouses[pid]:
            if s not in placed and founder[s] and depth[s] == d:
                append(row, d, s)

    for d in sorted({depth[i] for i in members}):
        row = rows.setdefault(d - top, [])
        if d > top:
            above = {pid: k for k, pid in enumerate(rows.get(d - top - 1, []))}
            couples = [c for c in ped.couples() if c[0] in member_set]

            def couple_key(c: tuple[str, str], above: dict[str, int] = above) -> tuple[int, int]:
                pos = sorted(above.get(p, len(above) + 1) for p in c)
                return pos[0], pos[1]

            for c in sorted(couples, key=couple_key):
                kids = [i for i in members if (ped[i].father, ped[i].mother) == c and depth[i] == d]

                def kid_key(k: str, d: int = d) -> int:
                    partners = [s for s in spouses[k] if not founder[s] and depth[s] == d]
                    if any(s in placed for s in partners):
                        return 0  # partner already on the row: stand next to them
                    return 2 if partners else 1  # partner still to come: stand at the right end

                for kid in sorted(kids, key=kid_key):
                    if kid not in placed:
                        append(row, d, kid)
        for pid in members:
            if depth[pid] == d and pid not in placed:
                append(row, d, pid)

    x: dict[str, float] = {}
    for r in sorted(rows):
        row = rows[r]
        prev: float | None = None
        i = 0
        while i < len(row):
            ind = ped[row[i]]
            par = (ind.father, ind.mother)
            j = i + 1
            if ind.father is not None:
                while j < len(row) and ((ped[row[j]].father, ped[row[j]].mother) == par or founder[row[j]]):
                    j += 1
            target: float | None = None
            if ind.father is not None and ind.mother is not None and ind.father in x and ind.mother in x:
                target = (x[ind.father] + x[ind.mother]) / 2 - (j - i - 1) / 2
            for k in range(i, j):
                want = target + (k - i) if target is not None else (prev + 1 if prev is not None else 0.0)
                pos = want if prev is None else max(want, prev + 1)
                x[row[k]] = pos
                prev = pos
            i = j
    # bottom-up: move couples over their children where the row leaves room (right: always, since
    # the rest of the row moves along; left: only up to the neighbour)
    for r in sorted(rows, reverse=True)[1:]:
        row = rows[r]
        for a in range(len(row)):
            for s in spouses[row[a]]:
                if s not in x or s not in row or row.index(s) <= a:
                    continue
                b = row.index(s)
                kids = [k for k in members if {ped[k].father, ped[k].mother} == {row[a], s}]
                if not kids:
                    continue
                want = sum(x[k] for k in kids) / len(kids)
                mid = (x[row[a]] + x[s]) / 2
                if want > mid:
                    for k in range(a, len(row)):
                        x[row[k]] += want - mid
                elif want < mid:
                    room = x[row[a]] - (x[row[a - 1]] + 1) if a > 0 else mid - want
                    shift = min(mid - want, room)
                    if shift > 0:
                        for k in range(a, b + 1):
                            x[row[k]] -= shift
    left = min(x.values())
    return {pid: (x[pid] - left, depth[pid] - top) for pid in members}


# --- labels ---------------------------------------------------------------------------------------

def _pct(value: float) -> str:
    """Percent with one decimal; a non-zero value below 0.05% is shown as '<0.1%', never as 0."""
    if 0 < value < 0.0005:
        return "<0.1%"
    return f"{value:.1%}"


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _ancestors(ped: Pedigree) -> dict[str, set[str]]:
    memo: dict[str, set[str]] = {}
    # iterative post-order so deep pedigrees do not hit the recursion limit
    for start in ped.ids:
        stack = [(start, False)]
        while stack:
            node, done = stack.pop()
            if node in memo:
                continue
            ind = ped[node]
            parents = [p for p in (ind.father, ind.mother) if p is not None]
            if done or all(p in memo for p in parents):
                acc: set[str] = set()
                for p in parents:
                    acc |= memo[p] | {p}
                memo[node] = acc
            else:
                stack.append((node, True))
                stack.extend((p, False) for p in parents if p not in memo)
    return memo


# --- scene building -------------------------------------------------------------------------------

def _scene(ped: Pedigree, result: RiskResult | None, proband: str | None) -> _Scene:
    depth = _depths(ped)
    spouses = _spouses(ped)
    pos: dict[str, tuple[float, float]] = {}
    band_top = MARGIN + 30.0
    band_rows = 0
    cursor = 0.0
    width_slots = 0.0
    bands: list[tuple[float, int]] = []
    for comp in _components(ped):
        local = _layout(ped, comp, depth, spouses)
        comp_w = max(v[0] for v in local.values()) + 1
        comp_rows = max(v[1] for v in local.values()) + 1
        if cursor > 0 and cursor + comp_w > BAND_SLOTS:
            bands.append((band_top, band_rows))
            band_top += band_rows * GEN_H + 40.0
            cursor, band_rows = 0.0, 0
        for pid, (sx, row) in local.items():
            pos[pid] = (MARGIN + 40.0 + (cursor + sx) * UNIT + UNIT / 2, band_top + row * GEN_H + SYMBOL / 2)
        cursor += comp_w + 0.5
        width_slots = max(width_slots, cursor)
        band_rows = max(band_rows, comp_rows)
    bands.append((band_top, band_rows))
    legend_top = band_top + band_rows * GEN_H + 10.0
    legend_lines = _legend_lines(result)
    # text width estimated at 0.6 em per character (sans-serif average) so the legend is not cut
    width = max(MARGIN * 2 + 40.0 + width_slots * UNIT, MARGIN * 2 + 0.6 * FONT * max(map(len, legend_lines)),
                520.0)
    height = legend_top + 20.0 + 18.0 * len(legend_lines) + MARGIN
    scene = _Scene(width=round(width, 1), height=round(height, 1))
    items = scene.items

    items.append(_Text(MARGIN, MARGIN, "Pedigree" + (f": {result.assumptions.gene}" if result else ""),
                       size=13, anchor="start", bold=True))
    for top, nrows in bands:
        for r in range(nrows):
            items.append(_Text(MARGIN, top + r * GEN_H + SYMBOL / 2 + 4, _roman(r + 1), size=11, anchor="start",
                               bold=True))

    half = SYMBOL / 2
    ancestors = _ancestors(ped)
    # mating lines and descent
    for f, m in ped.couples():
        (fx, fy), (mx, my) = pos[f], pos[m]
        related = bool((ancestors[f] | {f}) & (ancestors[m] | {m}))
        left, right = sorted(((fx, fy), (mx, my)))
        if fy == my:
            between = any(abs(py - fy) < 1 and left[0] < px < right[0] for px, py in pos.values())
            if between:  # route above the row rather than through other people's symbols
                yb = fy - half - 8
                items += [_Line(left[0], fy - half, left[0], yb), _Line(left[0], yb, right[0], yb),
                          _Line(right[0], yb, right[0], fy - half)]
                mate = ((left[0] + right[0]) / 2, yb)
            else:
                items.append(_Line(left[0] + half, fy, right[0] - half, fy))
                if related:
                    items.append(_Line(left[0] + half, fy + 4, right[0] - half, fy + 4))
                mate = ((left[0] + right[0]) / 2, fy)
        else:
            items.append(_Line(left[0], left[1], right[0], right[1]))
            mate = ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2)
        kids = [i.id for i in ped if i.father == f and i.mother == m]
        kid_top = min(pos[k][1] for k in kids) - half
        sib_y = kid_top - 22
        xs = [pos[k][0] for k in kids]
        items.append(_Line(mate[0], mate[1], mate[0], sib_y))
        items.append(_Line(min([*xs, mate[0]]), sib_y, max([*xs, mate[0]]), sib_y))
        for k in kids:
            items.append(_Line(pos[k][0], sib_y, pos[k][0], pos[k][1] - half))

    horizon = f"{result.assumptions.horizon_years:g}-y" if result else ""
    for index, ind in enumerate(ped):
        cx, cy = pos[ind.id]
        scene.people.append(_clean(ind.id))
        risk = result.by_id(ind.id) if result is not None else None
        obs = ped.observations.get(ind.id)
        status = risk.status if risk is not None else ped.status_of(ind.id)
        tested = risk.tested if risk is not None else (obs.test if obs else TestResult.UNTESTED)
        age = risk.age if risk is not None else (obs.age if obs else None)
        deceased = risk.deceased if risk is not None else bool(obs and obs.is_deceased)
        death_age = risk.death_age if risk is not None else (obs.death_age if obs else None)
        kind: Literal["square", "circle", "diamond"] = (
            "square" if ind.sex is Sex.MALE else "circle" if ind.sex is Sex.FEMALE else "diamond")
        css = f"symbol {ind.sex.value} {status.value} {tested.value}"
        items.append(_Shape(kind, cx, cy, SYMBOL, status is Status.AFFECTED, css, person=index))
        if deceased:
            items.append(_Slash(cx - half - 6, cy + half + 6, cx + half + 6, cy - half - 6))
        if status is Status.UNKNOWN:
            items.append(_Text(cx, cy + 4, "?", size=12))
        if tested is TestResult.CARRIER:
            items.append(_Text(cx + half + 6, cy - half + 6, "+", size=14, anchor="start", bold=True))
        elif tested is TestResult.NONCARRIER:
            items.append(_Text(cx + half + 6, cy - half + 6, "\u2212", size=14, anchor="start", bold=True))
        elif risk is not None and status is not Status.AFFECTED and risk.p_carrier >= 0.9999:
            items.append(_Dot(cx, cy, 4.0))  # obligate carrier
        if ind.id == proband:
            items.append(_Arrow(cx - half - 22, cy + half + 14, cx - half - 3, cy + half - 1))
            items.append(_Text(cx - half - 26, cy + half + 20, "P", size=10, anchor="end", bold=True))
        if deceased:
            when = f"d. {death_age:g} y" if death_age is not None else "deceased"
        else:
            when = "age unknown" if age is None else f"age {age:g}"
        lines = [_short(_clean(ind.id)), when]
        if risk is not None:
            lines.append(f"P(carrier) {_pct(risk.p_carrier)}")
            if risk.risk_next_years is not None:
                lines.append(f"{horizon} risk {_pct(risk.risk_next_years)}")
            elif status is not Status.AFFECTED and not deceased:
                lines.append(f"{horizon} risk not assessed")
        for n, text in enumerate(lines):
            items.append(_Text(cx, cy + half + 13 + n * 11, text, bold=n == 0))

    # legend
    y = legend_top
    items.append(_Text(MARGIN, y, "Legend", size=11, anchor="start", bold=True))
    x0 = MARGIN + 8
    symbols: list[tuple[Literal["square", "circle", "diamond"], bool, str]] = [("square", False, "male"), ("circle", False, "female"), ("diamond", False, "sex unknown"),
               ("square", True, "filled: affected")]
    for n, (kind_, filled, label) in enumerate(symbols):
        sx = x0 + n * 120
        items.append(_Shape(kind_, sx, y + 18, 14, filled, "legend"))
        items.append(_Text(sx + 12, y + 22, label, anchor="start"))
    for n, text in enumerate(legend_lines):
        items.append(_Text(MARGIN, y + 44 + n * 18, text, anchor="start"))
    return scene


def _legend_lines(result: RiskResult | None) -> list[str]:
    lines = ["'?' in a symbol: affection status unknown",
             "'+' / '\u2212' beside a symbol: tested carrier / tested non-carrier",
             "central dot: obligate carrier (untested, P(carrier) 100%)",
             "arrow P: proband;  double mating line: consanguineous couple",
             "diagonal line through a symbol: deceased (d. = age at death)"]
    if result is not None:
        a = result.assumptions
        lines += [f"P(carrier) and {a.horizon_years:g}-year risk of onset (unaffected people) for {a.gene},",
                  f"curve {a.curve_title or a.curve} ({a.curve_confidence}), non-penetrant fraction x = {a.nonpenetrance:g},",
                  f"phenocopy lifetime risk {a.phenocopy_lifetime_risk:g}: model estimates under stated "
                  "assumptions, not a diagnosis"]
    return lines


# --- renderers ------------------------------------------------------------------------------------

def _esc(text: str) -> str:
    return (_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def _diamond(cx: float, cy: float, size: float) -> list[tuple[float, float]]:
    h = size / 2 * 1.15
    return [(cx, cy - h), (cx + h, cy), (cx, cy + h), (cx - h, cy)]


def _svg(scene: _Scene) -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(scene.width)}" height="{_n(scene.height)}" '
           f'viewBox="0 0 {_n(scene.width)} {_n(scene.height)}" font-family="sans-serif" role="img">',
           "<title>Pedigree</title>",
           '<g stroke="#000" stroke-width="1.2" fill="none">']
    shapes: list[str] = []
    for item in scene.items:
        if isinstance(item, _Line):
            out.append(f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" y2="{_n(item.y2)}"/>')
        elif isinstance(item, _Arrow):
            out.append(f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" y2="{_n(item.y2)}"/>')
            out.append(f'<polygon fill="#000" points="{_n(item.x2)},{_n(item.y2)} {_n(item.x2 - 8)},{_n(item.y2 + 2)} '
                       f'{_n(item.x2 - 2)},{_n(item.y2 + 8)}"/>')
    out.append("</g>")
    for item in scene.items:
        if isinstance(item, _Shape):
            fill = "#000" if item.filled else "#fff"
            attrs = f'class="{item.css}" fill="{fill}" stroke="#000" stroke-width="1.5"'
            if item.person is not None:
                attrs += f' data-id="{_esc(scene.people[item.person])}"'
            h = item.size / 2
            if item.kind == "square":
                el = (f'<rect {attrs} x="{_n(item.cx - h)}" y="{_n(item.cy - h)}" width="{_n(item.size)}" '
                      f'height="{_n(item.size)}">')
                end = "</rect>"
            elif item.kind == "circle":
                el = f'<circle {attrs} cx="{_n(item.cx)}" cy="{_n(item.cy)}" r="{_n(h)}">'
                end = "</circle>"
            else:
                pts = " ".join(f"{_n(px)},{_n(py)}" for px, py in _diamond(item.cx, item.cy, item.size))
                el = f'<polygon {attrs} points="{pts}">'
                end = "</polygon>"
            title = f"<title>{_esc(scene.people[item.person])}</title>" if item.person is not None else ""
            shapes.append(el + title + end)
        elif isinstance(item, _Dot):
            shapes.append(f'<circle class="obligate" fill="#000" cx="{_n(item.cx)}" cy="{_n(item.cy)}" '
                          f'r="{_n(item.r)}"/>')
        elif isinstance(item, _Slash):
            shapes.append(f'<line class="deceased" stroke="#000" stroke-width="1.5" x1="{_n(item.x1)}" '
                          f'y1="{_n(item.y1)}" x2="{_n(item.x2)}" y2="{_n(item.y2)}"/>')
        elif isinstance(item, _Text):
            weight = ' font-weight="bold"' if item.bold else ""
            shapes.append(f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}" '
                          f'text-anchor="{item.anchor}"{weight}>{_esc(item.text)}</text>')
    out.extend(shapes)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _png(scene: _Scene) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrow, Polygon, Rectangle

    dpi = 100
    fig = plt.figure(figsize=(scene.width / dpi, scene.height / dpi), dpi=dpi)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)  # SVG coordinates: y grows downwards
    ax.set_axis_off()
    for item in scene.items:
        if isinstance(item, _Line):
            ax.plot([item.x1, item.x2], [item.y1, item.y2], color="black", linewidth=item.width * 0.75, zorder=1)
        elif isinstance(item, _Arrow):
            ax.add_patch(FancyArrow(item.x1, item.y1, item.x2 - item.x1, item.y2 - item.y1, width=0.8,
                                    head_width=7, head_length=7, length_includes_head=True, color="black",
                                    zorder=1))
        elif isinstance(item, _Shape):
            face = "black" if item.filled else "white"
            h = item.size / 2
            patch: Rectangle | Circle | Polygon
            if item.kind == "square":
                patch = Rectangle((item.cx - h, item.cy - h), item.size, item.size)
            elif item.kind == "circle":
                patch = Circle((item.cx, item.cy), h)
            else:
                patch = Polygon(_diamond(item.cx, item.cy, item.size), closed=True)
            patch.set_facecolor(face)
            patch.set_edgecolor("black")
            patch.set_linewidth(1.2)
            patch.set_zorder(2)
            ax.add_patch(patch)
        elif isinstance(item, _Dot):
            ax.add_patch(Circle((item.cx, item.cy), item.r, facecolor="black", zorder=3))
        elif isinstance(item, _Slash):
            ax.plot([item.x1, item.x2], [item.y1, item.y2], color="black", linewidth=1.2, zorder=3)
        elif isinstance(item, _Text):
            ax.text(item.x, item.y, item.text, fontsize=item.size * 72 / dpi,
                    ha={"start": "left", "middle": "center", "end": "right"}[item.anchor], va="baseline",
                    fontweight="bold" if item.bold else "normal", zorder=4, parse_math=False, color="black")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


# --- public API -----------------------------------------------------------------------------------

def pedigree_svg(pedigree: Pedigree, result: RiskResult | None = None, *, proband: str | None = None) -> str:
    """Self-contained SVG (no external references, no XML declaration, so it can be inlined in HTML)
    of the pedigree; with a RiskResult each person is labelled with P(carrier) and the N-year risk.
    ``proband`` defaults to the pedigree's (a Phenopacket Family names one; a PED file does not)."""
    chosen = proband if proband is not None else pedigree.proband
    return _svg(_scene(pedigree, result, chosen if chosen in pedigree else None))


def draw_pedigree(pedigree: Pedigree, result: RiskResult | None = None, path: Path | str | None = None, *,
                  fmt: Literal["svg", "png"] = "svg", proband: str | None = None) -> Path:
    """Write the drawing atomically to ``path`` as SVG or PNG (matplotlib, imported only for PNG)."""
    from charcot.errors import InputError
    from charcot.outputs import atomic_write_bytes, atomic_write_text

    if path is None:
        raise InputError("draw_pedigree needs an output path", hint="give the file to write, e.g. pedigree.svg")
    if fmt not in ("svg", "png"):
        raise InputError(f"drawing format {fmt!r} is not svg or png", path=path, hint="use svg or png")
    chosen = proband if proband is not None else pedigree.proband
    scene = _scene(pedigree, result, chosen if chosen in pedigree else None)
    if fmt == "svg":
        return atomic_write_text(path, _svg(scene))
    return atomic_write_bytes(path, _png(scene))
