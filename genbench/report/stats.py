"""Statistics over seeds: what a table may claim about a metric's value and its differences.

Pure functions on numbers (seed -> value maps for comparisons), so they are tested against
hand-computed cases and read the same whatever a run record looks like.

- Interval: a percentile bootstrap of the mean over seeds, 10,000 resamples drawn with numpy's
  `default_rng(0)`, so a table rebuilt from the same records prints the same interval.
  With one seed there is no interval (NaN), not a zero-width one.
- Test: a two-sided t-test at alpha = 0.05, paired on the per-seed differences when the two
  entries share at least two seeds (the other seeds are then left out), Welch's unequal-variance
  t-test on all values otherwise. With three to five seeds a permutation test could never
  reach p < 0.05 (its smallest p-value is 2 / 2^n), so it would mark nothing, ever; the t-test's
  normality assumption is the price, and the footnote names the test.
- Power: beside each comparison, the smallest true difference its test would detect with
  probability 0.8 at alpha = 0.05 given the spread the seeds showed (the noncentral t power of
  the same test), so that "not significant" is read as "cannot tell below this size", never as
  "no difference". Three paired seeds detect only differences above about 5.4 standard errors.
- Best of a column: among the entries with at least two values, the best mean, marked together
  with every entry not significantly worse than it; an entry marked alone is significantly
  better than every other tested one. An entry with a single value (one seed, or one run left
  by divergence) cannot be tested: it is not marked, and the footnote says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 10_000
BOOTSTRAP_SEED = 0
ALPHA = 0.05
POWER = 0.8
PAIRED = "paired t-test"
WELCH = "Welch's t-test"
UNTESTED = "no test (fewer than 2 values)"

FOOTNOTE = (
    f"Cells: mean ± std over seeds [{CONFIDENCE:.0%} percentile-bootstrap interval of the mean, "
    f"{RESAMPLES:,} resamples, numpy seed {BOOTSTRAP_SEED}], no ± where every seed gave the "
    f"same value; (n=k) where only k runs gave a value, — where none did. Bold: the best mean "
    f"together with every entry not significantly different from it (two-sided t-test, "
    f"alpha = {ALPHA}, paired on shared seeds, Welch's otherwise); an entry bold alone is "
    f"significantly better than every other. Entries with a single value are not tested, "
    f"nor marked."
)
ONE_SEED_NOTE = (
    "No entry is marked best: with one seed per entry no difference can be tested "
    "(run at least two seeds, e.g. --seeds 0-2)."
)


@dataclass(frozen=True)
class Estimate:
    """A metric over seeds: mean, sample std, count of finite values and bootstrap interval."""

    mean: float
    std: float
    n: int
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Comparison:
    """B - A: the difference of means, its bootstrap interval, and the test's p-value, with
    the standard error and degrees of freedom the test used (NaN when untested)."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    n_a: int
    n_b: int
    standard_error: float = math.nan
    df: float = math.nan

    @property
    def detectable(self) -> float:
        """The smallest true difference this test finds with probability POWER; computed on
        demand, so the tables' marking of best cells, which reads only p, does not pay for it."""
        return detectable_difference(self.standard_error, self.df)

    def significant(self, alpha: float = ALPHA) -> bool:
        return math.isfinite(self.p_value) and self.p_value < alpha


Samples = Sequence[float] | np.ndarray
"""Numbers as the statistics take them: a list of floats or a NumPy array."""


def finite(values: Samples) -> np.ndarray:
    """The finite values as float64 (NaN stands for a metric a run could not compute)."""
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    return array[np.isfinite(array)]


def estimate(values: Sequence[float]) -> Estimate:
    """Mean, std (ddof = 1; 0 for one value), n and the bootstrap interval of the mean."""
    array = finite(values)
    if len(array) == 0:
        return Estimate(math.nan, math.nan, 0, math.nan, math.nan)
    std = float(array.std(ddof=1)) if len(array) > 1 else 0.0
    low, high = bootstrap_interval(array)
    return Estimate(float(array.mean()), std, len(array), low, high)


