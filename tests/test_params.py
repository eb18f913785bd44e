import math

import pytest

from genbench.api.params import Param, describe_params, resolve_params
from genbench.errors import ParamError

PARAMS = (
    Param("lr", 2e-4, "learning rate"),
    Param("batch_size", 64, "batch"),
    Param("loss", "a", "loss", choices=("a", "b")),
    Param("betas", (0.5, 0.999), "Adam betas"),
    Param("latent_dim", None, "auto when unset", type=int),
    Param("flag", False, "a switch"),
)


def test_defaults_fill_in_and_given_values_are_checked():
    values = resolve_params(PARAMS, {"lr": 1, "betas": [0, 0.9], "latent_dim": 3}, "model 'x'")
    assert values == {
        "lr": 1.0,
        "batch_size": 64,
        "loss": "a",
        "betas": (0.0, 0.9),
        "latent_dim": 3,
        "flag": False,
    }
    assert isinstance(values["lr"], float)


@pytest.mark.parametrize(
    ("given", "key", "message"),
    [
        ({"lrr": 1.0}, "lrr", "did you mean 'lr'"),
        ({"batch_size": 1.5}, "batch_size", "expected int, got float 1.5"),
        ({"batch_size": True}, "batch_size", "expected int, got bool"),
        ({"lr": "fast"}, "lr", "expected float"),
        ({"loss": "c"}, "loss", "'c' is not one of 'a', 'b'"),
        ({"betas": [0.5]}, "betas", "expected a list of 2 values"),
        ({"betas": [0.5, "x"]}, "betas[1]", "expected float"),
        ({"flag": 1}, "flag", "expected bool"),
    ],
)
def test_bad_values_name_the_key(given, key, message):
    with pytest.raises(ParamError, match=message) as info:
        resolve_params(PARAMS, given, "model 'x'", prefix="entry[0].")
    assert info.value.key == f"entry[0].{key}"


def test_item_without_parameters_says_so():
    with pytest.raises(ParamError, match="takes no parameters"):
        resolve_params((), {"k": 1}, "metric 'fid'")


def test_describe_params_is_json_friendly():
    rows = describe_params(PARAMS)
    assert rows[3] == {
        "name": "betas",
        "type": "list",
        "default": [0.5, 0.999],
        "help": "Adam betas",
    }
    assert rows[2]["choices"] == ["a", "b"]
    assert rows[4]["type"] == "int or auto"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused(value):
    with pytest.raises(ParamError, match="finite number"):
        resolve_params(PARAMS, {"lr": value}, "model 'x'")


def test_an_infinite_default_accepts_infinity_as_an_open_bound():
    declared = (Param("range", (-math.inf, math.inf), "clamp"),)
    assert resolve_params(declared, {"range": [-math.inf, 5]}, "x")["range"] == (-math.inf, 5.0)
    with pytest.raises(ParamError, match="finite"):
        resolve_params(declared, {"range": [math.nan, 5]}, "x")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([0.5, 1.0], r"must be below 1\.0"),
        ([1.5, 0.9], r"must be below 1\.0"),
        ([-0.1, 0.9], r"at least 0\.0"),
    ],
)
def test_bounds_hold_for_every_item_of_a_tuple(given, message):
    declared = (Param("betas", (0.5, 0.999), "", minimum=0.0, maximum=1.0, maximum_excluded=True),)
    with pytest.raises(ParamError, match=message):
        resolve_params(declared, {"betas": given}, "x")
    assert resolve_params(declared, {"betas": [0, 0.99]}, "x")["betas"] == (0.0, 0.99)


def test_an_inclusive_maximum_accepts_the_bound_itself():
    declared = (Param("share", 0.5, "", maximum=1.0),)
    assert resolve_params(declared, {"share": 1}, "x")["share"] == 1.0
    with pytest.raises(ParamError, match=r"at most 1\.0"):
        resolve_params(declared, {"share": 1.01}, "x")


def test_a_rule_refuses_what_bounds_cannot_say_with_the_key_path():
    def ordered(value):
        return None if value[0] < value[1] else "low must be below high"

    declared = (Param("span", (0.0, 1.0), "", rule=ordered),)
    with pytest.raises(ParamError, match="low must be below high") as caught:
        resolve_params(declared, {"span": [2, 1]}, "x", prefix="entry[0].")
    assert caught.value.key == "entry[0].span"
    assert resolve_params(declared, {"span": [1, 2]}, "x")["span"] == (1.0, 2.0)
