"""Population epidemiology for ALS: expected cases, SIR, prevalence, cluster check.

* Expected cases = sum over age/sex strata of persons x years x rate (indirect standardisation).
  Rates are either a user TSV (age_band, sex, rate per 100,000 person-years; the user names its
  source) or a cited knowledge-base incidence record. The knowledge base holds cited *crude* and
  sex-specific rates only (no full age-specific schedule was available in a verified source), so a
  knowledge-base rate ignores the population's age structure; the explanation says so.
* SIR = observed / expected with exact Poisson limits (Garwood 1936: chi2 quantiles / 2E).
* Prevalence at steady state = incidence x mean duration.
* Cluster check: one-sided Poisson probability of seeing at least the observed count.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from charcot.errors import InputError
from charcot.population.stats import poisson_exact_ci, poisson_upper_tail

PER = 100_000.0
# A rate table whose largest rate is below this (per 100,000 person-years) and whose header names no unit is taken
# to be per person: the lowest published population incidences of ALS/MND are ~0.7-0.8 per 100,000 (South Asia 0.73
# [S-Mar17]; GBD 2016 all MND 0.78 [S-BMJBP]), about 100 times this.
MIN_PLAUSIBLE_MAX_RATE = 0.01


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_NUMBER = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(rf"^{_NUMBER}-{_NUMBER}$")
_OPEN = re.compile(rf"^(?:\u2265|>=){_NUMBER}$|^{_NUMBER}(?:\+|-|plus|andover|andolder|orover|orolder|ormore|andabove)$")
_UNDER = re.compile(rf"^(?:<|under|below){_NUMBER}$")


def band_interval(text: str) -> tuple[float, float] | None:
    """The ages an age band covers, as [low, high) in years: '60-64' (also '60 \u2013 64', '60-64 years') -> (60, 65),
    '85+' (also '\u226585', '85 and over') -> (85, inf), '<15' -> (0, 15), '70' -> (70, 71), 'all' -> (0, inf);
    None when the text is not an age band charcot can read (then only the same text matches)."""
    t = re.sub(r"\s+", "", text.strip().lower().translate(_DASHES))
    t = re.sub(r"(years?|yrs?|y)(?=$|\+|-)", "", t)
    if t in ("all", "allages", "total", "*"):
        return (0.0, math.inf)
    if (m := _RANGE.match(t)) is not None:
        low, high = float(m.group(1)), float(m.group(2))
        high = high + 1 if high.is_integer() and low.is_integer() else high  # '60-64' holds everyone aged 64
        return (low, high) if high > low else None
    if (m := _OPEN.match(t)) is not None:
        return (float(m.group(1) or m.group(2)), math.inf)
    if (m := _UNDER.match(t)) is not None:
        return (0.0, float(m.group(1)))
    if re.fullmatch(_NUMBER, t):
        return (float(t), float(t) + 1)
    return None


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _contains(outer: tuple[float, float], inner: tuple[float, float]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


@dataclass(frozen=True)
class Stratum:
    age_band: str
    sex: str  # M, F or all
    persons: float


@dataclass
class RateSet:
    label: str
    rates: dict[tuple[str, str], float]  # (age_band or "all", sex M/F/all) -> per 100,000 PY
    sources: list[str] = field(default_factory=list)
    unverified: bool = False
    caveats: list[str] = field(default_factory=list)

    def rate_for(self, stratum: Stratum) -> float | None:
        found = self.lookup(stratum)
        return None if found is None else found[0]

    def lookup(self, stratum: Stratum) -> tuple[float, str] | None:
        """(rate, the rate table's age band it came from) for a population stratum: the same band, else the one
        rate band that holds the stratum's ages ('60-64' in '60-69'), else the all-ages rate; the stratum's sex
        first, then a rate for both sexes. InputError when the stratum's ages span several rate bands (no one
        rate applies)."""
        sexes = [stratum.sex] if stratum.sex == "all" else [stratum.sex, "all"]
        for sex in sexes:
            if (stratum.age_band, sex) in self.rates:
                return self.rates[(stratum.age_band, sex)], stratum.age_band
        ages = band_interval(stratum.age_band)
        if ages is not None:
            for sex in sexes:
                banded = [(band, iv) for (band, s), _ in self.rates.items() if s == sex and band != "all"
                          and (iv := band_interval(band)) is not None and iv != (0.0, math.inf)]
                holding = [(band, iv) for band, iv in banded if _contains(iv, ages)]
                if holding:
                    band = min(holding, key=lambda b: b[1][1] - b[1][0])[0]
                    return self.rates[(band, sex)], band
                spanned = [band for band, iv in banded if _overlaps(iv, ages)]
                if spanned:
                    raise InputError(f"the population's age band {stratum.age_band!r} (sex {stratum.sex}) spans the "
                                     f"rate table's bands {', '.join(spanned)}: no one rate applies to it",
                                     hint="give the population in the rate table's age bands (or the rates in the "
                                     "population's), so that each population band lies inside one rate band")
        for key in (("all", stratum.sex), ("all", "all")):
            if key in self.rates:
                return self.rates[key], "all"
        return None


@dataclass
class Expected:
    expected: float
    person_years: float
    rates: RateSet
    strata: list[tuple[Stratum, float, float]]  # stratum, rate, expected
    crude_for: list[str] = field(default_factory=list)  # population bands given the all-ages rate of an age-specific table
    rate_bands: list[str] = field(default_factory=list)  # per stratum: the rate table's age band its rate came from


@dataclass(frozen=True)
class SirResult:
    observed: int
    expected: float
    sir: float
    low: float
    high: float
    level: float
    p_excess: float  # P(X >= observed | expected)


def _sex(value: str, path: Path, line: int) -> str:
    v = value.strip().lower()
    if v in ("m", "male", "men"):
        return "M"
    if v in ("f", "female", "women"):
        return "F"
    if v in ("all", "both", "*", ""):
        return "all"
    raise InputError(f"sex {value!r} is not M, F or all", path=path, line=line,
                     hint="write the sex column as M, F or all")


def _table(path: str | Path, value_column: str, what: str) -> tuple[list[tuple[int, str, str, float]], str | None]:
    """The rows (line, age band, sex, value) and the header's third column (None without a header)."""
    from charcot.structured import read_text

    p = Path(path)
    lines = read_text(p, what).splitlines()  # missing, not UTF-8, gzipped: in words; a BOM dropped
    rows: list[tuple[int, str, str, float]] = []
    seen: dict[tuple[str, str], int] = {}
    header_seen = False
    value_header: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not header_seen:
            header_seen = True
            if re.sub(r"[\s_]+", "", cells[0].lower()).startswith("age"):  # age_band, Age group, Age (years)
                value_header = cells[2] if len(cells) > 2 else None
                continue
        if len(cells) < 3:
            raise InputError(f"expected age_band<TAB>sex<TAB>{value_column}", path=p, line=number,
                             hint="three tab-separated columns, e.g. 60-64<TAB>M<TAB>12")
        try:
            value = float(cells[2])
        except ValueError as exc:
            raise InputError(f"{value_column} {cells[2]!r} is not a number", path=p, line=number,
                             hint=f"write {value_column} as a number, e.g. 12 or 2.5") from exc
        if not math.isfinite(value) or value < 0:
            raise InputError(f"{value_column} must be a non-negative number", path=p, line=number,
                             hint=f"write {value_column} as 0 or more")
        key = (cells[0], _sex(cells[1], p, number))
        if key in seen:  # would be counted twice (persons) or silently replaced (rates)
            raise InputError(f"age band {key[0]!r}, sex {key[1]} appears twice (first on line {seen[key]})", path=p,
                             line=number, hint="give each age band and sex one row")
        seen[key] = number
        rows.append((number, key[0], key[1], value))
    if not rows:
        raise InputError(f"the {what} has no rows", path=p,
                         hint=f"give one row per age band and sex: age_band<TAB>sex<TAB>{value_column}")
    return rows, value_header


