"""keras_like.initializers: statistics, fans, seeding, configs and name resolution."""

import math

import numpy as np
import pytest

import keras_like
from keras_like import initializers, ops
from keras_like.random import SeedGenerator
from keras_like.utils import set_random_seed

DENSE = (400, 300)  # 120k samples: sample means/variances within ~1-2% of the truth
CONV = (3, 3, 24, 40)  # fan_in = 9 * 24 = 216, fan_out = 9 * 40 = 360


def _stats(init, shape):
    values = ops.convert_to_numpy(init(shape)).astype(np.float64)
    assert values.shape == shape
    return values, values.mean(), values.var()


def _fans(shape):
    if len(shape) == 2:
        return shape[0], shape[1]
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


# name -> (scale, mode, distribution) as Keras defines each VarianceScaling preset.
PRESETS = {
    "GlorotUniform": (1.0, "fan_avg", "uniform"),
    "GlorotNormal": (1.0, "fan_avg", "truncated_normal"),
    "LecunUniform": (1.0, "fan_in", "uniform"),
    "LecunNormal": (1.0, "fan_in", "truncated_normal"),
    "HeUniform": (2.0, "fan_in", "uniform"),
    "HeNormal": (2.0, "fan_in", "truncated_normal"),
}


def _target_variance(scale, mode, shape):
    fan_in, fan_out = _fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return scale / n


def _check_distribution(values, mean, var, distribution, target_var):
    assert abs(mean) < 0.02 * math.sqrt(target_var) + 1e-12 or abs(mean) < 4 * math.sqrt(
        target_var / values.size)
    np.testing.assert_allclose(var, target_var, rtol=0.03)
    std = math.sqrt(target_var)
    if distribution == "uniform":
        limit = math.sqrt(3 * target_var)
        assert values.min() >= -limit and values.max() < limit
        assert values.min() < -0.99 * limit and values.max() > 0.99 * limit
    elif distribution == "truncated_normal":
        # The untruncated stddev is std / 0.8796...; samples stay within two of those.
        bound = 2 * std / 0.87962566103423978
        assert np.abs(values).max() <= bound * (1 + 1e-6)
        assert np.abs(values).max() > 0.98 * bound
    else:
        assert np.abs(values).max() > 3 * std  # untruncated tails


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_variance_scaling_presets_statistics(name, shape):
    scale, mode, distribution = PRESETS[name]
    init = getattr(initializers, name)(seed=3)
    values, mean, var = _stats(init, shape)
    _check_distribution(values, mean, var, distribution, _target_variance(scale, mode, shape))


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_modes(mode, distribution):
    init = initializers.VarianceScaling(scale=0.5, mode=mode, distribution=distribution, seed=11)
    values, mean, var = _stats(init, CONV)
    _check_distribution(values, mean, var, distribution, _target_variance(0.5, mode, CONV))


def test_random_normal_uniform_truncated_statistics():
    values, mean, var = _stats(initializers.RandomNormal(mean=1.0, stddev=0.5, seed=1), DENSE)
    assert abs(mean - 1.0) < 0.01
    np.testing.assert_allclose(var, 0.25, rtol=0.03)
    values, mean, var = _stats(initializers.RandomUniform(-0.5, 1.5, seed=1), DENSE)
    assert values.min() >= -0.5 and values.max() < 1.5
    assert abs(mean - 0.5) < 0.01
    np.testing.assert_allclose(var, 2.0**2 / 12, rtol=0.03)
    values, mean, var = _stats(initializers.TruncatedNormal(mean=0.0, stddev=2.0, seed=1), DENSE)
    assert np.abs(values).max() <= 4.0 + 1e-5
    np.testing.assert_allclose(var, (2.0 * 0.87962566103423978) ** 2, rtol=0.03)


