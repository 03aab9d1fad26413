"""Statistics for the tables: mean ± std, 95% CI (t distribution), Welch's t-test against a baseline, rank."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats


@dataclass(frozen=True)
class Summary:
    """One activation's numbers over its seeds (diverged runs excluded from mean, std and CI)."""

    name: str
    n: int
    mean: float
    std: float
    ci_low: float
    ci_high: float
    diverged: int
    p_value: float | None = None  # Welch's t-test against the baseline; None for the baseline itself
    rank: int | None = None
    p_holm: float | None = None  # p_value adjusted for every comparison in the table (Holm 1979)


def mean_std_ci(values, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """(mean, sample std, CI low, CI high) with a Student-t interval; NaN where undefined (n < 2 for std/CI)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return (math.nan,) * 4
    mean = float(v.mean())
    if len(v) < 2:
        return mean, math.nan, math.nan, math.nan
    std = float(v.std(ddof=1))
    half = float(scipy_stats.t.ppf((1 + confidence) / 2, len(v) - 1)) * std / math.sqrt(len(v))
    return mean, std, mean - half, mean + half


def welch_p(a, b) -> float:
    """Two-sided p-value of Welch's t-test (unequal variances); NaN when either side has < 2 values."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return math.nan
    if a.std() == 0 and b.std() == 0:
        return 1.0 if a.mean() == b.mean() else 0.0
    return float(scipy_stats.ttest_ind(a, b, equal_var=False).pvalue)


def summarise(
    groups: dict[str, list[float]],
    diverged: dict[str, int] | None = None,
    baseline: str | None = "relu",
    higher_is_better: bool = True,
) -> list[Summary]:
    """Summaries of every group, ranked by mean (1 = best), with Welch's p-value against `baseline`."""
    diverged = diverged or {}
    base = groups.get(baseline) if baseline else None
    rows = []
    for name, values in groups.items():
        mean, std, lo, hi = mean_std_ci(values)
        p = None if base is None or name == baseline else welch_p(values, base)
        n = int(np.isfinite(np.asarray(values, dtype=float)).sum())
        rows.append(Summary(name, n, mean, std, lo, hi, int(diverged.get(name, 0)), p))
    order = sorted(
        rows,
        key=lambda r: (math.isnan(r.mean), -r.mean if higher_is_better else r.mean),
    )
    ranked = {r.name: i + 1 for i, r in enumerate(order) if not math.isnan(r.mean)}
    tested = [r.name for r in rows if r.p_value is not None and math.isfinite(r.p_value)]
    adjusted = dict(zip(tested, holm([r.p_value for r in rows if r.name in tested]), strict=True))
    return [
        Summary(**{**r.__dict__, "rank": ranked.get(r.name), "p_holm": adjusted.get(r.name)})
        for r in sorted(rows, key=lambda r: ranked.get(r.name, 10**9))
    ]


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the input order: reject where the adjusted p < α.

    With m tests sorted so that p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted p₍ᵢ₎ is max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎),
    which keeps the chance of any false "significant" in the table at α (Holm 1979).
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out


def compare(a, b, direction: str = "greater", alpha: float = 0.05) -> tuple[str, float, float]:
    """Verdict on the claim "a > b" (or "a < b"): supported / not supported / inconclusive, with the mean
    difference a − b and Welch's p-value. Significant in the claimed direction → supported; significant the
    other way → not supported; otherwise inconclusive.
    """
    diff = float(np.nanmean(np.asarray(a, float)) - np.nanmean(np.asarray(b, float)))
    p = welch_p(a, b)
    if math.isnan(p) or p >= alpha:
        return "inconclusive", diff, p
    claimed = diff > 0 if direction == "greater" else diff < 0
    return ("supported" if claimed else "not supported"), diff, p


def combine(verdicts: list[str]) -> str:
    """All parts supported → supported; any part not supported → not supported; else inconclusive."""
    if verdicts and all(v == "supported" for v in verdicts):
        return "supported"
    if any(v == "not supported" for v in verdicts):
        return "not supported"
    return "inconclusive"


@dataclass(frozen=True)
class RankCorrelation:
    """Spearman's ρ between two experiments' rankings of the activations both measured, with its CI."""

    names: tuple[str, ...]
    rho: float
    ci_low: float
    ci_high: float
    p_value: float


def rank_correlation(
    a: dict[str, list[float]], b: dict[str, list[float]], confidence: float = 0.95, resamples: int = 2000
) -> RankCorrelation:
    """Spearman's ρ between the mean values of the activations in both `a` and `b` (activation → per-seed values).

    The confidence interval is a percentile bootstrap over seeds (scipy.stats.bootstrap): each activation's seeds
    are resampled independently in each experiment, so the interval says how much the rankings' agreement
    depends on which seeds were drawn. The p-value is Spearman's test against ρ = 0 on the means.
    """
    names = tuple(sorted(n for n in set(a) & set(b) if _finite(a[n]) and _finite(b[n])))
    if len(names) < 3:
        return RankCorrelation(names, math.nan, math.nan, math.nan, math.nan)
    samples = [_finite(a[n]) for n in names] + [_finite(b[n]) for n in names]
    k = len(names)

    def rho(*groups):
        means = [float(np.mean(g)) for g in groups]
        return scipy_stats.spearmanr(means[:k], means[k:]).statistic

    observed = scipy_stats.spearmanr([np.mean(s) for s in samples[:k]], [np.mean(s) for s in samples[k:]])
    if min(len(s) for s in samples) < 2:  # one seed: nothing to resample, so no interval
        return RankCorrelation(names, float(observed.statistic), math.nan, math.nan, float(observed.pvalue))
    ci = scipy_stats.bootstrap(
        samples,
        rho,
        vectorized=False,
        n_resamples=resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(0),
    ).confidence_interval
    return RankCorrelation(
        names, float(observed.statistic), float(ci.low), float(ci.high), float(observed.pvalue)
    )


def _finite(values) -> list[float]:
    v = np.asarray(values, dtype=float)
    return list(v[np.isfinite(v)])