def _overlapping_rows(rows: list[tuple[int, str, str, float]], mixed_sex: bool) -> tuple[int, int] | None:
    """The line numbers of two rows whose age bands and sexes overlap, or None. ``mixed_sex``: a row for sex
    'all' overlaps the M and F rows of the same ages (a population table); else only the same sex does."""
    groups: dict[str, list[tuple[float, float, int]]] = {}
    for number, band, sex, _ in rows:
        ages = band_interval(band)
        if ages is None or (not mixed_sex and ages == (0.0, math.inf)):  # a rate table's all-ages fallback row
            continue
        targets = (["M", "F"] if sex == "all" else [sex]) if mixed_sex else [sex]
        for target in targets:
            groups.setdefault(target, []).append((ages[0], ages[1], number))
    for members in groups.values():
        members.sort()
        reach, reach_line = -math.inf, 0
        for low, high, number in members:
            if low < reach and number != reach_line:
                return min(reach_line, number), max(reach_line, number)
            if high > reach:
                reach, reach_line = high, number
    return None


def _rate_unit(header: str | None) -> float | None:
    """Persons per rate unit named by a rate column header ('rate_per_person' 1, 'rate per 100,000' 100000,
    'per_1000' 1000, 'per million' 1000000); None when the header names none."""
    if header is None:
        return None
    h = re.sub(r"[\s_,]+", "", header.lower())
    if "perperson" in h or "perpy" in h or h.endswith("perpersonyear"):
        return 1.0
    if "permillion" in h:
        return 1e6
    if "per100k" in h:
        return 1e5
    m = re.search(r"per(\d+)", h)
    return float(m.group(1)) if m is not None and float(m.group(1)) > 0 else None


