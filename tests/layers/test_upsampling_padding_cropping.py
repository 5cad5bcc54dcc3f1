"""UpSampling1D/2D/3D, ZeroPadding1D/2D/3D and Cropping1D/2D/3D against NumPy references."""

import numpy as np
import pytest
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

FORMATS = ["channels_last", "channels_first"]


def _spatial(data_format, rank):
    start = 2 if data_format == "channels_first" else 1
    return list(range(start, start + rank))


def _shape(data_format, spatial, batch=2, channels=3):
    if data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


# ---------------------------------------------------------------------------------------------
# UpSampling
# ---------------------------------------------------------------------------------------------


def _repeat_reference(axes, factors):
    def reference(a):
        for axis, factor in zip(axes, factors):
            a = np.repeat(a, factor, axis=axis)
        return a
    return reference


def _bilinear_reference(axes, factors):
    """Resampling with half-pixel centres, written per output sample: output `i` of an axis
    of length `n` reads position `(i + 0.5) / factor - 0.5`, clamped to `[0, n - 1]`, and
    mixes the two inputs around it linearly."""
    def along(a, axis, factor):
        n = a.shape[axis]
        rows = []
        for i in range(n * factor):
            pos = min(max((i + 0.5) / factor - 0.5, 0.0), n - 1.0)
            lo = int(np.floor(pos))
            hi = min(lo + 1, n - 1)
            w = pos - lo
            rows.append((1 - w) * np.take(a, lo, axis=axis) + w * np.take(a, hi, axis=axis))
        return np.stack(rows, axis=axis)

    def reference(a):
        a = a.astype(np.float64)
        for axis, factor in zip(axes, factors):
            a = along(a, axis, factor)
        return a
    return reference


@pytest.mark.parametrize("size", [2, 3])
def test_upsampling1d_repeats_steps(size):
    x = random_array((2, 4, 3))
    run_layer_test(layers.UpSampling1D, init_kwargs={"size": size}, input_data=x,
                   reference=_repeat_reference([1], [size]),
                   expected_output_shape=(2, 4 * size, 3))


def test_upsampling1d_keras_example():
    x = np.arange(12, dtype="float32").reshape(2, 2, 3)
    y = ops.convert_to_numpy(layers.UpSampling1D(size=2)(x))
    np.testing.assert_array_equal(y[0], [[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]])


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("size", [(2, 3), 2, (1, 2)])
def test_upsampling2d_nearest(data_format, size):
    factors = (size, size) if isinstance(size, int) else size
    x = random_array(_shape(data_format, (3, 2)))
    axes = _spatial(data_format, 2)
    expected = list(x.shape)
    for a, f in zip(axes, factors):
        expected[a] *= f
    run_layer_test(layers.UpSampling2D, init_kwargs={"size": size, "data_format": data_format},
                   input_data=x, reference=_repeat_reference(axes, factors),
                   expected_output_shape=tuple(expected))


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("size", [(2, 3), (3, 1), (4, 2)])
def test_upsampling2d_bilinear(data_format, size):
    x = random_array(_shape(data_format, (3, 4)))
    run_layer_test(layers.UpSampling2D,
                   init_kwargs={"size": size, "data_format": data_format,
                                "interpolation": "bilinear"},
                   input_data=x, reference=_bilinear_reference(_spatial(data_format, 2), size),
                   atol=1e-5, rtol=1e-5)


def test_upsampling2d_bilinear_known_values():
    # tf.image.resize / jax.image.resize ("bilinear") give these for [[0, 3], [6, 9]] -> 4x4.
    x = np.array([[0.0, 3.0], [6.0, 9.0]], "float32").reshape(1, 2, 2, 1)
    y = ops.convert_to_numpy(layers.UpSampling2D(interpolation="BiLinear")(x))[0, :, :, 0]
    np.testing.assert_allclose(y, [[0.0, 0.75, 2.25, 3.0], [1.5, 2.25, 3.75, 4.5],
                                   [4.5, 5.25, 6.75, 7.5], [6.0, 6.75, 8.25, 9.0]], atol=1e-6)


def test_upsampling2d_bilinear_single_pixel_and_symbolic():
    x = random_array((2, 1, 1, 3))
    y = ops.convert_to_numpy(layers.UpSampling2D(3, interpolation="bilinear")(x))
    np.testing.assert_allclose(y, np.broadcast_to(x, (2, 3, 3, 3)), atol=1e-7)
    out = layers.UpSampling2D((2, 3), interpolation="bilinear")(layers.Input((None, 5, 4)))
    assert out.shape == (None, None, 15, 4)


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("size", [(2, 1, 3), 2])
def test_upsampling3d(data_format, size):
    factors = (size,) * 3 if isinstance(size, int) else size
    x = random_array(_shape(data_format, (2, 3, 2), channels=2))
    run_layer_test(layers.UpSampling3D, init_kwargs={"size": size, "data_format": data_format},
                   input_data=x, reference=_repeat_reference(_spatial(data_format, 3), factors))


