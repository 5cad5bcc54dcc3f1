"""Preprocessing layers: Rescaling, Normalization (with adapt), CategoryEncoding."""

import numpy as np
import pytest
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


# ---------------------------------------------------------------------------------------------
# Rescaling
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale,offset", [(1 / 255, 0.0), (1 / 127.5, -1), (2.0, 0.5)])
def test_rescaling_values_and_contract(scale, offset):
    x = random_array((3, 4), low=0, high=255)
    run_layer_test(layers.Rescaling, init_kwargs={"scale": scale, "offset": offset},
                   input_data=x, reference=lambda a: a * scale + offset, supports_masking=True,
                   rtol=1e-6, atol=1e-5)


def test_rescaling_integer_inputs_give_floats():
    x = np.array([[0, 128, 255]], dtype="uint8")
    y = layers.Rescaling(1 / 255)(x)
    assert y.dtype == "float32"
    np.testing.assert_allclose(_np(y), x / 255, rtol=1e-6)
    y = layers.Rescaling(0.5, dtype="float64")(x.astype("int32"))
    assert y.dtype == "float64"


def test_rescaling_per_channel_arrays_and_config():
    scale = np.array([1.0, 2.0, 3.0], dtype="float32")
    offset = np.array([0.0, -1.0, 1.0], dtype="float32")
    x = random_array((2, 4, 4, 3))
    layer = layers.Rescaling(scale, offset)
    np.testing.assert_allclose(_np(layer(x)), x * scale + offset, rtol=1e-6)
    config = layer.get_config()
    # NumPy values are written the way Keras writes them.
    assert config["scale"] == {"class_name": "__numpy__",
                               "config": {"value": [1.0, 2.0, 3.0], "dtype": "float32"}}
    clone = layers.Rescaling.from_config(config)
    np.testing.assert_array_equal(clone.scale, scale)
    np.testing.assert_allclose(_np(clone(x)), _np(layer(x)))
    assert clone.get_config() == config
    config = layers.Rescaling(np.float32(0.5)).get_config()
    assert config["scale"] == 0.5 and config["offset"] == 0.0
    assert set(config) == {"name", "trainable", "dtype", "scale", "offset"}


def test_rescaling_channels_first_array_scale():
    keras.config.set_image_data_format("channels_first")
    try:
        scale = np.array([1.0, 10.0], dtype="float32")
        x = random_array((2, 2, 3, 3))
        y = layers.Rescaling(scale)(x)
        np.testing.assert_allclose(_np(y), x * scale[:, None, None], rtol=1e-6)
    finally:
        keras.config.set_image_data_format("channels_last")


# ---------------------------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------------------------


def _np_normalize(x, mean, var):
    return (x - mean) / np.maximum(np.sqrt(var), 1e-7)


def test_normalization_contract():
    x = random_array((4, 3))
    # Not adapted: mean 0, variance 1; three non-trainable weights (mean, variance, count).
    run_layer_test(layers.Normalization, input_data=x,
                   reference=lambda a, mean, var, count: _np_normalize(a, mean, var),
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=3,
                   supports_masking=True)
    run_layer_test(layers.Normalization, init_kwargs={"mean": [1.0, 2.0, 3.0],
                                                      "variance": [1.0, 4.0, 9.0]},
                   input_data=x, reference=lambda a: (a - [1, 2, 3]) / [1, 2, 3],
                   expected_num_non_trainable_weights=0, rtol=1e-6)


@pytest.mark.parametrize("axis,keep", [(-1, (2,)), (None, ()), (1, (1,)), ((1, 2), (1, 2)),
                                       ((-1, 0), (0, 2))])
def test_normalization_adapt_numpy(axis, keep):
    rng = np.random.default_rng(4)
    data = rng.normal(3.0, 2.0, size=(20, 3, 4)).astype("float32")
    layer = layers.Normalization(axis=axis)
    layer.adapt(data)
    reduce = tuple(d for d in range(3) if d not in keep)
    mean = data.astype("float64").mean(axis=reduce, keepdims=True)
    var = data.astype("float64").var(axis=reduce, keepdims=True)
    np.testing.assert_allclose(_np(layer.mean), mean, rtol=1e-5)
    np.testing.assert_allclose(_np(layer.variance), var, rtol=1e-5)
    assert tuple(layer.adapt_mean.shape) == tuple(data.shape[d] for d in keep)
    np.testing.assert_allclose(_np(layer(data)), _np_normalize(data, mean, var), rtol=1e-4,
                               atol=1e-5)


