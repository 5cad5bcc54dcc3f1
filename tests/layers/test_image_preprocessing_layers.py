"""Image preprocessing layers: Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation,
RandomZoom, RandomTranslation, RandomContrast, RandomBrightness.

Deterministic outputs are compared with NumPy references. For the random layers the drawn
parameter is read back from the output (a ramp image turns an affine resampling into its
coefficients; contrast and brightness are solved per image) and checked against the
documented formula and range.
"""

import math

import numpy as np
import pytest
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

RANDOM = "draws a random transformation per call; its formula and range are checked below"
CF = "channels_first"


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _to_cf(x):
    return np.moveaxis(x, -1, -3)


def _hw_last(fn):
    """A reference written for channels_last, applied to channels_first data."""
    return lambda x: _to_cf(fn(np.moveaxis(x, -3, -1)))


# ---- NumPy references -------------------------------------------------------------------------


def _bilinear_axis(x, axis, out_size):
    """Half-pixel-centre linear interpolation with edge clamping (JAX's non-antialiased
    bilinear resize, whose normalised tent weights reduce to this)."""
    in_size = x.shape[axis]
    sample = (np.arange(out_size) + 0.5) * in_size / out_size - 0.5
    sample = np.clip(sample, 0.0, in_size - 1)
    low = np.floor(sample).astype(int)
    high = np.minimum(low + 1, in_size - 1)
    frac = sample - low
    shape = [1] * x.ndim
    shape[axis] = out_size
    frac = frac.reshape(shape)
    return np.take(x, low, axis=axis) * (1 - frac) + np.take(x, high, axis=axis) * frac


def _nearest_axis(x, axis, out_size):
    in_size = x.shape[axis]
    index = np.minimum(np.floor((np.arange(out_size) + 0.5) * in_size / out_size).astype(int),
                       in_size - 1)
    return np.take(x, index, axis=axis)


def resize_ref(x, height, width, interpolation="bilinear"):
    """Resizes channels_last images (rank 3 or 4)."""
    axis_fn = _bilinear_axis if interpolation == "bilinear" else _nearest_axis
    h_axis = x.ndim - 3
    x = x.astype(np.float64)
    return axis_fn(axis_fn(x, h_axis, height), h_axis + 1, width)


def aspect_crop_ref(x, height, width):
    """The largest centred window of channels_last images with aspect `height / width`."""
    in_h, in_w = x.shape[-3], x.shape[-2]
    crop_h = max(min(in_h, int(in_w * height / width)), 1)
    crop_w = max(min(in_w, int(in_h * width / height)), 1)
    top, left = (in_h - crop_h) // 2, (in_w - crop_w) // 2
    return x[..., top:top + crop_h, left:left + crop_w, :]


def smart_resize_ref(x, height, width):
    return resize_ref(aspect_crop_ref(x, height, width), height, width)


def center_crop_ref(x, height, width):
    in_h, in_w = x.shape[-3], x.shape[-2]
    if in_h < height or in_w < width:
        return smart_resize_ref(x, height, width)
    top, left = (in_h - height) // 2, (in_w - width) // 2
    return x[..., top:top + height, left:left + width, :]


def affine_nearest_ref(image, a0, a1, a2, b0, b1, b2, fill=0.0):
    """One channels_last image (h, w, c) resampled by nearest neighbour with constant fill."""
    h, w = image.shape[:2]
    out = np.full(image.shape, fill, dtype=np.float64)
    for y in range(h):
        for x in range(w):
            xi = a0 * x + a1 * y + a2
            yi = b0 * x + b1 * y + b2
            r, c = int(np.floor(yi + 0.5)), int(np.floor(xi + 0.5))
            if 0 <= r < h and 0 <= c < w:
                out[y, x] = image[r, c]
    return out


# ---- Resizing -------------------------------------------------------------------------------


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(3, 4), (7, 9)])
def test_resizing_matches_numpy(interpolation, size):
    x = random_array((2, 5, 6, 3))
    run_layer_test(layers.Resizing,
                   init_kwargs={"height": size[0], "width": size[1],
                                "interpolation": interpolation},
                   input_data=x, reference=lambda a: resize_ref(a, *size, interpolation),
                   expected_output_shape=(2, *size, 3), run_gradient_check=False,
                   atol=1e-5, rtol=1e-5)


