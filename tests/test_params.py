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