def test_normalization_keras_docstring_examples():
    layer = layers.Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))
    np.testing.assert_allclose(_np(layer(np.array([1.0, 2.0, 3.0], dtype="float32"))),
                               [-np.sqrt(2), -np.sqrt(2) / 2, 0.0], rtol=1e-6)
    adapt_data = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0],
                           [2.0, 9.0, 6.0]], dtype="float32")
    layer = layers.Normalization(axis=-1)
    layer.adapt(adapt_data)
    np.testing.assert_allclose(_np(layer(adapt_data[:1])), [[-1.0, -1.0, -1.0]], rtol=1e-6)
    layer = layers.Normalization(axis=-1, invert=True)
    layer.adapt(adapt_data)
    np.testing.assert_allclose(_np(layer(np.array([[1.0, 2.0, 3.0]], dtype="float32"))),
                               [[2.0, 10.0, 8.0]], rtol=1e-6)
    layer = layers.Normalization(mean=3.0, variance=2.0)
    np.testing.assert_allclose(_np(layer(np.array([[1.0], [2.0], [3.0]], dtype="float32"))),
                               [[-np.sqrt(2)], [-np.sqrt(2) / 2], [0.0]], rtol=1e-6)


def _batches(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


class _Batches(keras.utils.PyDataset):
    def __init__(self, data, size, with_targets=False):
        super().__init__()
        self.parts = _batches(data, size)
        self.with_targets = with_targets

    def __len__(self):
        return len(self.parts)

    def __getitem__(self, i):
        x = self.parts[i]
        return (x, np.zeros(len(x))) if self.with_targets else x


def test_normalization_adapt_batches_combines_like_the_full_data():
    rng = np.random.default_rng(7)
    data = rng.normal(-2.0, 5.0, size=(103, 4)).astype("float32")
    full = layers.Normalization()
    full.adapt(data)
    sources = {
        "list": _batches(data, 10),
        "generator": (b for b in _batches(data, 17)),
        "tuples": [(b, None) for b in _batches(data, 25)],
        "pydataset": _Batches(data, 16, with_targets=True),
        "tensor": ops.convert_to_tensor(data),
    }
    for name, source in sources.items():
        layer = layers.Normalization()
        layer.adapt(source)
        np.testing.assert_allclose(_np(layer.mean), _np(full.mean), rtol=1e-5, err_msg=name)
        np.testing.assert_allclose(_np(layer.variance), _np(full.variance), rtol=1e-5,
                                   err_msg=name)
    layer = layers.Normalization()
    layer.adapt(data, batch_size=8)
    np.testing.assert_allclose(_np(layer.variance), _np(full.variance), rtol=1e-5)


def test_normalization_adapt_steps():
    rng = np.random.default_rng(8)
    data = rng.normal(size=(60, 3)).astype("float32")
    for source in (_Batches(data, 10), _batches(data, 10)):
        layer = layers.Normalization()
        layer.adapt(source, steps=2)
        np.testing.assert_allclose(_np(layer.mean)[0], data[:20].mean(0), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(_np(layer.variance)[0], data[:20].var(0), rtol=1e-5)


def test_normalization_readapt_set_weights_and_symbolic():
    layer = layers.Normalization()
    layer.adapt(np.array([[0.0, 0.0], [2.0, 4.0]], dtype="float32"))
    layer.adapt(np.array([[10.0, 0.0], [10.0, 2.0]], dtype="float32"))  # replaces, as Keras
    np.testing.assert_allclose(_np(layer.mean), [[10.0, 1.0]])
    layer.set_weights([np.array([1.0, 2.0]), np.array([4.0, 16.0]), np.array(0)])
    np.testing.assert_allclose(_np(layer(np.array([[3.0, 6.0]], dtype="float32"))),
                               [[1.0, 1.0]])
    inp = layers.Input(shape=(2,))
    model = keras.Model(inp, layer(inp))
    np.testing.assert_allclose(_np(model(np.array([[1.0, 2.0]], dtype="float32"))),
                               [[0.0, 0.0]])
    with pytest.raises(ValueError, match="incompatible shape, data.shape=\\(2, 3\\)"):
        layer.adapt(np.ones((2, 3), dtype="float32"))


def test_normalization_integer_inputs_and_gradient():
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 4.0])
    y = layer(np.array([[3, 4]], dtype="int32"))
    assert y.dtype == "float32"
    np.testing.assert_allclose(_np(y), [[1.0, 1.0]])
    x = ops.convert_to_tensor(random_array((3, 2)))
    with keras.GradientTape() as tape:
        tape.watch(x)
        loss = ops.sum(layer(x))
    np.testing.assert_allclose(_np(tape.gradient(loss, [x])[0]), np.full((3, 2), 0.5))


