"""The PR divergence and the PR optimizer: the divergence against convex analysis and its
closed form on discrete distributions, the critic's ratio estimate against known densities,
and init_from through the runner."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch import nn

import genbench
from genbench.report.tables import summarize
from genbench.spec.load import load_spec
from genbench.sweep.execute import execute_sweep
from genbench.sweep.plan import make_plan, plan_runs
from genbench_prdiv.divergence import PRDivergence
from genbench_prdiv.model import PROptimizer
from tests.tiny_specs import entry, tiny_spec

LAMBDAS = [0.05, 0.5, 1.0, 2.0, 20.0]
U = torch.logspace(-3, 3, 301, dtype=torch.float64)


@pytest.mark.parametrize("lam", LAMBDAS)
def test_pr_divergence_is_a_valid_f_divergence(lam):
    pr = PRDivergence(lam)
    assert pr.f(torch.ones(1, dtype=torch.float64)).item() == 0.0
    a, b = torch.meshgrid(U, U, indexing="ij")
    gap = (pr.f(a) + pr.f(b)) / 2 - pr.f((a + b) / 2)
    assert (gap / (1 + pr.f(a).abs() + pr.f(b).abs())).min().item() >= -1e-12
    t = pr.activation(torch.linspace(-30, 30, 121, dtype=torch.float64))
    assert t.max().item() <= lam and torch.isfinite(pr.f_star(t)).all()
    u, tt = torch.meshgrid(U, t, indexing="ij")
    slack = pr.f(u) + pr.f_star(tt) - u * tt
    assert (slack / (1 + (u * tt).abs())).min().item() >= -1e-12
    for slope in (0.0, lam):  # f' takes only these values; f*(f'(u)) = u f'(u) - f(u)
        side = U[(U * lam > 1) == (slope > 0)]
        expected = side * slope - pr.f(side)
        torch.testing.assert_close(pr.f_star(torch.full_like(side, slope)), expected)
    assert math.isinf(pr.f_star(torch.tensor(lam + 1e-3)).item())


@pytest.mark.parametrize("lam", LAMBDAS)
def test_pr_divergence_equals_min_lambda_one_minus_alpha_on_histograms(lam):
    """D_lambda(P||Q) = min(lambda, 1) - sum min(lambda p, q) (Simon et al. 2019)."""
    generator = torch.Generator().manual_seed(int(lam * 100))
    for _ in range(5):
        p = torch.rand(20, generator=generator, dtype=torch.float64)
        q = torch.rand(20, generator=generator, dtype=torch.float64)
        p, q = p / p.sum(), q / q.sum()
        divergence = (q * PRDivergence(lam).f(p / q)).sum().item()
        alpha = torch.minimum(lam * p, q).sum().item()
        assert divergence == pytest.approx(min(lam, 1.0) - alpha, abs=1e-12)


def optimizer_model(auxiliary: str, objective: str = "pr", lam: float = 1.0) -> PROptimizer:
    torch.manual_seed(0)
    critic = nn.Sequential(
        nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)
    )
    generator = nn.Linear(1, 1)
    return PROptimizer(
        generator,
        _Squeeze(critic),
        _UnitNormal(1),
        torch.optim.Adam(generator.parameters(), lr=1e-3),
        torch.optim.Adam(critic.parameters(), lr=1e-2),
        batch_size=64,
        target=PRDivergence(lam),
        auxiliary=genbench.get("divergence", auxiliary),
        objective=objective,
        critic_range=(-math.inf, math.inf),
        critic_warmup=0,
    )


class _Squeeze(nn.Module):
    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class _UnitNormal(genbench.LatentPrior):
    def sample(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.latent_dim)


@pytest.mark.parametrize("auxiliary", ["pearson", "kl"])
def test_auxiliary_critic_recovers_the_likelihood_ratio_of_known_densities(registry, auxiliary):
    """P = N(0, 1), Q = N(0.5, 1): p/q = exp(0.125 - 0.5 x); grad g*(T(x)) recovers it."""
    model = optimizer_model(auxiliary)
    torch.manual_seed(1)
    real, fake = torch.randn(8192, 1), torch.randn(8192, 1) + 0.5
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(model.d_optimizer, 500)
    for _ in range(500):
        loss = model.critic_loss(real, fake)
        model.d_optimizer.zero_grad()
        loss.backward()
        model.d_optimizer.step()
        schedule.step()
    x = torch.linspace(-1.0, 1.5, 26).unsqueeze(1)
    truth = torch.exp(0.125 - 0.5 * x.squeeze(1))
    with torch.no_grad():
        estimate = model.likelihood_ratio(x)
    assert ((estimate - truth).abs() / truth).max().item() < 0.10


def test_generator_objectives_follow_their_formulas(registry):
    fake = torch.randn(64, 1)
    for objective in ("pr", "precision", "dual"):
        model = optimizer_model("pearson", objective, lam=2.0)
        with torch.no_grad():
            v = model.critic(fake)
            ratio = v / 2 + 1
            expected = {
                "pr": (torch.clamp(2 * ratio, min=1) - 2).mean(),
                "precision": -torch.clamp(2 * ratio, max=1).mean(),
                "dual": -(torch.clamp(2 * torch.sigmoid(v), min=0) / 2 + 1).mean(),
            }[objective]
            torch.testing.assert_close(model.generator_loss(fake), expected)


SPEC = tiny_spec(
    entry("PR frozen", "pr-optimizer", init_from="base", lr_g=0.0, lr_d=0.0, critic_warmup=2),
    entry("base", "gan"),
    benchmark={"name": "pr", "budget": "5 steps", "seeds": [0, 1], "device": None},
    dataset={"samples": None},
)


def test_init_from_trains_the_start_first_and_fine_tunes_its_checkpoint(
    registry, write_spec, tmp_path
):
    spec = load_spec(write_spec(SPEC), registry)
    runs = plan_runs(spec, tmp_path)
    assert [run.entry for run in runs] == ["base", "base", "PR frozen", "PR frozen"]
    assert not execute_sweep(spec, registry, tmp_path).failed
    runs = tmp_path / "pr" / "runs"
    for seed in (0, 1):
        start = torch.load(runs / "base" / f"seed-{seed}" / "checkpoint.pt", weights_only=True)
        tuned = torch.load(runs / "pr-frozen" / f"seed-{seed}" / "checkpoint.pt", weights_only=True)
        generator = {k: v for k, v in start["model"].items() if k.startswith("generator.")}
        for key, value in generator.items():  # learning rate 0: the same seed's generator
            torch.testing.assert_close(tuned["model"][key], value)
    first, second = (
        torch.load(runs / "base" / f"seed-{seed}" / "checkpoint.pt", weights_only=True)["model"]
        for seed in (0, 1)
    )
    assert not torch.equal(first["generator.net.0.weight"], second["generator.net.0.weight"])


def test_retraining_the_start_retrains_what_starts_from_it(registry, write_spec, tmp_path):
    execute_sweep(load_spec(write_spec(SPEC), registry), registry, tmp_path)
    changed = SPEC.replace('model = "gan"\n', 'model = "gan"\nlr_g = 1e-3\n')
    plan = make_plan(load_spec(write_spec(changed), registry), tmp_path)
    assert {run.entry for run in plan.todo} == {"base", "PR frozen"}


def test_fine_tuning_fails_as_a_row_when_its_start_diverged(registry, write_spec, tmp_path):
    diverging = SPEC.replace('model = "gan"\n', 'model = "gan"\nlr_d = 1e30\nlr_g = 1e30\n')
    outcome = execute_sweep(load_spec(write_spec(diverging), registry), registry, tmp_path)
    statuses = {r[0].rstrip(" †‡§"): r[-1] for r in summarize(outcome.records, "pr").rows}
    assert statuses["base"].startswith("diverged")
    assert statuses["PR frozen"] == "failed"
    record = next((tmp_path / "pr" / "runs" / "pr-frozen").rglob("record.json")).read_text()
    assert "'base' seed 0 diverged; cannot start from it" in record


class _FixedRatio(nn.Module):
    """A critic whose chi^2 ratio estimate is r(x) = 3 exp(-x^2): the data lie near 0."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 2 * (3 * torch.exp(-(x.squeeze(1) ** 2)) - 1)


