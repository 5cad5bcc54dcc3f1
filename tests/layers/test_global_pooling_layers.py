"""GlobalAveragePooling1D/2D/3D and GlobalMaxPooling1D/2D/3D against NumPy reductions."""

import numpy as np
import pytest
from helpers import check_op, random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

FORMATS = ["channels_last", "channels_first"]
AVERAGE = {1: layers.GlobalAveragePooling1D, 2: layers.GlobalAveragePooling2D,
           3: layers.GlobalAveragePooling3D}
MAXIMUM = {1: layers.GlobalMaxPooling1D, 2: layers.GlobalMaxPooling2D,
           3: layers.GlobalMaxPooling3D}
SPATIAL = {1: (5,), 2: (4, 3), 3: (3, 2, 4)}


def _input_shape(data_format, rank, channels=3):
    spatial = SPATIAL[rank]
    return (2, channels, *spatial) if data_format == "channels_first" else (2, *spatial,
                                                                             channels)


def _axes(data_format, rank):
    start = 2 if data_format == "channels_first" else 1
    return tuple(range(start, start + rank))


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("kind,np_reduce", [("average", np.mean), ("max", np.max)])
def test_global_pooling_values(rank, data_format, keepdims, kind, np_reduce):
    cls = (AVERAGE if kind == "average" else MAXIMUM)[rank]
    shape = _input_shape(data_format, rank)
    axes = _axes(data_format, rank)
    expected_shape = tuple(1 if i in axes else d for i, d in enumerate(shape)) if keepdims \
        else (2, 3)
    run_layer_test(cls, init_kwargs={"data_format": data_format, "keepdims": keepdims},
                   input_shape=shape,
                   reference=lambda a: np_reduce(a, axis=axes, keepdims=keepdims),
                   expected_output_shape=expected_shape, expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0)


def test_global_pooling_keras_example_and_aliases():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_allclose(ops.convert_to_numpy(layers.GlobalAveragePooling1D()(x)),
                               [[4, 5, 6, 7], [16, 17, 18, 19]])
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.GlobalMaxPooling1D(data_format="channels_first")(x)),
        [[3, 7, 11], [15, 19, 23]])
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D


@pytest.mark.parametrize("cls", list(AVERAGE.values()) + list(MAXIMUM.values()))
def test_global_pooling_output_shapes(cls):
    rank = int(cls.__name__[-2])
    spatial = (None,) * rank
    assert cls().compute_output_shape((None, *spatial, 6)) == (None, 6)
    assert cls(keepdims=True).compute_output_shape((4, *spatial, 6)) == (4, *(1,) * rank, 6)
    first = cls(data_format="channels_first", keepdims=True)
    assert first.compute_output_shape((None, 6, *spatial)) == (None, 6, *(1,) * rank)
    assert cls(data_format="channels_first").compute_output_shape((2, 6, *spatial)) == (2, 6)
    symbolic = cls(keepdims=True)(layers.Input((*(3,) * rank, 5)))
    assert symbolic.shape == (None, *(1,) * rank, 5)


def test_global_average_pooling2d_config_matches_keras():
    # The entry Keras 3.15.1 writes (tests/data/keras_layer_catalog.json).
    config = layers.GlobalAveragePooling2D(name="gap").get_config()
    assert config == {"name": "gap", "trainable": True,
                      "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                "config": {"name": "float32"}, "registered_name": None},
                      "data_format": "channels_last", "keepdims": False}
    assert set(layers.GlobalMaxPooling3D().get_config()) == set(config)
    revived = layers.GlobalMaxPooling1D.from_config(
        layers.GlobalMaxPooling1D(data_format="channels_first", keepdims=True).get_config())
    assert revived.data_format == "channels_first" and revived.keepdims is True
    assert layers.GlobalMaxPooling2D(keepdims=np.bool_(True)).get_config()["keepdims"] is True


def test_global_pooling_default_data_format_follows_config():
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        layer = layers.GlobalAveragePooling2D()
    finally:
        keras.config.set_image_data_format(previous)
    assert layer.data_format == "channels_first"
    x = random_array((2, 3, 4, 5))
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), x.mean(axis=(2, 3)), rtol=1e-6,
                               atol=1e-6)


@pytest.mark.parametrize("cls", list(AVERAGE.values()) + list(MAXIMUM.values()))
def test_global_pooling_bad_arguments(cls):
    with pytest.raises(ValueError, match="data_format"):
        cls(data_format="NHWC")
    with pytest.raises(ValueError, match="`keepdims` must be a boolean"):
        cls(keepdims="false")
    rank = int(cls.__name__[-2])
    with pytest.raises(ValueError):
        cls()(random_array((2,) * (rank + 1)))


# ---------------------------------------------------------------------------------------------
# GlobalAveragePooling1D with a mask
# ---------------------------------------------------------------------------------------------

MASK = np.array([[True, False, True, True, False], [False, False, True, False, False]])


def _masked_mean(a, mask, steps_axis, keepdims):
    """The mean over the unmasked steps, one sample at a time."""
    a = np.moveaxis(a, steps_axis, 1)
    out = np.stack([a[b][mask[b]].mean(axis=0) for b in range(len(a))])
    if keepdims:
        out = np.expand_dims(out, steps_axis)
    return out


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling1d_mask(data_format, keepdims):
    # A fixed mask cannot go through run_layer_test's functional model (its batch size is
    # unknown there), so values and float64 gradients are checked on eager calls.
    steps_axis = 1 if data_format == "channels_last" else 2
    shape = (2, 5, 3) if data_format == "channels_last" else (2, 3, 5)

    def pool(a):
        layer = layers.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims,
                                              dtype=str(a.dtype))
        assert layer.supports_masking
        return layer(a, mask=MASK)

    check_op(pool, lambda a: _masked_mean(a, MASK, steps_axis, keepdims), [shape])


def test_global_average_pooling1d_mask_from_masking_layer():
    x = random_array((2, 5, 3))
    x[~MASK] = 0.0
    inputs = layers.Input((5, 3))
    pooled = layers.GlobalAveragePooling1D()(layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, pooled)
    expected = _masked_mean(x, MASK, 1, False)
    np.testing.assert_allclose(ops.convert_to_numpy(model(x)), expected, rtol=1e-6, atol=1e-7)
    rebuilt = keras.Model.from_config(model.get_config())
    np.testing.assert_allclose(ops.convert_to_numpy(rebuilt(x)), expected, rtol=1e-6, atol=1e-7)
    # The steps axis is gone, so no mask goes further.
    assert getattr(layers.GlobalAveragePooling1D()(ops.convert_to_tensor(x), mask=MASK),
                   "_keras_mask", None) is None


def test_global_average_pooling1d_masked_steps_do_not_leak():
    x = random_array((2, 5, 3))
    x[~MASK] = np.inf
    y = ops.convert_to_numpy(layers.GlobalAveragePooling1D()(x, mask=MASK))
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, _masked_mean(x, MASK, 1, False), rtol=1e-6)