def bootstrap_interval(
    values: Samples,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; (NaN, NaN) below two finite values."""
    array = finite(values)
    if len(array) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = array[rng.integers(0, len(array), size=(resamples, len(array)))].mean(axis=1)
    return _percentiles(means, confidence)


def bootstrap_difference_interval(
    a: Sequence[float],
    b: Sequence[float],
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """Interval of mean(b) - mean(a) for independent samples, each resampled on its own."""
    xa, xb = finite(a), finite(b)
    if len(xa) < 2 or len(xb) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    mean_a = xa[rng.integers(0, len(xa), size=(resamples, len(xa)))].mean(axis=1)
    mean_b = xb[rng.integers(0, len(xb), size=(resamples, len(xb)))].mean(axis=1)
    return _percentiles(mean_b - mean_a, confidence)


def _percentiles(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1 - confidence) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def paired_t_test(differences: Samples) -> float:
    """Two-sided p-value of mean(differences) = 0 (Student's t, n - 1 degrees of freedom).

    Identical differences have no spread: p is 0 if they are non-zero (the limit), else 1.
    """
    d = finite(differences)
    if len(d) < 2:
        return math.nan
    mean, std = float(d.mean()), float(d.std(ddof=1))
    if std == 0:
        return 0.0 if mean != 0 else 1.0
    return _t_two_sided(mean / (std / math.sqrt(len(d))), len(d) - 1)


def welch_t_test(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of equal means without assuming equal variances (Welch 1947), with
    the Welch-Satterthwaite degrees of freedom."""
    xa, xb = finite(a), finite(b)
    if len(xa) < 2 or len(xb) < 2:
        return math.nan
    standard_error, df = _welch_error(xa, xb)
    gap = float(xb.mean() - xa.mean())
    if standard_error == 0:
        return 0.0 if gap != 0 else 1.0
    return _t_two_sided(gap / standard_error, df)


def _welch_error(xa: np.ndarray, xb: np.ndarray) -> tuple[float, float]:
    """The standard error of mean(b) - mean(a) and its Welch-Satterthwaite degrees of freedom
    (NaN when both samples are constant), for two samples of at least two values."""
    va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
    if va + vb == 0:
        return 0.0, math.nan
    df = (va + vb) ** 2 / (va**2 / (len(xa) - 1) + vb**2 / (len(xb) - 1))
    return math.sqrt(va + vb), float(df)


def _t_two_sided(t: float, df: float) -> float:
    from scipy.special import stdtr  # imported here: only reports pay for scipy

    return float(2 * stdtr(df, -abs(t)))


def compare(a: Mapping[int, float], b: Mapping[int, float]) -> Comparison:
    """B - A for two seed -> value maps: paired over shared seeds when at least two are
    shared, unpaired (Welch) otherwise."""
    a = {seed: float(v) for seed, v in a.items() if math.isfinite(v)}
    b = {seed: float(v) for seed, v in b.items() if math.isfinite(v)}
    shared = sorted(set(a) & set(b))
    if len(shared) >= 2:
        d = np.array([b[seed] - a[seed] for seed in shared])
        low, high = bootstrap_interval(d)
        n = len(shared)
        error = float(d.std(ddof=1)) / math.sqrt(n)
        return Comparison(float(d.mean()), low, high, paired_t_test(d), PAIRED, n, n, error, n - 1)
    values_a, values_b = list(a.values()), list(b.values())
    difference = float(np.mean(values_b) - np.mean(values_a)) if values_a and values_b else math.nan
    low, high = bootstrap_difference_interval(values_a, values_b)
    p_value = welch_t_test(values_a, values_b)
    test = WELCH if math.isfinite(p_value) else UNTESTED
    error, df = (
        _welch_error(finite(values_a), finite(values_b)) if test == WELCH else (math.nan, math.nan)
    )
    return Comparison(difference, low, high, p_value, test, len(values_a), len(values_b), error, df)


def detectable_difference(
    standard_error: float, df: float, alpha: float = ALPHA, power: float = POWER
) -> float:
    """The true difference a two-sided t-test with this standard error and these degrees of
    freedom detects with probability `power`: the d at which the noncentral t with
    noncentrality d / se falls beyond the critical value that often."""
    from scipy.optimize import brentq
    from scipy.stats import nct, t

    if not (standard_error > 0 and df > 0):
        return math.nan
    critical = float(t.ppf(1 - alpha / 2, df))

    def shortfall(noncentrality: float) -> float:
        beyond = nct.sf(critical, df, noncentrality) + nct.cdf(-critical, df, noncentrality)
        # Far out the noncentral t's series can fail (NaN) where its power is all but 1.
        return (float(beyond) if math.isfinite(beyond) else 1.0) - power

    # The normal approximation's size, doubled for t's heavier tails, brackets the root.
    bracket = 2 * (critical + float(t.ppf(power, df))) + 1
    return float(brentq(shortfall, 0.0, bracket)) * standard_error


def tied_best(
    groups: Sequence[Mapping[int, float]], higher_is_better: bool, alpha: float = ALPHA
) -> frozenset[int]:
    """Indices of the entries to mark best in a column (seed -> value per entry): among the
    entries with at least two values, the best mean and every entry not significantly worse.
    An entry with one value cannot be tested, so it is neither marked nor lets its mean block
    the others; with no testable entry nothing is marked."""
    values = {i: finite(list(g.values())) for i, g in enumerate(groups)}
    means = {i: float(v.mean()) for i, v in values.items() if len(v) >= 2}
    if not means:
        return frozenset()
    sign = 1.0 if higher_is_better else -1.0
    best = max(means, key=lambda i: (sign * means[i], -i))
    tied = {best}
    for index in means:
        if index == best:
            continue
        comparison = compare(groups[best], groups[index])
        worse = sign * comparison.difference < 0
        if not (comparison.significant(alpha) and worse):
            tied.add(index)
    return frozenset(tied)
