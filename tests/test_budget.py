import pytest

from genbench.spec.budget import Budget, BudgetError, TrainingClock


@pytest.mark.parametrize(
    ("text", "seconds", "steps"),
    [
        ("90s", 90, None),
        ("90 s", 90, None),
        ("5m", 300, None),
        ("5 min", 300, None),
        ("1.5h", 5400, None),
        ("2000 steps", None, 2000),
        ("1 step", None, 1),
        (" 20 Steps ", None, 20),
    ],
)
def test_budget_strings_parse_to_seconds_or_steps(text, seconds, steps):
    budget = Budget.parse(text)
    assert budget.seconds == seconds
    assert budget.steps == steps


@pytest.mark.parametrize(
    "text", ["", "fast", "0s", "0 steps", "-5s", "10 epochs", "5", "1.5 steps"]
)
def test_bad_budget_strings_are_user_errors(text):
    with pytest.raises(BudgetError, match="invalid budget"):
        Budget.parse(text)


def test_budget_round_trips_through_its_text():
    for text in ("90s", "5m", "1h", "2000 steps"):
        assert str(Budget.parse(text)) == text


def test_step_budget_is_exhausted_at_its_count_and_reports_fraction():
    budget = Budget(steps=10)
    assert not budget.exhausted(9, 1e9)
    assert budget.exhausted(10, 0)
    assert budget.fraction(5, 0) == 0.5


def test_paused_clock_does_not_count_time(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("genbench.spec.budget.time.perf_counter", lambda: now[0])
    clock = TrainingClock()
    clock.start()
    now[0] += 2
    clock.pause()
    now[0] += 50
    clock.start()
    now[0] += 1
    assert clock.seconds == pytest.approx(3)


@pytest.mark.parametrize(
    ("text", "flops"),
    [("20 TFLOP", 20e12), ("1.5 gflop", 1.5e9), ("2PFLOP", 2e15), ("300 GFLOPs", 300e9)],
)
def test_flop_budgets_parse_to_training_flops(text, flops):
    budget = Budget.parse(text)
    assert (budget.flops, budget.steps, budget.seconds) == (flops, None, None)


@pytest.mark.parametrize("text", ["0 TFLOP", "20 FLOP", "5 kflop", "1e3 gflop"])
def test_bad_flop_budgets_are_user_errors(text):
    with pytest.raises(BudgetError, match="FLOP count"):
        Budget.parse(text)


def test_flop_budget_round_trips_and_is_exhausted_at_its_count():
    assert str(Budget.parse("20 TFLOP")) == "20 TFLOP"
    assert str(Budget.parse("500 GFLOP")) == "500 GFLOP"
    budget = Budget(flops=1e9)
    assert not budget.exhausted(10**6, 1e9, 0.9e9)
    assert budget.exhausted(1, 0.0, 1e9)
    assert budget.fraction(0, 0.0, 0.25e9) == 0.25