def test_upsampling_output_shapes_and_configs():
    assert layers.UpSampling1D(3).compute_output_shape((None, 4, 2)) == (None, 12, 2)
    assert layers.UpSampling1D(3).compute_output_shape((5, None, 2)) == (5, None, 2)
    up2 = layers.UpSampling2D((2, 3), data_format="channels_first")
    assert up2.compute_output_shape((None, 3, 4, None)) == (None, 3, 8, None)
    assert layers.UpSampling2D(2).compute_output_shape((1, 4, 5, 3)) == (1, 8, 10, 3)
    up3 = layers.UpSampling3D((1, 2, 3))
    assert up3.compute_output_shape((2, 4, None, 5, 7)) == (2, 4, None, 15, 7)
    assert up3.get_config()["size"] == (1, 2, 3)
    config = layers.UpSampling2D(np.int64(2), interpolation="Nearest").get_config()
    assert config["size"] == (2, 2) and type(config["size"][0]) is int
    assert config["interpolation"] == "nearest"
    assert set(config) == {"name", "trainable", "dtype", "size", "data_format",
                           "interpolation"}
    assert set(layers.UpSampling1D().get_config()) == {"name", "trainable", "dtype", "size"}
    assert layers.UpSampling3D.from_config(up3.get_config()).size == (1, 2, 3)


@pytest.mark.parametrize("size", [0, -1, 1.5, (2,), "2", True])
def test_upsampling1d_bad_size(size):
    with pytest.raises(ValueError, match="Argument `size` should be a positive integer"):
        layers.UpSampling1D(size=size)


@pytest.mark.parametrize("cls,size", [(layers.UpSampling2D, (2, 2, 2)),
                                      (layers.UpSampling2D, (0, 2)),
                                      (layers.UpSampling2D, "22"),
                                      (layers.UpSampling2D, (2, 1.5)),
                                      (layers.UpSampling3D, (2, 2)),
                                      (layers.UpSampling3D, -2)])
def test_upsampling_nd_bad_size(cls, size):
    with pytest.raises(ValueError, match="The `size` argument must be a tuple of"):
        cls(size=size)


def test_upsampling_bad_interpolation_data_format_and_rank():
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="cubic-ish")
    with pytest.raises(ValueError, match="data_format"):
        layers.UpSampling3D(data_format="NCDHW")
    with pytest.raises(ValueError):
        layers.UpSampling2D()(random_array((2, 3, 3)))


# ---------------------------------------------------------------------------------------------
# ZeroPadding
# ---------------------------------------------------------------------------------------------


def _pad_reference(axes, pairs):
    def reference(a):
        widths = [(0, 0)] * a.ndim
        for axis, pair in zip(axes, pairs):
            widths[axis] = pair
        return np.pad(a, widths)
    return reference


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("padding,pair", [(1, (1, 1)), ((0, 3), (0, 3)), ((2, 1), (2, 1))])
def test_zero_padding1d(data_format, padding, pair):
    x = random_array(_shape(data_format, (4,)))
    run_layer_test(layers.ZeroPadding1D,
                   init_kwargs={"padding": padding, "data_format": data_format}, input_data=x,
                   reference=_pad_reference(_spatial(data_format, 1), [pair]))


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("padding,pairs", [(2, ((2, 2), (2, 2))),
                                           ((1, 2), ((1, 1), (2, 2))),
                                           (((1, 0), (0, 3)), ((1, 0), (0, 3))),
                                           ([[2, 1], 0], ((2, 1), (0, 0)))])
def test_zero_padding2d(data_format, padding, pairs):
    x = random_array(_shape(data_format, (3, 2)))
    run_layer_test(layers.ZeroPadding2D,
                   init_kwargs={"padding": padding, "data_format": data_format}, input_data=x,
                   reference=_pad_reference(_spatial(data_format, 2), pairs))
    assert layers.ZeroPadding2D(padding).get_config()["padding"] == pairs


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("padding,pairs", [(1, ((1, 1),) * 3),
                                           ((1, 0, 2), ((1, 1), (0, 0), (2, 2))),
                                           (((0, 1), (2, 0), (1, 1)), ((0, 1), (2, 0), (1, 1)))])
def test_zero_padding3d(data_format, padding, pairs):
    x = random_array(_shape(data_format, (2, 3, 2), channels=2))
    run_layer_test(layers.ZeroPadding3D,
                   init_kwargs={"padding": padding, "data_format": data_format}, input_data=x,
                   reference=_pad_reference(_spatial(data_format, 3), pairs))
    assert layers.ZeroPadding3D(padding).get_config()["padding"] == pairs