def test_defaults_match_keras():
    assert initializers.RandomNormal().get_config() == {"seed": None, "mean": 0.0,
                                                        "stddev": 0.05}
    assert initializers.TruncatedNormal().get_config() == {"seed": None, "mean": 0.0,
                                                           "stddev": 0.05}
    assert initializers.RandomUniform().get_config() == {"seed": None, "minval": -0.05,
                                                         "maxval": 0.05}
    assert initializers.VarianceScaling().get_config() == {
        "seed": None, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal",
        "input_axes": None, "output_axes": None}
    for name in PRESETS:
        assert getattr(initializers, name)().get_config() == {
            "seed": None, "input_axes": None, "output_axes": None}
    assert initializers.Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert initializers.Constant().get_config() == {"value": 0.0}
    assert initializers.Identity().get_config() == {"gain": 1.0}
    assert initializers.Zeros().get_config() == {}
    assert initializers.Ones().get_config() == {}


@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)),
    ((7,), (7, 7)),
    ((5, 8), (5, 8)),
    ((4, 6, 8), (24, 32)),
    ((3, 3, 16, 32), (144, 288)),
    ((2, 3, 3, 4, 5), (72, 90)),
])
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_compute_fans_with_axes():
    # An attention projection kernel (model_dim, heads, head_dim): "abc,cde->abde".
    assert initializers.compute_fans((64, 4, 16), input_axes=[0], output_axes=[1, 2]) == (64, 64)
    assert initializers.compute_fans((64, 4, 16), input_axes=0) == (64, 64)
    assert initializers.compute_fans((4, 16, 64), output_axes=-1) == (64, 64)
    with pytest.raises(ValueError, match="out of range"):
        initializers.compute_fans((4, 5), input_axes=[2])
    init = initializers.GlorotUniform(seed=0, input_axes=[0], output_axes=[1, 2])
    values = init((64, 4, 16)).numpy()
    assert np.abs(values).max() <= math.sqrt(6 / (64 + 64))
    assert init.get_config() == {"seed": 0, "input_axes": [0], "output_axes": [1, 2]}


@pytest.mark.parametrize("name", sorted(PRESETS) + ["RandomNormal", "RandomUniform",
                                                    "TruncatedNormal", "Orthogonal"])
def test_int_seed_is_deterministic(name):
    cls = getattr(initializers, name)
    a = cls(seed=42)((6, 5)).numpy()
    np.testing.assert_array_equal(a, cls(seed=42)((6, 5)).numpy())
    init = cls(seed=42)
    np.testing.assert_array_equal(init((6, 5)).numpy(), init((6, 5)).numpy())
    assert not np.array_equal(a, cls(seed=43)((6, 5)).numpy())


def test_unseeded_initializer_draws_its_seed_once():
    init = initializers.GlorotUniform()
    first = init((5, 5)).numpy()
    np.testing.assert_array_equal(first, init((5, 5)).numpy())  # like Keras: same each call
    assert not np.array_equal(first, initializers.GlorotUniform()((5, 5)).numpy())
    assert init.get_config()["seed"] is None


def test_set_random_seed_makes_unseeded_initializers_reproducible():
    set_random_seed(123)
    a = initializers.HeNormal()((4, 4)).numpy()
    set_random_seed(123)
    b = initializers.HeNormal()((4, 4)).numpy()
    np.testing.assert_array_equal(a, b)


def test_seed_generator_gives_new_values_each_call():
    init = initializers.RandomNormal(seed=SeedGenerator(5))
    assert not np.array_equal(init((3, 3)).numpy(), init((3, 3)).numpy())
    config = init.get_config()["seed"]
    assert config["class_name"] == "SeedGenerator" and config["config"] == {"seed": 5}
    restored = initializers.RandomNormal.from_config(init.get_config())
    assert isinstance(restored.seed, SeedGenerator)
    np.testing.assert_array_equal(
        initializers.RandomNormal(seed=SeedGenerator(5))((3, 3)).numpy(),
        restored((3, 3)).numpy())


@pytest.mark.parametrize("seed", [1.5, "7", [1]])
def test_invalid_seed(seed):
    with pytest.raises(ValueError, match="`seed` argument should be an instance of"):
        initializers.RandomNormal(seed=seed)