def test_resizing_gradients_channels_first_and_single_image():
    x = random_array((2, 3, 5, 4))
    run_layer_test(layers.Resizing, init_kwargs={"height": 3, "width": 6, "data_format": CF},
                   input_data=x, reference=_hw_last(lambda a: resize_ref(a, 3, 6)),
                   expected_output_shape=(2, 3, 3, 6), atol=1e-5, rtol=1e-5)
    single = random_array((5, 4, 2))
    np.testing.assert_allclose(_np(layers.Resizing(2, 3)(single)), resize_ref(single, 2, 3),
                               atol=1e-5)


def test_resizing_crop_and_pad_to_aspect_ratio():
    x = random_array((1, 6, 9, 2))
    got = _np(layers.Resizing(4, 4, crop_to_aspect_ratio=True)(x))
    np.testing.assert_allclose(got, smart_resize_ref(x, 4, 4), atol=1e-5)
    padded = _np(layers.Resizing(9, 9, pad_to_aspect_ratio=True, fill_value=7.0,
                                 interpolation="nearest")(x))
    # Keras pads (9 - 6) // 2 = 1 row on each side (an odd excess loses a row), then resizes.
    expected = np.pad(x, ((0, 0), (1, 1), (0, 0), (0, 0)), constant_values=7.0)
    np.testing.assert_allclose(padded, resize_ref(expected, 9, 9, "nearest"), atol=1e-6)
    np.testing.assert_array_equal(padded[:, 0], 7.0)


def test_resizing_keeps_integer_dtype():
    x = np.arange(2 * 4 * 4 * 1, dtype="uint8").reshape(2, 4, 4, 1)
    out = layers.Resizing(2, 2)(x)
    assert str(out.dtype) == "uint8"
    expected = np.round(resize_ref(x, 2, 2)).astype("uint8")
    np.testing.assert_array_equal(_np(out), expected)


# ---- CenterCrop -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape,size", [((2, 7, 8, 3), (4, 5)), ((2, 6, 6, 1), (3, 3)),
                                        ((2, 4, 4, 2), (4, 4))])
def test_center_crop_matches_numpy(shape, size):
    run_layer_test(layers.CenterCrop, init_kwargs={"height": size[0], "width": size[1]},
                   input_data=random_array(shape),
                   reference=lambda a: center_crop_ref(a, *size),
                   expected_output_shape=(shape[0], *size, shape[-1]))


def test_center_crop_channels_first_single_image_and_upscaling():
    x = random_array((3, 7, 6))
    run_layer_test(layers.CenterCrop, init_kwargs={"height": 3, "width": 2, "data_format": CF},
                   input_data=x[None], reference=_hw_last(lambda a: center_crop_ref(a, 3, 2)))
    np.testing.assert_allclose(_np(layers.CenterCrop(3, 2, data_format=CF)(x)),
                               _to_cf(center_crop_ref(np.moveaxis(x, 0, -1), 3, 2)))
    small = random_array((1, 3, 5, 2))
    got = _np(layers.CenterCrop(6, 4)(small))  # taller than the image: crop to 3:2, resize
    np.testing.assert_allclose(got, smart_resize_ref(small, 6, 4), atol=1e-5)
    ints = np.arange(16, dtype="int32").reshape(4, 4, 1)
    assert str(layers.CenterCrop(2, 2)(ints).dtype) == "float32"


# ---- RandomCrop -----------------------------------------------------------------------------


def _window_position(out, x):
    """(top, left) of the window of channels_last `x` that `out` equals, or None."""
    h, w = out.shape[-3], out.shape[-2]
    for top in range(x.shape[-3] - h + 1):
        for left in range(x.shape[-2] - w + 1):
            if np.array_equal(x[..., top:top + h, left:left + w, :], out):
                return top, left
    return None


def test_random_crop_layer_contract():
    run_layer_test(layers.RandomCrop, init_kwargs={"height": 3, "width": 4, "seed": 3},
                   input_data=random_array((2, 6, 8, 2)),
                   reference=lambda a: smart_resize_ref(a, 3, 4), random_in_training=RANDOM,
                   expected_output_shape=(2, 3, 4, 2), atol=1e-5, rtol=1e-5)