def test_zero_padding_keras_example_and_shapes():
    x = np.arange(4, dtype="float32").reshape(1, 1, 2, 2)
    y = ops.convert_to_numpy(layers.ZeroPadding2D(padding=1)(x))
    np.testing.assert_array_equal(y[0, :, :, 0], [[0, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]])
    assert y.shape == (1, 3, 4, 2)
    assert layers.ZeroPadding1D((1, 2)).compute_output_shape((None, 4, 3)) == (None, 7, 3)
    assert layers.ZeroPadding1D(1, data_format="channels_first").compute_output_shape(
        (2, 3, None)) == (2, 3, None)
    assert layers.ZeroPadding2D(((1, 2), (3, 4))).compute_output_shape(
        (None, 5, None, 3)) == (None, 8, None, 3)
    assert layers.ZeroPadding3D(2, data_format="channels_first").compute_output_shape(
        (1, 3, 1, 2, 2)) == (1, 3, 5, 6, 6)
    assert layers.ZeroPadding3D(2)(layers.Input((1, 2, 2, 3))).shape == (None, 5, 6, 6, 3)
    assert layers.ZeroPadding1D().get_config()["padding"] == (1, 1)
    assert layers.ZeroPadding2D().get_config()["padding"] == ((1, 1), (1, 1))