def read_population(path: str | Path) -> list[Stratum]:
    """TSV: age_band, sex (M/F/all), persons. Strata whose ages and sexes overlap (a band's total next to its M
    and F rows, '60-69' next to '65-74', 'all' next to a band) are refused: their people would be counted twice."""
    rows, _ = _table(path, "persons", "population table")
    clash = _overlapping_rows(rows, mixed_sex=True)
    if clash is not None:
        first, second = clash
        raise InputError(f"the rows on lines {first} and {second} overlap (the same ages and sex): their people "
                         "would be counted twice", path=Path(path), line=second,
                         hint="give each person in one row only: either a band's total (sex all) or its M and F rows, "
                         "and age bands that do not overlap")
    return [Stratum(band, sex, value) for _, band, sex, value in rows]


def knowledge_rate_sets() -> dict[str, RateSet]:
    """Cited incidence records usable as rates (id -> RateSet); EURALS also as a sex-specific set."""
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.epidemiology import Record

    records = get_knowledge().typed("epidemiology", Record)
    sets: dict[str, RateSet] = {}
    for r in records:
        if r.is_rate and r.value is not None:
            sex = {"male": "M", "female": "F"}.get(r.sex, "all")
            sets[r.id] = RateSet(f"{r.region}, {r.statistic}, {r.sex}", {("all", sex): r.value}, list(r.sources),
                                 r.confidence.value == "unverified",
                                 [c for c in [r.confidence_note] if c])
    by_id = {r.id: r for r in records}
    men, women = by_id.get("eurals-incidence-men"), by_id.get("eurals-incidence-women")
    if men is not None and women is not None and men.value is not None and women.value is not None:
        sets["eurals-by-sex"] = RateSet("EURALS sex-specific rates (men / women)",
                                        {("all", "M"): men.value, ("all", "F"): women.value},
                                        sorted(set(men.sources) | set(women.sources)),
                                        "unverified" in (men.confidence.value, women.confidence.value),
                                        [c for c in [men.confidence_note] if c])
    return sets


def resolve_rates(spec: str) -> RateSet:
    """A knowledge-base rate id, or a path to a rate TSV (age_band, sex, rate per 100,000 PY)."""
    sets = knowledge_rate_sets()
    if not spec:
        spec = "eurals-incidence"
    if spec in sets:
        return sets[spec]
    if Path(spec).exists():
        rows, header = _table(spec, "rate", "rate table")
        clash = _overlapping_rows(rows, mixed_sex=False)
        if clash is not None:
            raise InputError(f"the rate rows on lines {clash[0]} and {clash[1]} give two rates for the same ages and "
                             "sex", path=Path(spec), line=clash[1], hint="give each age band and sex one rate")
        unit = _rate_unit(header)
        largest = max(v for *_, v in rows)
        if unit is None and 0 < largest < MIN_PLAUSIBLE_MAX_RATE:
            raise InputError(f"the largest rate in the rate table is {largest:g} per 100,000 person-years, far below "
                             "any published ALS incidence: these look like rates per person-year",
                             path=Path(spec), hint="multiply the rates by 100,000, or name the unit in the header's "
                             "third column: rate_per_person (or rate_per_100000 if the figures are right)")
        factor = PER / unit if unit is not None else 1.0
        return RateSet(f"user rates from {Path(spec).name}", {(band, sex): v * factor for _, band, sex, v in rows},
                       caveats=["rates supplied by the user: cite their source alongside the result"]
                       + ([f"the rates were given per {unit:,.0f} person-years ('{header}') and are shown per "
                           "100,000"] if unit not in (None, PER) else []))
    raise InputError(f"{spec!r} is neither a rate file nor a knowledge-base rate id",
                     hint="known ids: " + ", ".join(sorted(sets)))