def test_random_crop_windows_are_uniform_and_shared_by_the_batch():
    x = random_array((2, 5, 6, 1))
    layer = layers.RandomCrop(3, 4, seed=11)
    seen = {}
    for _ in range(240):
        out = _np(layer(x, training=True))
        position = _window_position(out, x)
        assert position is not None, "the training output is not a window of the input"
        seen[position] = seen.get(position, 0) + 1
    assert set(seen) == {(t, left) for t in range(3) for left in range(3)}
    assert min(seen.values()) > 240 / 9 / 3  # no offset starved (expected 26.7 each)


def test_random_crop_channels_first_single_image_and_small_inputs():
    x = random_array((2, 6, 5))
    out = _np(layers.RandomCrop(4, 3, seed=1, data_format=CF)(x, training=True))
    assert out.shape == (2, 4, 3)
    assert _window_position(np.moveaxis(out, 0, -1), np.moveaxis(x, 0, -1)) is not None
    small = random_array((1, 3, 4, 2))
    np.testing.assert_allclose(_np(layers.RandomCrop(5, 5)(small, training=True)),
                               smart_resize_ref(small, 5, 5), atol=1e-5)


# ---- RandomFlip -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_random_flip_contract_and_fixed_decisions(mode):
    x = random_array((4, 3, 5, 2))
    run_layer_test(layers.RandomFlip, init_kwargs={"mode": mode, "seed": 2}, input_data=x,
                   reference=lambda a: a, random_in_training=RANDOM)
    flips = {"horizontal": lambda a: a[:, :, ::-1], "vertical": lambda a: a[:, ::-1],
             "horizontal_and_vertical": lambda a: a[:, ::-1, ::-1]}
    decisions = np.array([True, False, False, True]).reshape(4, 1, 1, 1)
    got = _np(layers.RandomFlip(mode).flip(ops.convert_to_tensor(x), decisions))
    np.testing.assert_array_equal(got, np.where(decisions, flips[mode](x), x))
    cf = _np(layers.RandomFlip(mode, data_format=CF).flip(ops.convert_to_tensor(_to_cf(x)),
                                                           decisions))
    np.testing.assert_array_equal(cf, _to_cf(np.where(decisions, flips[mode](x), x)))


@pytest.mark.parametrize("mode,flip", [("horizontal", lambda a: a[:, ::-1]),
                                       ("vertical", lambda a: a[::-1]),
                                       ("horizontal_and_vertical", lambda a: a[::-1, ::-1])])
def test_random_flip_flips_about_half_the_images(mode, flip):
    images = random_array((400, 3, 4, 1))
    out = _np(layers.RandomFlip(mode, seed=5)(images, training=True))
    flipped = np.array([np.array_equal(o, flip(i)) for o, i in zip(out, images)])
    kept = np.array([np.array_equal(o, i) for o, i in zip(out, images)])
    assert np.all(flipped ^ kept), "every image is either flipped or left as it is"
    assert abs(flipped.mean() - 0.5) < 5 * 0.5 / math.sqrt(400)
    single = random_array((3, 4, 1))
    results = {tuple(_np(layers.RandomFlip(mode, seed=s)(single, training=True)).ravel())
               for s in range(12)}
    assert results == {tuple(single.ravel()), tuple(flip(single).ravel())}


# ---- RandomRotation -------------------------------------------------------------------------


@pytest.mark.parametrize("factor,k", [((0.25, 0.25), 1), ((-0.25, -0.25), -1),
                                      ((0.5, 0.5), 2), ([0.75, 0.75], 3)])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_random_rotation_by_multiples_of_90_degrees(factor, k, interpolation):
    x = random_array((2, 5, 5, 3))
    expected = np.rot90(x, k=k, axes=(1, 2))  # counter-clockwise for positive factors
    layer = layers.RandomRotation(factor, interpolation=interpolation, fill_mode="constant")
    np.testing.assert_allclose(_np(layer(x, training=True)), expected, atol=2e-6)
    cf = layers.RandomRotation(factor, interpolation=interpolation, data_format=CF)
    np.testing.assert_allclose(_np(cf(_to_cf(x), training=True)), _to_cf(expected), atol=2e-6)
    single = _np(layer(x[0], training=True))
    np.testing.assert_allclose(single, expected[0], atol=2e-6)


def test_random_rotation_contract():
    run_layer_test(layers.RandomRotation, init_kwargs={"factor": 0.1, "seed": 4,
                                                       "fill_mode": "constant"},
                   input_data=random_array((2, 6, 6, 2)), reference=lambda a: a,
                   random_in_training=RANDOM)