@pytest.mark.parametrize("cls,padding,message", [
    (layers.ZeroPadding1D, (1, 2, 3), "The `padding` argument must be a tuple of 2 integers"),
    (layers.ZeroPadding1D, -1, "that do not satisfy `value >= 0`"),
    (layers.ZeroPadding1D, "1", "The `padding` argument must be a tuple of 2"),
    (layers.ZeroPadding2D, (1, 2, 3), "`padding` should have 2 elements"),
    (layers.ZeroPadding2D, ((1, 2), (1, 2, 3)), "The `2nd entry of padding` argument"),
    (layers.ZeroPadding2D, ((1, -2), 1), "The `1st entry of padding` argument"),
    (layers.ZeroPadding2D, -1, "`padding` cannot be negative"),
    (layers.ZeroPadding2D, 1.5, "`padding` should be either an int"),
    (layers.ZeroPadding3D, (1, 2), "`padding` should have 3 elements"),
    (layers.ZeroPadding3D, (1, 2, (1, 1.0)), "The `3rd entry of padding` argument"),
])
def test_zero_padding_bad_arguments(cls, padding, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cls(padding=padding)


# ---------------------------------------------------------------------------------------------
# Cropping
# ---------------------------------------------------------------------------------------------


def _crop_reference(axes, pairs):
    def reference(a):
        index = [slice(None)] * a.ndim
        for axis, (before, after) in zip(axes, pairs):
            index[axis] = slice(before, a.shape[axis] - after)
        return a[tuple(index)]
    return reference


@pytest.mark.parametrize("cropping,pair", [((1, 2), (1, 2)), (1, (1, 1)), ((0, 1), (0, 1)),
                                           ((1, 0), (1, 0)), ((0, 0), (0, 0))])
def test_cropping1d(cropping, pair):
    x = random_array((3, 5, 4))
    run_layer_test(layers.Cropping1D, init_kwargs={"cropping": cropping}, input_data=x,
                   reference=_crop_reference([1], [pair]))
    assert layers.Cropping1D(cropping).get_config()["cropping"] == pair


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("cropping,pairs", [(1, ((1, 1), (1, 1))),
                                            ((2, 0), ((2, 2), (0, 0))),
                                            (((0, 1), (2, 0)), ((0, 1), (2, 0))),
                                            (((1, 2), (1, 1)), ((1, 2), (1, 1))),
                                            (((0, 0), (0, 2)), ((0, 0), (0, 2)))])
def test_cropping2d(data_format, cropping, pairs):
    x = random_array(_shape(data_format, (5, 4)))
    run_layer_test(layers.Cropping2D,
                   init_kwargs={"cropping": cropping, "data_format": data_format},
                   input_data=x, reference=_crop_reference(_spatial(data_format, 2), pairs))
    assert layers.Cropping2D(cropping).get_config()["cropping"] == pairs


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("cropping,pairs", [(1, ((1, 1),) * 3),
                                            ((1, 0, 2), ((1, 1), (0, 0), (2, 2))),
                                            (((0, 1), (1, 0), (0, 0)), ((0, 1), (1, 0), (0, 0))),
                                            (((1, 1), (0, 2), (2, 1)), ((1, 1), (0, 2), (2, 1)))])
def test_cropping3d(data_format, cropping, pairs):
    x = random_array(_shape(data_format, (3, 4, 5), channels=2))
    run_layer_test(layers.Cropping3D,
                   init_kwargs={"cropping": cropping, "data_format": data_format},
                   input_data=x, reference=_crop_reference(_spatial(data_format, 3), pairs))


def test_cropping_output_shapes():
    assert layers.Cropping1D((1, 2)).compute_output_shape((1, None, 7)) == (1, None, 7)
    assert layers.Cropping1D((1, 2))(layers.Input(batch_shape=(1, None, 7))).shape == (1, None, 7)
    assert layers.Cropping2D(((2, 2), (4, 4))).compute_output_shape(
        (2, 28, 28, 3)) == (2, 24, 20, 3)
    assert layers.Cropping2D(1, data_format="channels_first").compute_output_shape(
        (None, 3, None, 6)) == (None, 3, None, 4)
    assert layers.Cropping3D((2, 4, 2)).compute_output_shape(
        (2, 28, 28, 10, 3)) == (2, 24, 20, 6, 3)
    assert layers.Cropping3D(1, data_format="channels_first")(
        layers.Input((3, 4, None, 5))).shape == (None, 3, 2, None, 3)
    assert set(layers.Cropping1D().get_config()) == {"name", "trainable", "dtype", "cropping"}
    assert layers.Cropping2D().get_config()["cropping"] == ((0, 0), (0, 0))
    assert layers.Cropping3D().get_config()["cropping"] == ((1, 1), (1, 1), (1, 1))


def test_cropping_unknown_axes_take_any_crop():
    inputs = layers.Input((None, 4))
    cropped = layers.Cropping1D((60, 40))(inputs)
    assert cropped.shape == (None, None, 4)
    model = keras.Model(inputs, cropped)
    x = random_array((2, 120, 4))
    np.testing.assert_array_equal(ops.convert_to_numpy(model(x)), x[:, 60:80])
    with pytest.raises(ValueError, match="`cropping` parameter of `Cropping1D` layer must be "
                                         "smaller than"):
        model(random_array((2, 100, 4)))
    images = layers.Input((None, 7, 3), dtype="float64")
    out = layers.Cropping2D(((50, 50), (1, 2)), data_format="channels_last")(images)
    assert out.shape == (None, None, 4, 3) and out.dtype == "float32"
    volumes = layers.Input((2, None, None, None), dtype="int32")
    out = layers.Cropping3D(100, data_format="channels_first")(volumes)
    assert out.shape == (None, 2, None, None, None) and out.dtype == "int32"
    with pytest.raises(ValueError, match="expected ndim=5"):
        layers.Cropping3D(1)(layers.Input((4, 4, 4)))


def test_cropping_more_than_available():
    with pytest.raises(ValueError, match="`cropping` parameter of `Cropping1D` layer must be "
                                         "smaller than"):
        layers.Cropping1D((2, 3))(layers.Input(batch_shape=(3, 5, 7)))
    with pytest.raises(ValueError, match="`cropping` parameter of `Cropping1D` layer must be "
                                         "smaller than"):
        layers.Cropping1D((3, 3))(random_array((3, 5, 7)))
    with pytest.raises(ValueError, match="Values in `cropping` argument should be smaller"):
        layers.Cropping2D(((1, 1), (2, 2)))(random_array((1, 3, 4, 2)))
    with pytest.raises(ValueError, match="Values in `cropping` argument should be smaller"):
        layers.Cropping2D(((2, 1), (0, 0)), data_format="channels_first").compute_output_shape(
            (1, 2, 3, 9))
    with pytest.raises(ValueError, match="Values in `cropping` argument should be smaller"):
        layers.Cropping3D(((0, 0), (0, 0), (1, 1)))(layers.Input((4, 4, 2, 1)))


@pytest.mark.parametrize("cls,cropping,message", [
    (layers.Cropping1D, (1,), "The `cropping` argument must be a tuple of 2 integers"),
    (layers.Cropping1D, (1, 2, 3), "The `cropping` argument must be a tuple of 2 integers"),
    (layers.Cropping1D, "1", "The `cropping` argument must be a tuple of 2 integers"),
    (layers.Cropping2D, -1, "`cropping` cannot be negative"),
    (layers.Cropping2D, (1, 2, 3), "`cropping` should have 2 elements"),
    (layers.Cropping2D, ((1, 2), "ab"), "The `2nd entry of cropping` argument"),
    (layers.Cropping2D, None, "`cropping` should be either an int"),
    (layers.Cropping3D, (1, 1), "`cropping` should have 3 elements"),
    (layers.Cropping3D, ((1, 1), (1, 1), (1, -1)), "The `3rd entry of cropping` argument"),
])
def test_cropping_bad_arguments(cls, cropping, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cls(cropping=cropping)


def test_cropping1d_has_no_data_format():
    # As in Keras: Cropping1D always crops axis 1.
    with pytest.raises(TypeError):
        layers.Cropping1D(data_format="channels_first")
