"""What genbench_objectives registers, described without importing torch: the hinge and
least-squares objectives and the relativistic average losses (Jolicoeur-Martineau 2019)."""

from __future__ import annotations

from genbench.api import Deferred, Param

LEAST_SQUARES_PARAMS = (
    Param("a", 0.0, "the critic's target on generated samples"),
    Param("b", 1.0, "the critic's target on real samples; must differ from a"),
    Param("c", 1.0, "the value the generator wants the critic to give its samples"),
)

DIVERGENCES = (
    Deferred(
        "hinge",
        "Hinge loss (Lim & Ye 2017; SNGAN, BigGAN): critic E_P[relu(1 - v)] + E_Q[relu(1 + v)],"
        " generator -E_Q[v].",
        "genbench_objectives.standard:Hinge",
    ),
    Deferred(
        "least-squares",
        "Least squares (LSGAN, Mao et al. 2017): critic 1/2 E_P[(v - b)^2] + 1/2 E_Q[(v - a)^2],"
        " generator 1/2 E_Q[(v - c)^2]; defaults a = 0, b = 1, c = 1, the 0-1 coding of the"
        " paper's experiments (a = -1, b = 1, c = 0 gives its chi-squared objective).",
        "genbench_objectives.standard:LeastSquares",
        LEAST_SQUARES_PARAMS,
    ),
    Deferred(
        "relativistic-gan",
        "Relativistic average standard GAN (RaSGAN, Jolicoeur-Martineau 2019): the GAN's logistic"
        " losses on v(x_r) - E[v(x_f)] and v(x_f) - E[v(x_r)].",
        "genbench_objectives.relativistic:RelativisticGAN",
    ),
    Deferred(
        "relativistic-least-squares",
        "Relativistic average least squares (RaLSGAN, Jolicoeur-Martineau 2019): targets 1 and"
        " -1 for v(x_r) - E[v(x_f)] and v(x_f) - E[v(x_r)].",
        "genbench_objectives.relativistic:RelativisticLeastSquares",
    ),
    Deferred(
        "relativistic-hinge",
        "Relativistic average hinge (RaHingeGAN, Jolicoeur-Martineau 2019): the hinge on"
        " v(x_r) - E[v(x_f)] and v(x_f) - E[v(x_r)].",
        "genbench_objectives.relativistic:RelativisticHinge",
    ),
)

BY_NAME = {item.name: item for item in DIVERGENCES}
"""Each description by name: the loaded objects repeat theirs from here, so `genbench.get` and
`genbench list` tell the same (a registry describes an item by the loaded object once used)."""
