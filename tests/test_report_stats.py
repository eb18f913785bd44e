"""Statistics over seeds against hand-computed cases, exact enumeration and scipy's tests."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.stats

from genbench.report import stats


def test_estimate_of_four_values_by_hand() -> None:
    estimate = stats.estimate([1.0, 2.0, 3.0, 4.0, math.nan])
    # mean 2.5; sample variance ((1.5^2 + 0.5^2) * 2) / 3 = 5/3; the NaN is not a value.
    assert (estimate.mean, estimate.n) == (2.5, 4)
    assert estimate.std == pytest.approx(math.sqrt(5 / 3), rel=1e-12)
    assert estimate.ci_low < 2.5 < estimate.ci_high


def test_one_value_has_no_interval_and_none_has_no_mean() -> None:
    one = stats.estimate([0.7])
    assert (one.mean, one.std, one.n) == (0.7, 0.0, 1)
    assert math.isnan(one.ci_low) and math.isnan(one.ci_high)
    assert stats.estimate([math.nan]).n == 0 and math.isnan(stats.estimate([]).mean)


def test_bootstrap_of_two_values_spans_both() -> None:
    # Resampled means of [0, 1] are 0, 1/2, 1 with probability 1/4, 1/2, 1/4: the 2.5 % and
    # 97.5 % quantiles fall on 0 and 1.
    assert stats.bootstrap_interval([0.0, 1.0]) == (0.0, 1.0)
    assert stats.bootstrap_interval([3.0, 3.0, 3.0]) == (3.0, 3.0)


def test_bootstrap_interval_matches_the_exact_bootstrap_distribution() -> None:
    values = np.array([0.0, 1.0, 2.0, 3.0, 10.0])
    # All 5^5 equally likely resamples, enumerated: the exact percentile interval.
    means = np.array([values[list(i)].mean() for i in itertools.product(range(5), repeat=5)])
    exact = np.quantile(means, [0.025, 0.975])
    low, high = stats.bootstrap_interval(values)
    # Resampled means lie on a grid of 0.2: the Monte Carlo quantiles are within one step.
    assert low == pytest.approx(exact[0], abs=0.21) and high == pytest.approx(exact[1], abs=0.21)


def test_bootstrap_is_reproducible_with_its_fixed_seed() -> None:
    values = np.random.default_rng(5).normal(size=12)
    assert stats.bootstrap_interval(values) == stats.bootstrap_interval(values)
    # Another seed draws other resamples (the fixed seed is what makes tables reproducible).
    assert stats.bootstrap_interval(values, seed=1) != stats.bootstrap_interval(values)


def test_paired_t_test_by_hand_with_two_degrees_of_freedom() -> None:
    # d = 1, 2, 3: mean 2, sd 1, t = 2 / (1 / sqrt 3) = sqrt 12 with 2 degrees of freedom, where
    # the t distribution's CDF is 1/2 + t / (2 sqrt(2 + t^2)): p = 1 - t / sqrt(2 + t^2).
    expected = 1 - math.sqrt(12) / math.sqrt(14)
    assert stats.paired_t_test([1.0, 2.0, 3.0]) == pytest.approx(expected, rel=1e-12)


def test_welch_t_test_by_hand_with_two_degrees_of_freedom() -> None:
    # [0, 2] vs [4, 6]: means 1 and 5, variances 2 and 2, se = sqrt(2/2 + 2/2) = sqrt 2,
    # t = 4 / sqrt 2; Welch's df = (1 + 1)^2 / (1/1 + 1/1) = 2; p = 1 - t / sqrt(2 + t^2).
    t = 4 / math.sqrt(2)
    expected = 1 - t / math.sqrt(2 + t**2)
    assert stats.welch_t_test([0.0, 2.0], [4.0, 6.0]) == pytest.approx(expected, rel=1e-12)


def test_t_tests_equal_scipys_on_random_data() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 1, 7), rng.normal(0.5, 2, 5)
    assert stats.welch_t_test(a, b) == pytest.approx(
        scipy.stats.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-10
    )
    c = a + rng.normal(0.3, 0.5, 7)
    assert stats.paired_t_test(c - a) == pytest.approx(
        scipy.stats.ttest_rel(c, a).pvalue, rel=1e-10
    )


def test_identical_differences_are_significant_unless_zero() -> None:
    assert stats.paired_t_test([0.5, 0.5, 0.5]) == 0.0
    assert stats.paired_t_test([0.0, 0.0]) == 1.0
    assert math.isnan(stats.paired_t_test([1.0]))
    assert math.isnan(stats.welch_t_test([1.0], [2.0, 3.0]))


def test_compare_pairs_shared_seeds() -> None:
    comparison = stats.compare({0: 1.0, 1: 2.0, 2: 3.0, 7: 9.0}, {0: 2.0, 1: 4.0, 2: 6.0})
    assert comparison.test == stats.PAIRED and (comparison.n_a, comparison.n_b) == (3, 3)
    assert comparison.difference == pytest.approx(2.0)
    assert comparison.p_value == pytest.approx(1 - math.sqrt(12 / 14), rel=1e-12)
    assert comparison.ci_low == 1.0 and comparison.ci_high == 3.0
    assert not comparison.significant()


def test_compare_without_shared_seeds_is_welch_and_one_value_is_untested() -> None:
    comparison = stats.compare({0: 0.0, 1: 2.0}, {5: 4.0, 6: 6.0})
    assert comparison.test == stats.WELCH and comparison.difference == 4.0
    assert comparison.p_value == pytest.approx(1 - math.sqrt(0.8), rel=1e-12)
    assert comparison.ci_low == pytest.approx(2.0) and comparison.ci_high == pytest.approx(6.0)
    untested = stats.compare({0: 1.0}, {0: 2.0})
    assert untested.test == stats.UNTESTED and untested.difference == 1.0
    assert math.isnan(untested.p_value) and not untested.significant()


SEPARATED = {0: 5.0, 1: 5.2, 2: 4.9}
LOW = {0: 1.0, 1: 1.1, 2: 0.9}


def test_best_is_marked_alone_when_significantly_better_than_every_other() -> None:
    assert stats.tied_best([LOW, SEPARATED, {0: 1.2, 1: 1.0, 2: 1.1}], True) == {1}
    assert stats.tied_best([LOW, SEPARATED], higher_is_better=False) == {0}


def test_entries_not_significantly_worse_are_marked_with_the_best() -> None:
    # B - A per seed = 1, 2, 3 (p = 0.074): tied; C is far below both.
    a, b, c = {0: 1.0, 1: 2.0, 2: 3.0}, {0: 2.0, 1: 4.0, 2: 6.0}, {0: -9.0, 1: -9.5, 2: -9.2}
    assert stats.tied_best([a, b, c], higher_is_better=True) == {0, 1}


def test_one_seed_marks_nothing_and_single_values_are_neither_marked_nor_blocking() -> None:
    assert stats.tied_best([{0: 1.0}, {0: 2.0}], higher_is_better=True) == frozenset()
    # A single value, however good or bad, is not tested: the testable entries are compared.
    assert stats.tied_best([SEPARATED, {0: 99.0}, LOW], higher_is_better=True) == {0}
    assert stats.tied_best([SEPARATED, {0: -9.0}], higher_is_better=True) == {0}
    assert stats.tied_best([SEPARATED, {}], higher_is_better=True) == {0}
    assert stats.tied_best([SEPARATED, {0: math.nan}, LOW], higher_is_better=True) == {0}


def test_detectable_difference_is_the_normal_approximation_for_many_seeds() -> None:
    # With large df the t-test is a z-test: (z_0.975 + z_0.8) standard errors.
    expected = scipy.stats.norm.ppf(0.975) + scipy.stats.norm.ppf(0.8)
    assert stats.detectable_difference(1.0, 1e6) == pytest.approx(expected, rel=1e-3)
    assert stats.detectable_difference(2.0, 1e6) == pytest.approx(2 * expected, rel=1e-3)


def test_a_paired_test_of_three_seeds_detects_the_detectable_difference_four_times_in_five() -> (
    None
):
    """Monte Carlo: differences of 3 seeds with true mean at the detectable size and sd 1 are
    significant in 80 % of draws (the standard error used is the true one, sd / sqrt 3)."""
    rng = np.random.default_rng(7)
    size = stats.detectable_difference(1 / math.sqrt(3), 2)
    assert size / (1 / math.sqrt(3)) > 5  # three seeds: more than five standard errors
    draws = rng.normal(size, 1.0, size=(20_000, 3))
    t = draws.mean(axis=1) / (draws.std(axis=1, ddof=1) / math.sqrt(3))
    detected = np.mean(2 * scipy.stats.t.sf(np.abs(t), 2) < stats.ALPHA)
    assert detected == pytest.approx(stats.POWER, abs=0.01)


def test_every_comparison_carries_what_it_could_detect() -> None:
    paired = stats.compare({0: 1.0, 1: 2.0, 2: 3.0}, {0: 2.0, 1: 2.5, 2: 4.5})
    spread = np.std([1.0, 0.5, 1.5], ddof=1) / math.sqrt(3)
    assert paired.detectable == pytest.approx(stats.detectable_difference(spread, 2))
    welch = stats.compare({0: 1.0, 1: 2.0}, {5: 2.0, 6: 4.0, 7: 3.0})
    assert welch.test == stats.WELCH and math.isfinite(welch.detectable)
    assert math.isnan(stats.compare({0: 1.0}, {1: 2.0}).detectable)