def test_normalization_config_like_keras():
    config = layers.Normalization().get_config()
    assert set(config) == {"name", "trainable", "dtype", "axis", "invert", "mean", "variance"}
    assert config["axis"] == (-1,) and config["mean"] is None and config["invert"] is False
    config = layers.Normalization(axis=None, mean=2.0, variance=[3.0][0]).get_config()
    assert config["axis"] == () and config["mean"] == 2.0 and config["variance"] == 3.0
    layer = layers.Normalization()
    layer.adapt(np.ones((5, 3), dtype="float32"))
    assert layer.get_build_config() == {"input_shape": [5, 3]}
    clone = layers.Normalization.from_config(layer.get_config())
    clone.build_from_config(layer.get_build_config())
    assert [w.shape for w in clone.weights] == [(3,), (3,), ()]
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="must have the same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="The rank of `mean` must be less than or equal"):
        layers.Normalization(axis=-1, mean=np.ones((2, 2)), variance=np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"must be in the range \[-ndim, ndim\)"):
        layers.Normalization(axis=3)(ops.ones((2, 3)))
    with pytest.raises(ValueError, match="cannot be used on a Normalization layer"):
        layers.Normalization(mean=1.0, variance=1.0).adapt(np.ones((2, 2)))
    with pytest.raises(ValueError, match="empty iterable"):
        layers.Normalization().adapt([])
    with pytest.raises(TypeError, match="Unsupported data type"):
        layers.Normalization().adapt(3.0)
    with pytest.raises(ValueError, match="incompatible shape"):
        layers.Normalization().adapt([np.ones((2, 3)), np.ones((2, 4))])


# ---------------------------------------------------------------------------------------------
# CategoryEncoding
# ---------------------------------------------------------------------------------------------


def _np_one_hot(x, n):
    return (np.asarray(x)[..., None] == np.arange(n)).astype("float32")


def test_category_encoding_one_hot():
    x = np.array([3, 2, 0, 1])
    run_layer_test(layers.CategoryEncoding, init_kwargs={"num_tokens": 4,
                                                         "output_mode": "one_hot"},
                   input_data=x, reference=lambda a: _np_one_hot(a, 4))
    layer = layers.CategoryEncoding(num_tokens=5, output_mode="one_hot")
    np.testing.assert_array_equal(_np(layer(x[:, None])), _np_one_hot(x, 5))  # (n, 1) -> (n, 5)
    x2 = np.array([[1, 4], [0, 2]])
    np.testing.assert_array_equal(_np(layer(x2)), _np_one_hot(x2, 5))


@pytest.mark.parametrize("mode", ["multi_hot", "count"])
def test_category_encoding_multi_hot_and_count(mode):
    x = np.array([[0, 1, 1], [0, 0, 0], [1, 2, 3], [3, 1, 3]])
    counts = _np_one_hot(x, 5).sum(axis=1)
    expected = counts if mode == "count" else (counts > 0).astype("float32")
    run_layer_test(layers.CategoryEncoding, init_kwargs={"num_tokens": 5, "output_mode": mode},
                   input_data=x, expected_output=expected, expected_output_shape=(4, 5))
    single = layers.CategoryEncoding(num_tokens=5, output_mode=mode)(np.array([3, 1, 3]))
    np.testing.assert_array_equal(_np(single), expected[3])


def test_category_encoding_count_weights():
    x = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    w = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]], dtype="float32")
    layer = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    expected = (_np_one_hot(x, 4) * w[..., None]).sum(axis=1)
    np.testing.assert_allclose(_np(layer(x, count_weights=w)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="`count_weights` is not used"):
        layers.CategoryEncoding(num_tokens=4)(x, count_weights=w)


def test_category_encoding_symbolic_config_and_errors():
    inp = layers.Input(shape=(3,), dtype="int32")
    assert layers.CategoryEncoding(6)(inp).shape == (None, 6)
    assert layers.CategoryEncoding(6, output_mode="one_hot")(inp).shape == (None, 3, 6)
    assert layers.CategoryEncoding(6, output_mode="one_hot").compute_output_shape(
        (None, 1)) == (None, 6)
    config = layers.CategoryEncoding(6, output_mode="binary").get_config()
    assert set(config) == {"name", "trainable", "dtype", "num_tokens", "output_mode"}
    assert config["output_mode"] == "multi_hot"
    with pytest.raises(ValueError, match="Unknown arg for output_mode: tf_idf"):
        layers.CategoryEncoding(4, output_mode="tf_idf")
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="`num_tokens` must be >= 1. Received: num_tokens=0"):
        layers.CategoryEncoding(0)
    with pytest.raises(ValueError, match="sparse"):
        layers.CategoryEncoding(3, sparse=True)
    with pytest.raises(ValueError, match="maximum supported output rank is 2"):
        layers.CategoryEncoding(3)(np.zeros((2, 2, 2), dtype="int32"))