def expected_cases(strata: list[Stratum], rates: RateSet, years: float = 1.0) -> Expected:
    if years <= 0:
        raise InputError("--years must be positive", hint="give the length of the observation period in years, e.g. --years 5")
    rows: list[tuple[Stratum, float, float]] = []
    total = 0.0
    age_specific = any(band != "all" for band, _ in rates.rates)
    crude_for: list[str] = []
    rate_bands: list[str] = []
    for s in strata:
        found = rates.lookup(s)
        if found is None:
            bands = ", ".join(dict.fromkeys(f"{band}" + ("" if sex == "all" else f" {sex}")
                                            for band, sex in rates.rates))
            raise InputError(f"no rate for age band {s.age_band!r}, sex {s.sex}",
                             hint=f"the rate table has: {bands}; add a rate for this band and sex, or give the "
                             "population in the rate table's bands (a sex 'all' row needs a rate for sex all)")
        rate, band = found
        rate_bands.append(band)
        if band == "all" and age_specific and s.age_band != "all":
            crude_for.append(f"{s.age_band} {s.sex}")
        e = s.persons * years * rate / PER
        rows.append((s, rate, e))
        total += e
    return Expected(total, sum(s.persons for s in strata) * years, rates, rows, crude_for, rate_bands)


def sir(observed: int, expected: float, level: float = 0.95) -> SirResult:
    if observed < 0:
        raise InputError("observed cases must be >= 0", hint="give the number of cases seen, 0 or more")
    if not expected > 0:
        raise InputError("expected cases must be > 0",
                         hint="the expected count comes from the population table and the rates: check both")
    if not 0 < level < 1:  # 1.5 gave a '150% CI nan-nan' and then said the interval includes 1
        raise InputError(f"confidence level must be between 0 and 1 (exclusive), got {level:g}",
                         hint="e.g. --level 0.95 for a 95% interval")
    lo, hi = poisson_exact_ci(observed, level)
    return SirResult(observed, expected, observed / expected, lo / expected, hi / expected, level,
                     poisson_upper_tail(observed, expected))


def prevalence(incidence_per_100k: float, duration_years: float) -> float:
    """Steady-state prevalence per 100,000: P = I x D (valid when incidence and survival are stable)."""
    if incidence_per_100k < 0 or duration_years <= 0:
        raise InputError("incidence must be >= 0 and duration > 0",
                         hint="give the incidence per 100,000 person-years and the mean disease duration in years")
    return incidence_per_100k * duration_years


def _source_line(rates: RateSet) -> str:
    text = f"Rates: {rates.label}"
    if rates.sources:
        text += f" [sources: {', '.join(rates.sources)}]"
    if rates.unverified:
        text += " (confidence: unverified)"
    return text


def _count(value: float) -> str:
    """An expected count: two decimals, or two significant digits below 0.1 (a tiny population's 0.00026
    cases is not '0.00')."""
    return f"{value:.2f}" if value == 0 or value >= 0.1 else f"{value:.2g}"


def explain_expected(result: Expected, area: str) -> str:
    lines = [f"Expected ALS cases in {area}: {_count(result.expected)} over {result.person_years:,.0f} person-years.",
             _source_line(result.rates)]
    for caveat in result.rates.caveats:
        lines.append(f"  caveat: {caveat}")
    if result.crude_for:
        lines.append(f"  caveat: the rate table has no rate for age band(s) {', '.join(result.crude_for)}: the "
                     "all-ages rate was used for them, which does not follow the rise of ALS incidence with age. "
                     "Add their rates for a standardised expectation.")
    if all(band == "all" for band, _ in result.rates.rates):
        lines.append("  caveat: this is a crude (all-ages) rate, so the age structure of the population is not "
                     "taken into account; ALS incidence rises steeply with age to a peak around 70-79, so an "
                     "older population will have more cases than this. Supply an age-specific rate table "
                     "(--rates FILE) for a standardised expectation.")
    lines.append("In plain words: if ALS struck this population at the cited rate, this is how many new cases "
                 "one would expect; real counts scatter around it by chance (Poisson variation).")
    return "\n".join(lines)


