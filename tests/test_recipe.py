"""The `[recipe]` table states the training recipe once: every entry whose model takes a key
inherits it, an entry's own value replaces it, a key no entry takes or a bad value is refused
on one line naming `recipe.<key>`; and a table marks (§) each entry whose recipe differs from
the one most entries share, saying what it changes."""

from __future__ import annotations

import json

from click.testing import CliRunner

import genbench
from genbench.cli import cli
from tests.tiny_specs import entry, tiny_spec

RECIPE = {"lr_d": 1e-4, "network": "toy-mlp", "ema": 0.99, "batch_size": 32}


def shown(write_spec, text: str) -> dict:
    result = CliRunner().invoke(cli, ["show", str(write_spec(text))])
    assert result.exit_code == 0, result.output
    return {e["name"]: e["params"] for e in json.loads(result.output)["entries"]}


def test_every_entry_inherits_the_recipe_where_its_model_takes_it(write_spec):
    params = shown(
        write_spec,
        tiny_spec(
            entry("GAN", "gan"),
            entry("WGAN-GP", "wgan-gp", lr_d=3e-4),
            entry("PR", "pr-optimizer", init_from="GAN"),
            tables={"recipe": RECIPE},
        ),
    )
    assert {k: params["GAN"][k] for k in RECIPE} == RECIPE
    assert params["WGAN-GP"]["lr_d"] == 3e-4  # its own value replaces the recipe's
    assert params["WGAN-GP"]["ema"] == 0.99 and params["WGAN-GP"]["n_critic"] == 5
    assert params["PR"]["lr_d"] == 1e-5  # a fine-tuning family keeps its own recipe


def test_a_table_in_the_recipe_is_replaced_whole_by_an_entrys_own(write_spec):
    recipe = {"network": "toy-mlp", "network_params": {"generator_widths": [16, 16]}}
    params = shown(
        write_spec,
        tiny_spec(
            entry("A", "gan"),
            entry("B", "gan", network_params={"critic_widths": [8]}),
            tables={"recipe": recipe},
        ),
    )
    assert params["A"]["network_params"]["generator_widths"] == [16, 16]
    assert params["B"]["network_params"]["generator_widths"] == [128, 128, 128]
    assert params["B"]["network_params"]["critic_widths"] == [8]


def refusal(write_spec, recipe: object) -> str:
    path = write_spec(tiny_spec(entry("GAN", "gan"), tables={"recipe": recipe}))
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(path.parent / "out")])
    assert result.exit_code == 2
    assert not (path.parent / "out").exists()  # refused before anything trains
    (line,) = result.output.strip().splitlines()
    return line.split(": ", 2)[2]


def test_a_key_no_entry_takes_and_a_bad_value_are_blamed_on_the_recipe(write_spec):
    assert refusal(write_spec, {"emma": 0.99}) == (
        "recipe.emma: no entry's model (gan) takes it as a recipe parameter; did you mean 'ema'?"
    )
    assert refusal(write_spec, {"ema": 1.5}) == "recipe.ema: must be below 1.0, got 1.5"
    assert refusal(write_spec, {"network": "toy-mlpp"}) == (
        "recipe.network: unknown network 'toy-mlpp'; did you mean 'toy-mlp' or 'mnist-mlp'?"
    )
    assert refusal(write_spec, {"generator_loss": "minimax"}).startswith(
        "recipe.generator_loss: no entry's model (gan) takes it as a recipe parameter"
    )  # the objective is not part of the recipe


def test_the_table_marks_and_names_what_an_entry_changes_beside_its_objective(write_spec, tmp_path):
    spec = tiny_spec(
        entry("GAN", "gan"),
        entry("f-GAN (JS)", "fgan"),
        entry("f-GAN (KL), clipped", "fgan", divergence="kl", grad_clip=1.0, lr_d=1e-4),
        benchmark={"budget": "5 steps"},
        tables={"recipe": {"network": "toy-mlp"}},
    )
    genbench.run(write_spec(spec), out=tmp_path / "out", quiet=True)
    text = (tmp_path / "out" / "tiny" / "table.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")]
    assert rows[1:] == ["GAN", "f-GAN (JS)", "f-GAN (KL), clipped §"]
    (note,) = [line for line in text.splitlines() if line.startswith("§")]
    assert note.endswith(
        ": f-GAN (KL), clipped: lr_d 0.0001 (most entries: 0.0002), grad_clip 1 (most entries: 0)."
    )