def _ramps(n, batch):
    """A batch of (n, n, 2) images: channel 0 is x (the column), channel 1 is y (the row)."""
    y, x = np.mgrid[0:n, 0:n].astype(np.float32)
    return np.broadcast_to(np.stack([x, y], -1), (batch, n, n, 2)).copy()


def _linear_coefficients(out, c):
    """Per image, d(out)/dx and d(out)/dy of each channel at the central pixel `c`."""
    d_dx = out[:, c, c + 1] - out[:, c, c]
    d_dy = out[:, c + 1, c] - out[:, c, c]
    return d_dx, d_dy  # each (batch, 2): channel 0 the x ramp, channel 1 the y ramp


@pytest.mark.parametrize("factor,bounds", [(0.05, (-0.05, 0.05)), ((0.02, 0.1), (0.02, 0.1)),
                                           ((-0.08, -0.03), (-0.08, -0.03))])
def test_random_rotation_angles_follow_the_factor(factor, bounds):
    # Sampling a linear ramp is exact under bilinear interpolation: the output's slopes are
    # the transform's coefficients, d(x ramp)/dx = cos(angle), d(x ramp)/dy = -sin(angle).
    n, batch = 41, 64
    out = _np(layers.RandomRotation(factor, seed=9)(_ramps(n, batch), training=True))
    d_dx, d_dy = _linear_coefficients(out, n // 2)
    angles = np.arctan2(-d_dy[:, 0], d_dx[:, 0]) / (2 * np.pi)
    np.testing.assert_allclose(d_dx[:, 0] ** 2 + d_dy[:, 0] ** 2, 1.0, atol=1e-4)
    assert np.all(angles >= bounds[0] - 1e-5) and np.all(angles <= bounds[1] + 1e-5)
    width = bounds[1] - bounds[0]
    assert angles.max() - angles.min() > 0.8 * width, "angles do not cover the range"
    assert len(np.unique(np.round(angles, 6))) > batch // 2, "images share angles"


# ---- RandomZoom / RandomTranslation -----------------------------------------------------------


@pytest.mark.parametrize("n,zoom,factor", [(5, 2.0, (1.0, 1.0)), (4, 0.5, (-0.5, -0.5))])
def test_random_zoom_fixed_zoom_matches_numpy(n, zoom, factor):
    x = random_array((2, n, n, 3))
    c = (n - 1) / 2
    expected = np.stack([affine_nearest_ref(img, zoom, 0, c * (1 - zoom), 0, zoom,
                                            c * (1 - zoom), fill=0.5) for img in x])
    layer = layers.RandomZoom(factor, fill_mode="constant", fill_value=0.5,
                              interpolation="nearest")
    np.testing.assert_allclose(_np(layer(x, training=True)), expected, atol=1e-6)
    cf = layers.RandomZoom(factor, fill_mode="constant", fill_value=0.5,
                           interpolation="nearest", data_format=CF)
    np.testing.assert_allclose(_np(cf(_to_cf(x[0]), training=True)), _to_cf(expected[0]),
                               atol=1e-6)


@pytest.mark.parametrize("height_factor,width_factor", [(0.3, None), ((-0.4, -0.1), (0.2, 0.5))])
def test_random_zoom_factors_follow_the_ranges(height_factor, width_factor):
    n, batch = 41, 64
    layer = layers.RandomZoom(height_factor, width_factor, seed=21)
    d_dx, d_dy = _linear_coefficients(_np(layer(_ramps(n, batch), training=True)), n // 2)
    zoom_x, zoom_y = d_dx[:, 0], d_dy[:, 1]
    np.testing.assert_allclose(d_dy[:, 0], 0.0, atol=1e-4)
    h_range = (-0.3, 0.3) if not isinstance(height_factor, tuple) else height_factor
    assert np.all(zoom_y >= 1 + h_range[0] - 1e-5) and np.all(zoom_y <= 1 + h_range[1] + 1e-5)
    assert zoom_y.max() - zoom_y.min() > 0.8 * (h_range[1] - h_range[0])
    if width_factor is None:
        np.testing.assert_allclose(zoom_x, zoom_y, atol=1e-4)  # the aspect ratio is kept
    else:
        assert np.all(zoom_x >= 1 + width_factor[0] - 1e-5)
        assert np.all(zoom_x <= 1 + width_factor[1] + 1e-5)
        assert not np.allclose(zoom_x, zoom_y, atol=1e-3), "the axes were zoomed together"


def test_random_zoom_and_translation_contracts():
    x = random_array((2, 6, 5, 2))
    run_layer_test(layers.RandomZoom, init_kwargs={"height_factor": (-0.2, 0.3),
                                                   "width_factor": 0.1, "seed": 1},
                   input_data=x, reference=lambda a: a, random_in_training=RANDOM)
    run_layer_test(layers.RandomTranslation,
                   init_kwargs={"height_factor": 0.2, "width_factor": (-0.1, 0.3), "seed": 2,
                                "fill_mode": "nearest", "interpolation": "nearest"},
                   input_data=x, reference=lambda a: a, random_in_training=RANDOM)


def test_random_translation_by_whole_fractions_matches_numpy():
    x = random_array((2, 4, 5, 3))
    # Height 4 * 0.5 = 2 rows down, width 5 * -0.2 = 1 column left.
    expected = np.full(x.shape, -3.0, np.float32)
    expected[:, 2:, :4] = x[:, :2, 1:]
    layer = layers.RandomTranslation((0.5, 0.5), (-0.2, -0.2), fill_mode="constant",
                                     fill_value=-3.0)
    np.testing.assert_allclose(_np(layer(x, training=True)), expected, atol=1e-5)
    cf = layers.RandomTranslation((0.5, 0.5), (-0.2, -0.2), fill_mode="constant",
                                  fill_value=-3.0, data_format=CF)
    np.testing.assert_allclose(_np(cf(_to_cf(x), training=True)), _to_cf(expected), atol=1e-5)


def test_random_translation_shifts_follow_the_ranges():
    n, batch = 41, 64
    layer = layers.RandomTranslation((-0.2, 0.1), 0.25, seed=8)
    out = _np(layer(_ramps(n, batch), training=True))
    c = n // 2
    dx = c - out[:, c, c, 0]  # the x ramp reads x - dx at column x
    dy = c - out[:, c, c, 1]
    assert np.all(dy >= -0.2 * n - 1e-3) and np.all(dy <= 0.1 * n + 1e-3)
    assert np.all(np.abs(dx) <= 0.25 * n + 1e-3)
    assert dx.max() - dx.min() > 0.8 * 0.5 * n and dy.max() - dy.min() > 0.8 * 0.3 * n


# ---- RandomContrast / RandomBrightness -------------------------------------------------------


def test_random_contrast_and_brightness_contracts():
    x = random_array((3, 4, 4, 2), low=0.0, high=1.0)
    run_layer_test(layers.RandomContrast, init_kwargs={"factor": 0.5, "value_range": (0, 1),
                                                       "seed": 6},
                   input_data=x, reference=lambda a: a, random_in_training=RANDOM)
    run_layer_test(layers.RandomBrightness,
                   init_kwargs={"factor": (-0.2, 0.4), "value_range": [0, 1], "seed": 7},
                   input_data=x, reference=lambda a: a, random_in_training=RANDOM)


@pytest.mark.parametrize("data_format", ["channels_last", CF])
@pytest.mark.parametrize("factor,bounds", [(0.3, (0.7, 1.3)), ((0.1, 0.6), (0.9, 1.6))])
def test_random_contrast_formula_and_range(data_format, factor, bounds):
    rng = np.random.default_rng(0)
    x = rng.uniform(100.0, 150.0, (200, 3, 4, 2)).astype("float32")
    x[:, 0, 0] = 0.0  # far from the mean: stretched past the value range, so clipped
    x[:, 0, 1] = 255.0
    data = x if data_format == "channels_last" else _to_cf(x)
    layer = layers.RandomContrast(factor, seed=3, data_format=data_format)
    out = _np(layer(data, training=True))
    out = out if data_format == "channels_last" else np.moveaxis(out, -3, -1)
    mean = x.astype(np.float64).mean(axis=(1, 2), keepdims=True)
    # The contrast factor of each image, solved from one unclipped pixel.
    c = (out[:, 2, 2, 0] - mean[:, 0, 0, 0]) / (x[:, 2, 2, 0] - mean[:, 0, 0, 0])
    expected = np.clip((x - mean) * c[:, None, None, None] + mean, 0, 255)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-2)
    assert np.all(c >= bounds[0] - 1e-3) and np.all(c <= bounds[1] + 1e-3)
    assert c.max() - c.min() > 0.8 * (bounds[1] - bounds[0])
    assert np.any(out == 255.0) and np.any(out == 0.0)


def test_random_contrast_single_image_uses_per_channel_means():
    x = np.stack([np.linspace(0.2, 0.4, 12), np.linspace(0.6, 0.9, 12)], -1)
    x = x.reshape(3, 4, 2).astype("float32")
    out = _np(layers.RandomContrast((0.5, 0.5), value_range=(0, 1), seed=1)(x, training=True))
    mean = x.mean(axis=(0, 1))
    c = (out[0, 0, 0] - mean[0]) / (x[0, 0, 0] - mean[0])
    np.testing.assert_allclose(out, np.clip((x - mean) * c + mean, 0, 1), atol=1e-6)


def test_random_brightness_fixed_offset_and_clipping():
    x = np.array([[[[10.0, 128.0, 250.0]]]], dtype="float32")
    out = _np(layers.RandomBrightness((0.1, 0.1))(x, training=True))
    np.testing.assert_allclose(out, np.clip(x + 25.5, 0, 255), atol=1e-4)
    dark = _np(layers.RandomBrightness((-0.5, -0.5), value_range=(-1, 1))(
        np.array([[[-0.5, 0.2, 0.9]]], "float32"), training=True))
    np.testing.assert_allclose(dark, [[[-1.0, -0.8, -0.1]]], atol=1e-6)


@pytest.mark.parametrize("factor,bounds", [(0.2, (-0.2, 0.2)), ((-0.5, 0.1), (-0.5, 0.1))])
def test_random_brightness_offsets_follow_the_range(factor, bounds):
    x = np.full((300, 2, 3, 1), 0.5, "float32")
    x[:, 0, 0] = 0.99  # pushed past 1 by positive offsets
    out = _np(layers.RandomBrightness(factor, value_range=(0, 1), seed=4)(x, training=True))
    delta = out[:, 1, 1, 0] - 0.5
    np.testing.assert_allclose(out, np.clip(x + delta[:, None, None, None], 0, 1), atol=1e-6)
    assert np.all(delta >= bounds[0] - 1e-6) and np.all(delta <= bounds[1] + 1e-6)
    assert delta.max() - delta.min() > 0.8 * (bounds[1] - bounds[0])


def test_integer_images_become_floats():
    x = np.arange(2 * 4 * 4 * 3, dtype="uint8").reshape(2, 4, 4, 3)
    out = layers.RandomBrightness(0.1, seed=1)(x, training=True)
    assert str(out.dtype) == "float32"
    assert str(layers.RandomFlip(seed=1)(x).dtype) == "float32"


# ---- shared behaviour of the random layers ---------------------------------------------------

RANDOM_LAYERS = {
    "RandomCrop": dict(height=3, width=3),
    "RandomFlip": dict(),
    "RandomRotation": dict(factor=0.2),
    "RandomZoom": dict(height_factor=0.3, width_factor=0.2),
    "RandomTranslation": dict(height_factor=0.3, width_factor=0.3),
    "RandomContrast": dict(factor=0.5, value_range=(-1, 1)),
    "RandomBrightness": dict(factor=0.3, value_range=(-1, 1)),
}


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_seeded_reproducible_fresh_per_call_identity_in_inference(name):
    cls = getattr(layers, name)
    kwargs = RANDOM_LAYERS[name]
    x = random_array((8, 5, 5, 3), low=-1.0, high=1.0)
    layer = cls(**kwargs, seed=42)
    first, second = _np(layer(x, training=True)), _np(layer(x, training=True))
    assert not np.allclose(first, second), "two training calls drew the same transformation"
    again = cls(**kwargs, seed=42)
    np.testing.assert_array_equal(_np(again(x, training=True)), first)
    np.testing.assert_array_equal(_np(again(x, training=True)), second)
    other = _np(cls(**kwargs, seed=43)(x, training=True))
    assert not np.allclose(other, first), "a different seed drew the same transformation"
    if name != "RandomCrop":  # RandomCrop resizes at inference (checked above)
        np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    # A bare call trains, as in Keras 3: these layers' call defaults to training=True.
    replay = cls(**kwargs, seed=42)
    np.testing.assert_array_equal(_np(replay(x)), first)


# RandomCrop is left out: it draws one window for the whole batch, as Keras.
@pytest.mark.parametrize("name", sorted(set(RANDOM_LAYERS) - {"RandomCrop"}))
def test_random_layers_vary_across_the_batch(name):
    cls = getattr(layers, name)
    x = np.broadcast_to(random_array((1, 5, 5, 3), low=-1.0, high=1.0), (16, 5, 5, 3))
    out = _np(cls(**RANDOM_LAYERS[name], seed=1)(x.copy(), training=True))
    distinct = {out[i].tobytes() for i in range(16)}
    assert len(distinct) > 1, "every image of the batch got the same transformation"


# ---- argument checks ----------------------------------------------------------------------------


def test_factor_and_argument_errors():
    with pytest.raises(ValueError, match=r"in the range \[-1, 1\]. Received: factor=1.5"):
        layers.RandomRotation(1.5)
    with pytest.raises(ValueError, match=r"Received: factor=\(0.1, 0.2, 0.3\)"):
        layers.RandomRotation((0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="Received: input_number=1.2"):
        layers.RandomZoom(1.2)
    with pytest.raises(ValueError, match="Received: width_factor=abc"):
        layers.RandomTranslation(0.1, "abc")
    with pytest.raises(ValueError, match=r"range \[0, 1\]. Received: factor=-0.2"):
        layers.RandomContrast(-0.2)
    with pytest.raises(ValueError, match="Received: value_range=5"):
        layers.RandomBrightness(0.1, value_range=5)
    with pytest.raises(NotImplementedError, match="Unknown `fill_mode` mirror"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="Unknown `interpolation` bicubic"):
        layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="unknown mode"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomFlip()(np.zeros((2, 3)), training=True)
    with pytest.raises(ValueError, match="data_format"):
        layers.Resizing(2, 2, data_format="channels_middle")


def test_factor_forms_in_config():
    assert layers.RandomRotation(0.2).get_config()["factor"] == 0.2
    assert layers.RandomRotation((0.3, -0.1)).get_config()["factor"] == [0.3, -0.1]
    assert layers.RandomBrightness((0.3, -0.1)).get_config()["value_range"] == [0, 255]
    assert layers.RandomContrast(0.1, value_range=(1, 0)).get_config()["value_range"] == [0, 1]
    config = layers.RandomZoom(0.1).get_config()
    assert config["width_factor"] is None and config["fill_mode"] == "reflect"


# ---- in models ----------------------------------------------------------------------------------


def _counter(layer):
    return int(_np(layer.generator.state)[1])


def test_augmentation_runs_in_fit_and_not_in_predict():
    augmentations = [layers.RandomFlip("horizontal", seed=1), layers.RandomRotation(0.1, seed=2),
                     layers.RandomZoom(0.1, seed=3), layers.RandomTranslation(0.1, 0.1, seed=4),
                     layers.RandomContrast(0.2, seed=5), layers.RandomBrightness(0.2, seed=6),
                     layers.RandomCrop(6, 6, seed=7)]
    inputs = keras.Input((8, 8, 3))
    x = keras.Sequential(augmentations)(inputs)
    x = layers.Rescaling(1 / 255)(x)
    x = layers.Conv2D(2, 3)(x)
    outputs = layers.Dense(1)(layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    data = np.random.default_rng(0).uniform(0, 255, (8, 8, 8, 3)).astype("float32")
    before = [_counter(a) for a in augmentations]
    model.predict(data, verbose=0)
    assert [_counter(a) for a in augmentations] == before, "predict drew augmentations"
    model.fit(data, np.zeros((8, 1)), batch_size=4, epochs=1, verbose=0)
    moved = [_counter(a) > b for a, b in zip(augmentations, before)]
    assert all(moved), f"fit did not augment with every layer: {moved}"


def test_variable_sized_symbolic_inputs():
    inputs = keras.Input((None, None, 3))
    assert tuple(layers.Resizing(4, 5)(inputs).shape) == (None, 4, 5, 3)
    assert tuple(layers.CenterCrop(2, 2)(inputs).shape) == (None, 2, 2, 3)
    assert tuple(layers.RandomCrop(2, 3)(inputs).shape) == (None, 2, 3, 3)
    assert tuple(layers.RandomRotation(0.1)(inputs).shape) == (None, None, None, 3)
    model = keras.Model(inputs, layers.Resizing(4, 5)(inputs))
    x = random_array((2, 7, 9, 3))
    np.testing.assert_allclose(_np(model(x)), resize_ref(x, 4, 5), atol=1e-5)