def fixed_critic_model(lam: float, objective: str) -> PROptimizer:
    generator = nn.Linear(1, 1)
    return PROptimizer(
        generator,
        _FixedRatio(),
        _UnitNormal(1),
        torch.optim.Adam(generator.parameters()),
        torch.optim.Adam(generator.parameters()),
        batch_size=64,
        target=PRDivergence(lam),
        auxiliary=genbench.get("divergence", "pearson"),
        objective=objective,
        critic_range=(-math.inf, math.inf),
        critic_warmup=0,
    )


def sample_gradients(lam: float, objective: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The generated samples x (away from where lambda r(x) = 1 exactly) and d loss / d x."""
    x = torch.linspace(-3, 3, 602, dtype=torch.float32)
    x = x[(lam * 3 * torch.exp(-(x**2)) - 1).abs() > 1e-3].unsqueeze(1).requires_grad_(True)
    fixed_critic_model(lam, objective).generator_loss(x).backward()
    return x.detach().squeeze(1), x.grad.squeeze(1)


def test_precision_loss_moves_only_samples_with_low_ratio_and_towards_the_data(registry):
    """By construction of E[min(lambda r, 1)]: a sample with lambda r(x) >= 1 gets no gradient,
    every other one is pushed to a higher ratio, i.e. towards the data. So a large lambda moves
    only the samples far off the data (precision), a small one nearly all (recall)."""
    moving = []
    for lam in LAMBDAS:
        x, grad = sample_gradients(lam, "precision")
        active = lam * 3 * torch.exp(-(x**2)) < 1
        assert torch.all(grad[~active] == 0), lam
        off_centre = active & (x.abs() > 1e-3)
        descent = -grad[off_centre]
        assert torch.all(torch.sign(descent) == -torch.sign(x[off_centre])), lam
        moving.append(int(active.sum()))
    assert moving == sorted(moving, reverse=True) and moving[0] > moving[-1]


def test_pr_loss_is_flat_where_lambda_times_the_ratio_is_below_one(registry):
    """f_lambda(r) = max(lambda r, 1) - max(lambda, 1) is constant for lambda r < 1: the
    paper's loss gives those samples no gradient, which is why it is not the default."""
    for lam in LAMBDAS:
        x, grad = sample_gradients(lam, "pr")
        flat = lam * 3 * torch.exp(-(x**2)) < 1
        assert torch.all(grad[flat] == 0), lam
        assert torch.all(grad[~flat & (x.abs() > 1e-3)] != 0), lam


@pytest.mark.parametrize("seed", range(3))
def test_precision_and_recall_at_lambda_move_monotonically_with_lambda(seed):
    """alpha_lambda = min(lambda, 1) - D_lambda grows with lambda and beta = alpha / lambda
    shrinks: the closed form weighs precision more as lambda grows (Simon et al. 2019)."""
    generator = torch.Generator().manual_seed(seed)
    p = torch.rand(30, generator=generator, dtype=torch.float64)
    q = torch.rand(30, generator=generator, dtype=torch.float64)
    p, q = p / p.sum(), q / q.sum()
    lambdas = torch.logspace(-2, 2, 41, dtype=torch.float64).tolist()
    alphas = [min(lam, 1.0) - (q * PRDivergence(lam).f(p / q)).sum().item() for lam in lambdas]
    betas = [alpha / lam for alpha, lam in zip(alphas, lambdas, strict=True)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(alphas))
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(betas))
    assert min(alphas) >= 0 and max(alphas) <= 1 + 1e-12 and max(betas) <= 1 + 1e-12