# Below this many observed cases the wording says the count is small: the 95% Garwood interval of 10 cases spans a
# factor of about 4 (4.80-18.39), of 5 a factor of about 8 (1.62-11.67).
SMALL_COUNT = 10


def explain_sir(result: SirResult, area: str) -> str:
    pct = round(result.level * 100)
    lines = [
        f"{area}: observed {result.observed}, expected {_count(result.expected)}; SIR {result.sir:.2f} "
        f"({pct}% exact Poisson CI {result.low:.2f}-{result.high:.2f}, Garwood method).",
    ]
    if result.expected < 1:
        step = 1 / result.expected
        step_text = f"{step:,.0f}" if step >= 10 else f"{step:.2g}"
        lines.append(f"Fewer than one case is expected, so each case adds {step_text} to the SIR: "
                     "a population this small gives a very wide interval.")
    if 0 < result.observed < SMALL_COUNT:
        spread = f"{result.high / result.low:.0f} times" if result.low > 0 else "far above"
        lines.append(f"Only {result.observed} case{'s' if result.observed != 1 else ''} observed: a count this small "
                     f"gives an imprecise SIR (the interval's upper limit is {spread} its lower limit).")
    if result.observed == 0:
        lines.append("No cases were observed: the one-sided test for an excess does not apply, and charcot runs no "
                     "lower-tail test for a deficit, so the interval above is the only summary of this count.")
    else:
        lines.append(f"Probability of {result.observed} or more cases by chance alone: {result.p_excess:.3g} "
                     "(one-sided Poisson test for an excess; no lower-tail test for a deficit is run).")
    if result.low > 1:
        verdict = (f"More cases than expected: even the lower limit of the interval is above 1. The excess is "
                   f"unlikely to be chance alone if {area} was chosen before looking at the numbers.")
    elif result.high < 1:
        verdict = "Fewer cases than expected: the whole interval lies below 1."
    else:
        verdict = ("The count is compatible with the expected number: the interval includes 1, so chance could "
                   "explain it (this does not show that nothing is going on).")
    lines.append("In plain words: " + verdict)
    lines.append("Caution: areas picked because they seemed to have many cases (the 'Texas sharpshooter' problem), "
                 "incomplete case finding, or a wrong population count all distort an SIR. For scale, the "
                 "historical Western Pacific foci (Guam, Kii peninsula, West New Guinea) had rates 50 to hundreds "
                 "of times the usual ones [S-Sta72, S-Ste05].")
    return "\n".join(lines)


def significant(value: float, digits: int = 3) -> str:
    """A rate or duration with ``digits`` significant digits, never in exponent notation (2.1666666 -> '2.17',
    0.00026 -> '0.000260', 1234.6 -> '1,235'): a typed 2.1666666 is not printed back as '2.16667'."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def explain_prevalence(incidence_per_100k: float, duration_years: float) -> str:
    p = prevalence(incidence_per_100k, duration_years)
    return (f"Steady-state prevalence: {significant(incidence_per_100k)} per 100,000 per year x "
            f"{significant(duration_years)} years = "
            f"{significant(p)} per 100,000 living with ALS.\nIn plain words: because people live with ALS for a few years "
            f"(typically 2-5 [S-ATM15, S-Mur17], confidence: unverified), the number living with it at any time is "
            f"the yearly number of new cases times the average duration. For comparison, European studies report a "
            f"median prevalence of 5.40 per 100,000 [S-Chio13].")


def describe_rates() -> str:
    lines = ["Knowledge-base incidence figures usable with --rates (per 100,000 person-years):"]
    for key, rs in sorted(knowledge_rate_sets().items()):
        values = ", ".join(f"{sex}: {v:g}" for (_, sex), v in sorted(rs.rates.items()))
        flag = " (confidence: unverified)" if rs.unverified else ""
        lines.append(f"  {key:32} {values:22} {rs.label} [{', '.join(rs.sources)}]{flag}")
    lines.append("No cited full age-specific schedule is in the knowledge base; the age peak is "
                 "6.98-8.17 at ~72-77 y in Europe/North America and 2.20 at ~75 y in East Asia [S-Mar18].")
    return "\n".join(lines)