def test_variance_scaling_argument_errors():
    with pytest.raises(ValueError, match="Argument `scale` must be positive float"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode` argument: fan_sum"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="Invalid `distribution` argument: cauchy"):
        initializers.VarianceScaling(distribution="cauchy")
    assert initializers.VarianceScaling(distribution="Normal").distribution == "truncated_normal"


@pytest.mark.parametrize("shape", [(6, 6), (9, 4), (4, 9), (3, 3, 2, 5)])
def test_orthogonal(shape):
    values = initializers.Orthogonal(gain=2.0, seed=1)(shape).numpy().astype(np.float64)
    assert values.shape == shape
    flat = values.reshape(-1, shape[-1]) / 2.0
    if flat.shape[0] >= flat.shape[1]:
        np.testing.assert_allclose(flat.T @ flat, np.eye(flat.shape[1]), atol=1e-5)
    else:
        np.testing.assert_allclose(flat @ flat.T, np.eye(flat.shape[0]), atol=1e-5)


def test_orthogonal_needs_two_dimensions():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((5,))


def test_constant_initializers():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.Ones()((2, 3)).numpy(), np.ones((2, 3)))
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 3)).numpy(),
                                  np.full((2, 3), 2.5))
    assert initializers.Zeros()((2,)).dtype == keras_like.config.floatx()
    assert initializers.Ones()((2,), dtype="int32").dtype == "int32"
    out = initializers.Constant(3)((2,), dtype="float64")
    assert out.dtype == "float64"
    np.testing.assert_array_equal(out.numpy(), [3.0, 3.0])
    row = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(initializers.Constant(row)((2, 3)).numpy(), [row, row])


def test_identity():
    np.testing.assert_array_equal(initializers.Identity()((3, 3)).numpy(), np.eye(3))
    np.testing.assert_array_equal(initializers.Identity(gain=0.5)((2, 4)).numpy(),
                                  0.5 * np.eye(2, 4))
    with pytest.raises(ValueError, match="can only be used for 2D matrices"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_dtypes(dtype):
    for init in (initializers.GlorotUniform(seed=0), initializers.HeNormal(seed=0),
                 initializers.RandomNormal(seed=0), initializers.Orthogonal(seed=0),
                 initializers.Zeros(), initializers.Constant(1.0)):
        assert init((4, 4), dtype=dtype).dtype == dtype


def _all_initializers():
    return [
        initializers.Constant(1.5), initializers.Zeros(), initializers.Ones(),
        initializers.Identity(gain=2.0), initializers.RandomNormal(0.1, 0.2, seed=4),
        initializers.RandomUniform(-1.0, 2.0, seed=4), initializers.TruncatedNormal(seed=4),
        initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=4),
        initializers.Orthogonal(gain=3.0, seed=4),
    ] + [getattr(initializers, n)(seed=4) for n in PRESETS]


@pytest.mark.parametrize("init", _all_initializers(), ids=lambda i: type(i).__name__)
def test_config_round_trip(init):
    config = init.get_config()
    clone = type(init).from_config(config)
    assert clone.get_config() == config
    serialized = initializers.serialize(init)
    assert serialized == {"module": "keras.initializers", "class_name": type(init).__name__,
                          "config": config, "registered_name": None}
    restored = initializers.deserialize(serialized)
    assert type(restored) is type(init) and restored.get_config() == config
    shape = (4, 4)
    np.testing.assert_array_equal(restored(shape).numpy(), init(shape).numpy())
    np.testing.assert_array_equal(init.clone()(shape).numpy(), init(shape).numpy())


# Initializer configs exactly as Keras 3.15.1 wrote them into model files
# (../shared/fixtures/keras/dumps/layer_catalog.json and f1-f5.keras).
KERAS_CONFIGS = [
    {"module": "keras.initializers", "class_name": "GlorotUniform",
     "config": {"seed": None, "input_axes": None, "output_axes": None}, "registered_name": None},
    {"module": "keras.initializers", "class_name": "HeNormal",
     "config": {"seed": 7, "input_axes": None, "output_axes": None}, "registered_name": None},
    {"module": "keras.initializers", "class_name": "Zeros", "config": {},
     "registered_name": None},
    {"module": "keras.initializers", "class_name": "Ones", "config": {},
     "registered_name": None},
    {"module": "keras.initializers", "class_name": "Orthogonal",
     "config": {"seed": None, "gain": 1.0}, "registered_name": None},
    {"module": "keras.initializers", "class_name": "RandomUniform",
     "config": {"seed": None, "minval": -0.05, "maxval": 0.05}, "registered_name": None},
]


@pytest.mark.parametrize("config", KERAS_CONFIGS, ids=lambda c: c["class_name"])
def test_real_keras_configs_round_trip(config):
    init = initializers.get(config)
    assert type(init).__name__ == config["class_name"]
    assert initializers.serialize(init) == config


def test_older_keras3_config_without_axes():
    # Keras before 3.15 wrote the presets without `input_axes` / `output_axes`.
    init = initializers.get({"module": "keras.initializers", "class_name": "GlorotUniform",
                             "config": {"seed": 3}, "registered_name": None})
    assert init.get_config() == {"seed": 3, "input_axes": None, "output_axes": None}


def test_keras2_style_config():
    init = initializers.get({"class_name": "VarianceScaling",
                             "config": {"scale": 2.0, "mode": "fan_avg",
                                        "distribution": "uniform", "seed": None}})
    assert isinstance(init, initializers.VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == (2.0, "fan_avg", "uniform")


@pytest.mark.parametrize("name, cls", [
    ("glorot_uniform", "GlorotUniform"), ("GlorotUniform", "GlorotUniform"),
    ("glorot_normal", "GlorotNormal"), ("he_normal", "HeNormal"), ("he_uniform", "HeUniform"),
    ("lecun_normal", "LecunNormal"), ("lecun_uniform", "LecunUniform"), ("zeros", "Zeros"),
    ("zero", "Zeros"), ("ones", "Ones"), ("one", "Ones"), ("constant", "Constant"),
    ("identity", "Identity"), ("IdentityInitializer", "Identity"),
    ("orthogonal", "Orthogonal"), ("Orthogonal", "Orthogonal"),
    ("OrthogonalInitializer", "Orthogonal"), ("random_normal", "RandomNormal"),
    ("normal", "RandomNormal"), ("random_uniform", "RandomUniform"),
    ("uniform", "RandomUniform"), ("truncated_normal", "TruncatedNormal"),
    ("variance_scaling", "VarianceScaling"),
])
def test_get_by_name(name, cls):
    init = initializers.get(name)
    assert type(init).__name__ == cls


def test_get_passthrough_and_none():
    assert initializers.get(None) is None
    init = initializers.HeNormal(seed=1)
    assert initializers.get(init) is init
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)

    def custom(shape, dtype=None):
        return ops.full(shape, 7.0, dtype=dtype)

    assert initializers.get(custom) is custom


@pytest.mark.parametrize("identifier", ["glorot", 12, {"class_name": "NotAnInit", "config": {}}])
def test_get_unknown(identifier):
    with pytest.raises(ValueError, match="Could not interpret initializer identifier"):
        initializers.get(identifier)


class _Fives(initializers.Initializer):
    def __init__(self, offset=0.0):
        self.offset = offset

    def __call__(self, shape, dtype=None):
        return ops.full(shape, 5.0 + self.offset, dtype=dtype)

    def get_config(self):
        return {"offset": self.offset}


def test_custom_initializer_round_trip():
    config = initializers.serialize(_Fives(1.0))
    assert config == {"module": __name__, "class_name": "_Fives", "config": {"offset": 1.0},
                      "registered_name": "_Fives"}
    restored = initializers.deserialize(config, custom_objects={"_Fives": _Fives})
    np.testing.assert_array_equal(restored((2,)).numpy(), [6.0, 6.0])


def test_base_initializer_must_be_subclassed():
    with pytest.raises(NotImplementedError, match="must implement the `__call__"):
        initializers.Initializer()((2,))
