"""keras_like.ops.image against NumPy references written from the definitions.

Resize references follow jax.image.resize (Keras's JAX backend): half-pixel centres, kernels
normalised per output pixel, and with antialias the kernel stretched by the downsampling
factor. Sampling references (affine_transform, map_coordinates) read each neighbour through
the fill mode as its docstring draws it.
"""

import colorsys
import itertools
import math

import numpy as np
import pytest
from helpers import check_op

import keras_like as keras
from keras_like import ops

RNG = np.random.default_rng(0)
FORMATS = ["channels_last", "channels_first"]


def _to_last(x, fmt):
    return x if fmt == "channels_last" else np.moveaxis(x, -3, -1)


def _from_last(x, fmt):
    return x if fmt == "channels_last" else np.moveaxis(x, -1, -3)


# ---- resize reference ------------------------------------------------------------------------


def _kernel(name, x):
    x = abs(x)
    if name == "bilinear":
        return max(0.0, 1.0 - x)
    if name == "bicubic":  # Keys, a = -0.5
        if x < 1:
            return 1.5 * x**3 - 2.5 * x**2 + 1
        return -0.5 * x**3 + 2.5 * x**2 - 4 * x + 2 if x < 2 else 0.0
    radius = {"lanczos3": 3, "lanczos5": 5}[name]
    if x > radius:
        return 0.0
    if x < 1e-3:
        return 1.0
    return radius * math.sin(math.pi * x) * math.sin(math.pi * x / radius) / (math.pi * x) ** 2


def _resize_axis_ref(x, axis, out, method, antialias):
    x = np.moveaxis(x, axis, 0)
    n = x.shape[0]
    if n == out:
        return np.moveaxis(x, 0, axis)
    result = np.zeros((out,) + x.shape[1:])
    for i in range(out):
        if method == "nearest":
            result[i] = x[min(int(math.floor((i + 0.5) * n / out)), n - 1)]
            continue
        centre = (i + 0.5) * n / out - 0.5
        if not -0.5 <= centre <= n - 0.5:
            continue
        stretch = max(n / out, 1.0) if antialias else 1.0
        w = np.array([_kernel(method, (centre - j) / stretch) for j in range(n)])
        result[i] = np.tensordot(w / w.sum(), x, axes=(0, 0))
    return np.moveaxis(result, 0, axis)


def resize_ref(x, size, method="bilinear", antialias=False, fmt="channels_last"):
    h_axis = x.ndim - 3 if fmt == "channels_last" else x.ndim - 2
    y = _resize_axis_ref(np.asarray(x, np.float64), h_axis, size[0], method, antialias)
    return _resize_axis_ref(y, h_axis + 1, size[1], method, antialias)


RESIZE_CASES = [((4, 5), (8, 10)), ((6, 9), (3, 4)), ((5, 5), (7, 3)), ((3, 4), (3, 7))]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resize_matches_reference(fmt, method, antialias):
    for (h, w), size in RESIZE_CASES:
        for batched in (False, True):
            shape = (h, w, 2) if fmt == "channels_last" else (2, h, w)
            x = RNG.uniform(-1, 1, ((3,) if batched else ()) + shape)
            got = ops.image.resize(x, size, method, antialias=antialias, data_format=fmt)
            want = resize_ref(x, size, method, antialias, fmt)
            assert got.shape == want.shape and got.dtype == "float64"
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


def test_resize_bilinear_upsample_is_the_half_pixel_formula():
    a, b, c, d = 1.0, 3.0, 7.0, 20.0
    x = np.array([[a, b], [c, d]]).reshape(2, 2, 1)
    got = ops.image.resize(x, (4, 4)).numpy()[..., 0]
    # Output pixel i samples input coordinate (i + 0.5) / 2 - 0.5 = -1/4, 1/4, 3/4, 5/4,
    # clamped to the edge: row and column weights (1, 0), (3/4, 1/4), (1/4, 3/4), (0, 1).
    w = np.array([[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]])
    np.testing.assert_allclose(got, w @ x[..., 0] @ w.T, rtol=1e-12)
    assert got[1, 1] == pytest.approx(0.75 * (0.75 * a + 0.25 * b) + 0.25 * (0.75 * c + 0.25 * d))


def test_resize_antialiased_downsample_is_the_stretched_triangle():
    x = np.arange(1.0, 5.0).reshape(1, 4, 1)
    # 4 -> 2: centres at 0.5 and 2.5, triangle of half-width 2: weights (3, 3, 1, 0) / 7.
    got = ops.image.resize(x, (1, 2), antialias=True).numpy().ravel()
    np.testing.assert_allclose(got, [(3 * 1 + 3 * 2 + 1 * 3) / 7, (1 * 2 + 3 * 3 + 3 * 4) / 7])
    # Without antialias the same centres blend only their two neighbours.
    plain = ops.image.resize(x, (1, 2)).numpy().ravel()
    np.testing.assert_allclose(plain, [1.5, 3.5])


def test_resize_nearest_picks_floor_of_half_pixel_centres():
    x = np.arange(6.0).reshape(1, 6, 1)
    assert ops.image.resize(x, (1, 4), "nearest").numpy().ravel().tolist() == [0, 2, 3, 5]
    # (i + 0.5) * 6 / 9 lands exactly on 1, 3 and 5 for i = 1, 4, 7: floor keeps them.
    assert ops.image.resize(x, (1, 9), "nearest").numpy().ravel().tolist() == \
        [0, 1, 1, 2, 3, 3, 4, 5, 5]


def test_resize_identity_and_dtypes():
    x = RNG.uniform(0, 1, (2, 5, 6, 3)).astype("float32")
    same = ops.image.resize(x, (5, 6), "bicubic")
    np.testing.assert_array_equal(same.numpy(), x)
    for dtype in ("float16", "bfloat16", "float32"):
        y = ops.image.resize(ops.cast(x, dtype), (3, 4))
        assert y.dtype == dtype
    u8 = RNG.integers(0, 256, (7, 5, 1)).astype("uint8")
    got = ops.image.resize(u8, (4, 9), "bicubic")
    want = np.clip(np.round(resize_ref(u8, (4, 9), "bicubic")), 0, 255).astype("uint8")
    assert got.dtype == "uint8"
    np.testing.assert_array_equal(got.numpy(), want)
    near = ops.image.resize(u8, (3, 3), "nearest")
    np.testing.assert_array_equal(near.numpy(), resize_ref(u8, (3, 3), "nearest").astype("uint8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_resize_crop_and_pad_to_aspect_ratio(fmt):
    x = _from_last(RNG.uniform(0, 1, (2, 6, 10, 3)), fmt)
    got = ops.image.resize(x, (4, 4), crop_to_aspect_ratio=True, data_format=fmt)
    # The largest centred 4:4 window of a 6x10 image is 6x6 starting at column 2.
    window = _from_last(_to_last(x, fmt)[:, :, 2:8], fmt)
    np.testing.assert_allclose(got.numpy(), resize_ref(window, (4, 4), fmt=fmt), rtol=1e-10)
    got = ops.image.resize(x, (4, 4), pad_to_aspect_ratio=True, fill_value=0.3, data_format=fmt)
    # Padded to 10x10: two rows of 0.3 above and below.
    padded = np.pad(_to_last(x, fmt), [(0, 0), (2, 2), (0, 0), (0, 0)], constant_values=0.3)
    want = resize_ref(_from_last(padded, fmt), (4, 4), fmt=fmt)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10)
    tall = _from_last(RNG.uniform(0, 1, (9, 4, 3)), fmt)
    got = ops.image.resize(tall, (2, 3), pad_to_aspect_ratio=True, data_format=fmt)
    # pad_width = int(9 * 3 / 2) = 13: four zero columns on each side.
    wide = np.pad(_to_last(tall, fmt), [(0, 0), (4, 4), (0, 0)])
    np.testing.assert_allclose(got.numpy(), resize_ref(_from_last(wide, fmt), (2, 3), fmt=fmt),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", ["bilinear", "bicubic", "lanczos3", "nearest"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resize_gradients(method, antialias):
    for size in [(5, 2), (2, 3)]:
        check_op(lambda x, size=size: ops.image.resize(x, size, method, antialias=antialias),
                 lambda x, size=size: resize_ref(x, size, method, antialias).astype(x.dtype),
                 [(3, 4, 2)], rtol=1e-5, atol=1e-6)


def test_resize_symbolic_and_errors():
    y = ops.image.resize(keras.Input((None, 7, 3)), (4, 5))
    assert y.shape == (None, 4, 5, 3)
    y = ops.image.resize(keras.Input((3, 8, 8)), (2, 6), data_format="channels_first")
    assert y.shape == (None, 3, 2, 6)
    x = np.zeros((4, 4, 3))
    with pytest.raises(ValueError, match="tuple of 2 integers"):
        ops.image.resize(x, (2,))
    with pytest.raises(ValueError, match="positive height and width"):
        ops.image.resize(x, (0, 2))
    with pytest.raises(ValueError, match="Invalid images rank"):
        ops.image.resize(np.zeros((4, 4)), (2, 2))
    with pytest.raises(ValueError, match="Only one of"):
        ops.image.resize(x, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(x, (2, 2), "cubic-ish")
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.resize(x, (2, 2), fill_mode="reflect")


# ---- sampling reference ----------------------------------------------------------------------


def _fixed(index, n, mode):
    """The input index that `index` reads under `mode`, or None for the constant fill."""
    if 0 <= index < n:
        return index
    if mode == "constant":
        return None
    if mode == "nearest":
        return min(max(index, 0), n - 1)
    if mode == "wrap":
        return index % n
    if mode == "mirror":  # c d c b | a b c d | c b a b: period 2n - 2
        if n == 1:
            return 0
        m = index % (2 * n - 2)
        return m if m < n else 2 * n - 2 - m
    m = index % (2 * n)  # reflect, d c b a | a b c d | d c b a: period 2n
    return m if m < n else 2 * n - 1 - m


def _neighbours(c, order):
    if order == 0:
        return [(int(math.copysign(math.floor(abs(c) + 0.5), c)), 1.0)]
    lo = math.floor(c)
    return [(lo, 1.0 - (c - lo)), (lo + 1, c - lo)]


def sample_ref(x, point, order, mode, cval):
    total = 0.0
    for combo in itertools.product(*(_neighbours(c, order) for c in point)):
        idx = [_fixed(i, n, mode) for (i, _), n in zip(combo, x.shape)]
        value = cval if None in idx else x[tuple(idx)]
        total += math.prod(w for _, w in combo) * value
    return total


def map_coordinates_ref(x, coords, order, mode="constant", cval=0.0):
    coords = np.asarray(coords, np.float64)
    out = np.zeros(coords.shape[1:])
    for pos in np.ndindex(*out.shape):
        out[pos] = sample_ref(x, coords[(slice(None),) + pos], order, mode, cval)
    return out


def affine_ref(images, transform, interpolation="bilinear", mode="constant", cval=0.0,
               fmt="channels_last"):
    images = np.asarray(images, np.float64)
    single = images.ndim == 3
    x = _to_last(images[None] if single else images, fmt)
    t = np.asarray(transform, np.float64).reshape(-1, 8)
    out = np.zeros_like(x)
    order = {"nearest": 0, "bilinear": 1}[interpolation]
    for b, row, col, ch in np.ndindex(*x.shape):
        a0, a1, a2, b0, b1, b2 = t[b if len(t) > 1 else 0][:6]
        point = (b0 * col + b1 * row + b2, a0 * col + a1 * row + a2)
        out[b, row, col, ch] = sample_ref(x[b, :, :, ch], point, order, mode, cval)
    out = _from_last(out, fmt)
    return out[0] if single else out


MODES = ["constant", "nearest", "wrap", "mirror", "reflect"]
TRANSFORMS = np.array([
    [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0, 0],  # identity
    [1.3, 0.2, -1.7, -0.3, 0.9, 1.4, 0, 0],  # zoom, shear and shift
    [-1.0, 0.0, 5.0, 0.0, 1.0, -2.5, 0, 0],  # flip and half-pixel shift
])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_reference(fmt, mode, interpolation):
    images = _from_last(RNG.uniform(-1, 1, (3, 5, 6, 2)), fmt)
    # 0.3 is not a float32 value: the fill must reach float64 images unrounded.
    got = ops.image.affine_transform(images, TRANSFORMS, interpolation, mode, 0.3,
                                     data_format=fmt)
    want = affine_ref(images, TRANSFORMS, interpolation, mode, 0.3, fmt)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)
    single = images[1]
    got = ops.image.affine_transform(single, TRANSFORMS[1], interpolation, mode, 0.25,
                                     data_format=fmt)
    np.testing.assert_allclose(got.numpy(), affine_ref(single, TRANSFORMS[1], interpolation,
                                                       mode, 0.25, fmt), rtol=1e-10, atol=1e-12)
    # One transform is shared by every image of the batch.
    got = ops.image.affine_transform(images, TRANSFORMS[1:2], interpolation, mode, 0.25,
                                     data_format=fmt)
    want = affine_ref(images, np.repeat(TRANSFORMS[1:2], 3, 0), interpolation, mode, 0.25, fmt)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


def test_affine_transform_translation_known_values():
    x = np.arange(12.0).reshape(3, 4, 1)
    # Output (x, y) reads input (x + 1, y): the image moves one pixel left, zeros enter.
    got = ops.image.affine_transform(x, [1, 0, 1, 0, 1, 0, 0, 0]).numpy()[..., 0]
    np.testing.assert_array_equal(got, np.concatenate([x[:, 1:, 0], np.zeros((3, 1))], 1))
    got = ops.image.affine_transform(x, [1, 0, -1, 0, 1, 0, 0, 0], fill_mode="wrap").numpy()
    np.testing.assert_array_equal(got[..., 0], np.roll(x[..., 0], 1, axis=1))


def test_affine_transform_dtypes_and_gradients():
    u8 = RNG.integers(0, 256, (4, 5, 2)).astype("uint8")
    got = ops.image.affine_transform(u8, TRANSFORMS[1], fill_value=7)
    want = affine_ref(u8, TRANSFORMS[1], cval=7)
    assert got.dtype == "uint8"
    # Integer results round half away from zero (values here are non-negative); weights
    # are float32, so values within float32 noise of a half may round either way.
    near_half = np.abs(want % 1 - 0.5) < 1e-3
    assert near_half.sum() < want.size // 4
    rounded = np.floor(want + 0.5).astype("uint8")
    np.testing.assert_array_equal(got.numpy()[~near_half], rounded[~near_half])
    assert np.all(np.abs(got.numpy()[near_half] - want[near_half]) <= 0.5 + 1e-3)
    for mode in MODES:
        check_op(lambda x, m=mode: ops.image.affine_transform(x, TRANSFORMS[1], fill_mode=m),
                 lambda x, m=mode: affine_ref(x, TRANSFORMS[1], mode=m).astype(x.dtype),
                 [(3, 4, 2)])
    # Gradients also reach the transform (between pixel boundaries the map is smooth).
    images = RNG.uniform(-1, 1, (2, 4, 5, 1))
    check_op(lambda t: ops.image.affine_transform(ops.convert_to_tensor(images), t),
             lambda t: affine_ref(images, t).astype(t.dtype), [],
             arrays=[TRANSFORMS[1:].astype("float64") + 0.013])


def test_affine_transform_symbolic_and_errors():
    y = ops.image.affine_transform(keras.Input((5, 6, 3)), keras.Input((8,)))
    assert y.shape == (None, 5, 6, 3)
    x = np.zeros((4, 4, 3))
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.affine_transform(x, TRANSFORMS[0], interpolation="bicubic")
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.affine_transform(x, TRANSFORMS[0], fill_mode="edge")
    with pytest.raises(ValueError, match="Invalid images rank"):
        ops.image.affine_transform(np.zeros((4, 4)), TRANSFORMS[0])
    with pytest.raises(ValueError, match="Invalid transform rank"):
        ops.image.affine_transform(x, np.zeros((1, 1, 8)))
    with pytest.raises(ValueError, match="2 transforms for a batch of 3"):
        ops.image.affine_transform(np.zeros((3, 4, 4, 1)), TRANSFORMS[:2])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1])
def test_map_coordinates_matches_reference(mode, order):
    for shape, out_shape in [((7,), (9,)), ((4, 5), (3, 6)), ((3, 4, 2), (5, 2))]:
        x = RNG.uniform(-1, 1, shape)
        coords = np.stack([RNG.uniform(-2.5 * n, 2.5 * n, out_shape) for n in shape])
        got = ops.image.map_coordinates(x, coords, order, mode, fill_value=-0.3)
        want = map_coordinates_ref(x, coords, order, mode, -0.3)
        assert got.shape == out_shape
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


def test_map_coordinates_known_values_and_gradients():
    x = np.array([10.0, 20.0, 30.0, 40.0])
    got = ops.image.map_coordinates(x, [[-0.5, 0.5, 2.5, -1.0, 4.0]], 1, "nearest").numpy()
    np.testing.assert_allclose(got, [10, 15, 35, 10, 40])
    # Order 0 rounds halves away from zero: -0.5 -> -1 (outside), 1.5 -> 2, 2.5 -> 3.
    got = ops.image.map_coordinates(x, [[-0.5, 1.5, 2.5]], 0, fill_value=-1).numpy()
    np.testing.assert_allclose(got, [-1, 30, 40])
    assert ops.image.map_coordinates(x, [[-1.0, 4.0, 5.0]], 0, "mirror").numpy().tolist() == \
        [20, 30, 20]
    assert ops.image.map_coordinates(x, [[-1.0, 4.0, 5.0]], 0, "reflect").numpy().tolist() == \
        [10, 40, 30]
    coords = np.array([[0.3, 2.6, -0.8], [1.2, 0.1, 3.7]])
    grid = RNG.uniform(-1, 1, (3, 4))
    for mode in MODES:
        check_op(lambda a, c, m=mode: ops.image.map_coordinates(a, c, 1, m, fill_value=0.5),
                 lambda a, c, m=mode: map_coordinates_ref(a, c, 1, m, 0.5).astype(a.dtype),
                 [], arrays=[grid, coords])


def test_map_coordinates_errors():
    with pytest.raises(ValueError, match="First dim of `coordinates`"):
        ops.image.map_coordinates(np.zeros((3, 3)), np.zeros((3, 2)), 1)
    with pytest.raises(ValueError, match="at least rank 2"):
        ops.image.map_coordinates(np.zeros((3,)), np.zeros((1,)), 1)
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.map_coordinates(np.zeros((3,)), np.zeros((1, 2)), 1, "edge")
    with pytest.raises(ValueError, match="order"):
        ops.image.map_coordinates(np.zeros((3,)), np.zeros((1, 2)), 3)
    y = ops.image.map_coordinates(keras.Input((4, 5)), keras.Input((7,), batch_size=3), 1)
    assert y.shape == (7,)


# ---- crop / pad --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_crop_and_pad_images(fmt):
    for batched in (False, True):
        x = _from_last(RNG.uniform(-1, 1, ((2,) if batched else ()) + (7, 9, 3)), fmt)
        last = _to_last(x, fmt)
        got = ops.image.crop_images(x, 1, 2, target_height=4, bottom_cropping=None,
                                    right_cropping=3, data_format=fmt)
        np.testing.assert_array_equal(got.numpy(), _from_last(last[..., 1:5, 2:6, :], fmt))
        got = ops.image.crop_images(x, bottom_cropping=2, target_height=3, left_cropping=0,
                                    target_width=9, data_format=fmt)
        np.testing.assert_array_equal(got.numpy(), _from_last(last[..., 2:5, :, :], fmt))
        got = ops.image.pad_images(x, 1, 2, target_height=10, right_padding=1, data_format=fmt)
        widths = [(0, 0)] * (last.ndim - 3) + [(1, 2), (2, 1), (0, 0)]
        np.testing.assert_array_equal(got.numpy(), _from_last(np.pad(last, widths), fmt))
    check_op(lambda t: ops.image.pad_images(t, 1, 0, 2, 3, data_format=fmt),
             lambda t: np.pad(t, [(0, 0), (1, 2), (0, 3)] if fmt == "channels_first"
                              else [(1, 2), (0, 3), (0, 0)]), [(2, 3, 2)])


def test_crop_and_pad_images_symbolic_and_errors():
    assert ops.image.pad_images(keras.Input((5, 6, 3)), 1, 2, 3, 4).shape == (None, 9, 12, 3)
    assert ops.image.crop_images(keras.Input((5, 6, 3)), 1, 2, 1, 1).shape == (None, 3, 3, 3)
    # Unknown spatial dims: the targets alone give the output size.
    unknown = keras.Input((None, None, 3))
    assert ops.image.pad_images(unknown, 2, 3, target_height=20, target_width=30).shape == \
        (None, 20, 30, 3)
    assert ops.image.crop_images(unknown, bottom_cropping=1, right_cropping=2,
                                 target_height=200, target_width=300).shape == (None, 200, 300, 3)
    assert ops.image.pad_images(unknown, 1, 2, 3, 4).shape == (None, None, None, 3)
    x = np.zeros((5, 6, 3))
    with pytest.raises(ValueError, match="exactly two of top_padding, bottom_padding"):
        ops.image.pad_images(x, 1, 1, 1, 1, target_height=9)
    with pytest.raises(ValueError, match="exactly two of left_cropping, right_cropping"):
        ops.image.crop_images(x, 1, None, 1, None)
    with pytest.raises(ValueError, match="right_padding must be >= 0"):
        ops.image.pad_images(x, 0, 4, 0, target_width=8)
    with pytest.raises(ValueError, match="target_height must be >= 0"):
        ops.image.crop_images(x, 3, 0, 3, 0)
    with pytest.raises(ValueError, match="does not fit"):
        ops.image.crop_images(x, 2, 0, target_height=4, right_cropping=0)
    with pytest.raises(ValueError, match="rank 3 or 4"):
        ops.image.pad_images(np.zeros((2, 2)), 0, 0, 0, 0)


# ---- colour ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgb_to_grayscale(fmt):
    for shape in [(4, 5, 3), (2, 3, 4, 3)]:
        x = _from_last(RNG.uniform(0, 1, shape), fmt)
        got = ops.image.rgb_to_grayscale(x, data_format=fmt)
        gray = _to_last(x, fmt) @ np.array([0.2989, 0.5870, 0.1140])
        np.testing.assert_allclose(got.numpy(), _from_last(gray[..., None], fmt), rtol=1e-12)
    u8 = np.array([[[255, 255, 255], [10, 200, 30]]], "uint8")
    got = ops.image.rgb_to_grayscale(u8)
    assert got.dtype == "uint8"
    # Luma 254.9745 and 123.77: the cast back to uint8 truncates.
    assert got.numpy().ravel().tolist() == [254, 123]
    assert ops.image.rgb_to_grayscale(keras.Input((4, 4, 3))).shape == (None, 4, 4, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgb_hsv_round_trip_matches_colorsys(fmt):
    last = RNG.uniform(0, 1, (2, 4, 5, 3))
    last[0, 0, 0] = [0.3, 0.3, 0.3]  # gray: hue and saturation 0
    last[0, 0, 1] = [0.0, 0.0, 0.0]  # black
    last[0, 0, 2] = [0.9, 0.2, 0.9]  # red and blue tie for the maximum
    x = _from_last(last, fmt)
    hsv = ops.image.rgb_to_hsv(x, data_format=fmt)
    want = np.apply_along_axis(lambda p: colorsys.rgb_to_hsv(*p), -1, last)
    np.testing.assert_allclose(_to_last(hsv.numpy(), fmt), want, rtol=1e-12, atol=1e-12)
    back = ops.image.hsv_to_rgb(hsv, data_format=fmt)
    np.testing.assert_allclose(back.numpy(), x, rtol=1e-12, atol=1e-12)
    hsv_in = RNG.uniform(0, 1, (3, 4, 3))
    want = np.apply_along_axis(lambda p: colorsys.hsv_to_rgb(*p), -1, hsv_in)
    np.testing.assert_allclose(ops.image.hsv_to_rgb(hsv_in).numpy(), want, rtol=1e-12)
    check_op(ops.image.hsv_to_rgb,
             lambda t: np.apply_along_axis(lambda p: colorsys.hsv_to_rgb(*p), -1, t), [],
             arrays=[np.array([[[0.1, 0.5, 0.7], [0.45, 0.3, 0.9], [0.8, 0.6, 0.4]]])])
    check_op(ops.image.rgb_to_hsv,
             lambda t: np.apply_along_axis(lambda p: colorsys.rgb_to_hsv(*p), -1, t), [],
             arrays=[np.array([[[0.1, 0.5, 0.7], [0.45, 0.3, 0.9], [0.8, 0.6, 0.4]]])])


def test_hsv_errors():
    with pytest.raises(ValueError, match="expected float dtype"):
        ops.image.rgb_to_hsv(np.zeros((2, 2, 3), "uint8"))
    with pytest.raises(ValueError, match="Invalid images rank"):
        ops.image.hsv_to_rgb(np.zeros((2, 3)))


# ---- patches -----------------------------------------------------------------------------------


def patches_ref(x, size, strides, dilation, padding, fmt):
    n = len(size)
    single = x.ndim == n + 1
    x = np.asarray(x)[None] if single else np.asarray(x)
    if fmt == "channels_first":
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    reach = [(k - 1) * d + 1 for k, d in zip(size, dilation)]
    if padding == "same":
        out = [-(-i // s) for i, s in zip(spatial, strides)]
        total = [max((o - 1) * s + r - i, 0) for o, s, r, i in zip(out, strides, reach, spatial)]
        x = np.pad(x, [(0, 0)] + [(t // 2, t - t // 2) for t in total] + [(0, 0)])
    else:
        out = [(i - r) // s + 1 for i, r, s in zip(spatial, reach, strides)]
    result = np.zeros((x.shape[0], *out, math.prod(size) * x.shape[-1]), x.dtype)
    for pos in np.ndindex(*out):
        feats = []
        for offs in np.ndindex(*size):
            at = tuple(p * s + o * d for p, s, o, d in zip(pos, strides, offs, dilation))
            feats.append(x[(slice(None),) + at])  # (batch, channels)
        result[(slice(None),) + pos] = np.concatenate(feats, axis=-1)
    if fmt == "channels_first":
        result = np.moveaxis(result, -1, 1)
    return result[0] if single else result


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_extract_patches(fmt, padding):
    cases = [((2, 7, 8, 3), (2, 3), (2, 3), (1, 1)), ((6, 6, 2), (3, 3), (1, 1), (2, 1)),
             ((2, 5, 9, 1), (2, 2), (1, 3), (1, 1))]
    for shape, size, strides, dilation in cases:
        x = _from_last(RNG.uniform(-1, 1, shape), fmt)
        got = ops.image.extract_patches(x, size, strides, dilation, padding, data_format=fmt)
        want = patches_ref(x, size, strides, dilation, padding, fmt)
        np.testing.assert_array_equal(got.numpy(), want)
    x = _from_last(RNG.uniform(-1, 1, (2, 6, 6, 2)), fmt)
    got = ops.image.extract_patches(x, 3, padding=padding, data_format=fmt)
    np.testing.assert_array_equal(got.numpy(), patches_ref(x, (3, 3), (3, 3), (1, 1), padding,
                                                           fmt))
    vol = np.moveaxis(RNG.uniform(-1, 1, (2, 4, 5, 6, 2)), -1, 1) \
        if fmt == "channels_first" else RNG.uniform(-1, 1, (2, 4, 5, 6, 2))
    for fn in (ops.image.extract_patches, ops.image.extract_patches_3d):
        got = fn(vol, (2, 2, 3), (1, 2, 2), padding=padding, data_format=fmt)
        want = patches_ref(vol, (2, 2, 3), (1, 2, 2), (1, 1, 1), padding, fmt)
        np.testing.assert_array_equal(got.numpy(), want)
    check_op(lambda t: ops.image.extract_patches(t, 2, 1, padding=padding, data_format=fmt),
             lambda t: patches_ref(t, (2, 2), (1, 1), (1, 1), padding, fmt), [(2, 3, 3)])


def test_extract_patches_shapes_and_errors():
    assert ops.image.extract_patches(np.zeros((2, 20, 20, 3)), (5, 5)).shape == (2, 4, 4, 75)
    assert ops.image.extract_patches(np.zeros((20, 20, 3)), (3, 3), (1, 1)).shape == \
        (18, 18, 27)
    assert ops.image.extract_patches_3d(np.zeros((10, 10, 10, 3)), 3).shape == (3, 3, 3, 81)
    y = ops.image.extract_patches(keras.Input((None, 9, 2)), 3, padding="same")
    assert y.shape == (None, None, 3, 18)
    with pytest.raises(TypeError, match="Expected an int or a tuple"):
        ops.image.extract_patches(np.zeros((4, 4, 1)), "3")
    with pytest.raises(ValueError, match="tuple of length 2 or 3"):
        ops.image.extract_patches(np.zeros((4, 4, 1)), (1, 2, 3, 4))
    with pytest.raises(ValueError, match="padding"):
        ops.image.extract_patches(np.zeros((4, 4, 1)), 2, padding="full")


def test_image_namespace_is_separate_from_ops():
    assert not hasattr(ops, "resize") and not hasattr(ops, "affine_transform")
    assert keras.ops.image.resize is ops.image.resize


# ---- gaussian blur, perspective, elastic, scale_and_translate ----------------------------------


def _gauss_ref(size, sigma):
    t = np.arange(size) - (size - 1) / 2
    g = np.exp(-(t**2) / (2 * sigma**2))
    return g / g.sum()


def blur_ref(x, kernel_size, sigma, fmt="channels_last"):
    last = _to_last(np.asarray(x, np.float64), fmt)
    kw, kh = kernel_size
    k2 = np.outer(_gauss_ref(kh, sigma[1]), _gauss_ref(kw, sigma[0]))
    h, w = last.shape[-3], last.shape[-2]
    out = np.zeros_like(last)
    for r, c in np.ndindex(h, w):
        for a, b in np.ndindex(kh, kw):
            rr, cc = r + a - (kh - 1) // 2, c + b - (kw - 1) // 2
            if 0 <= rr < h and 0 <= cc < w:
                out[..., r, c, :] += k2[a, b] * last[..., rr, cc, :]
    return _from_last(out, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_gaussian_blur(fmt):
    for shape, ks, sigma in [((2, 6, 7, 3), (3, 3), (1.0, 1.0)), ((5, 8, 2), (5, 2), (1.5, 0.7)),
                             ((1, 4, 9, 1), (4, 7), (2.0, 3.0))]:
        x = _from_last(RNG.uniform(-1, 1, shape), fmt)
        got = ops.image.gaussian_blur(x, ks, sigma, data_format=fmt)
        np.testing.assert_allclose(got.numpy(), blur_ref(x, ks, sigma, fmt), rtol=1e-12,
                                   atol=1e-14)
    check_op(lambda t: ops.image.gaussian_blur(t, (3, 2), (0.8, 1.3)),
             lambda t: blur_ref(t, (3, 2), (0.8, 1.3)).astype(t.dtype), [(3, 4, 2)])
    x = RNG.uniform(-1, 1, (4, 5, 1))
    # sigma as a tensor gets a gradient too.
    check_op(lambda s: ops.image.gaussian_blur(ops.convert_to_tensor(x), (3, 3), s),
             lambda s: blur_ref(x, (3, 3), s), [], arrays=[np.array([0.9, 1.4])])
    assert ops.image.gaussian_blur(keras.Input((6, 7, 3))).shape == (None, 6, 7, 3)


def homography_ref(start, end):
    """h with start = H(end) at the four pairs, by the 8 linear equations of the definition."""
    rows, rhs = [], []
    for (sx, sy), (ex, ey) in zip(start, end):
        rows.append([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
        rhs.append(sx)
        rows.append([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
        rhs.append(sy)
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float))


def perspective_ref(images, start, end, interpolation="bilinear", cval=0.0,
                    fmt="channels_last"):
    single = images.ndim == 3
    x = _to_last(images[None] if single else images, fmt)
    start, end = np.reshape(start, (-1, 4, 2)), np.reshape(end, (-1, 4, 2))
    out = np.zeros(x.shape)
    order = {"nearest": 0, "bilinear": 1}[interpolation]
    for b in range(x.shape[0]):
        h = homography_ref(start[b % len(start)], end[b % len(end)])
        for r, c, ch in np.ndindex(*x.shape[1:]):
            k = h[6] * c + h[7] * r + 1
            point = ((h[3] * c + h[4] * r + h[5]) / k, (h[0] * c + h[1] * r + h[2]) / k)
            out[b, r, c, ch] = sample_ref(x[b, :, :, ch], point, order, "constant", cval)
    out = _from_last(out, fmt)
    return out[0] if single else out


CORNERS = np.array([[0, 0], [0, 6], [7, 0], [7, 6]], float)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_perspective_transform(fmt, interpolation):
    images = _from_last(RNG.uniform(-1, 1, (2, 6, 7, 2)), fmt)
    end = np.stack([CORNERS + [[0.5, 0.2], [0.1, -0.3], [-0.4, 0.6], [0.8, 0.9]],
                    CORNERS * 0.8 + 0.63])  # no sample lands on a rounding tie
    start = np.stack([CORNERS, CORNERS])
    got = ops.image.perspective_transform(images, start, end, interpolation, fill_value=0.3,
                                          data_format=fmt)
    want = perspective_ref(images, start, end, interpolation, 0.3, fmt)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-9, atol=1e-10)
    same = ops.image.perspective_transform(images[0], CORNERS, CORNERS, interpolation,
                                           data_format=fmt)
    np.testing.assert_allclose(same.numpy(), images[0], atol=1e-12)
    # Corners moved one pixel right: the image moves right and the first column is filled.
    moved = ops.image.perspective_transform(images[0], CORNERS, CORNERS + [1, 0],
                                            interpolation, fill_value=9.0, data_format=fmt)
    last, moved = _to_last(images[0], fmt), _to_last(moved.numpy(), fmt)
    np.testing.assert_allclose(moved[:, 1:], last[:, :-1], atol=1e-12)
    np.testing.assert_allclose(moved[:, 0], 9.0)


def test_perspective_transform_gradients_and_errors():
    end = CORNERS * 0.7 + [0.43, 0.31]
    # float32 sampling coordinates come from a projective division; bilinear weights turn
    # their rounding (~1e-7 px) into ~1e-6 of values that differ by up to 4 between pixels.
    check_op(lambda t: ops.image.perspective_transform(t, CORNERS, end),
             lambda t: perspective_ref(t, CORNERS, end).astype(t.dtype), [(7, 8, 1)],
             atol=1e-5)
    x = np.zeros((6, 7, 3))
    with pytest.raises(ValueError, match="Invalid start_points shape"):
        ops.image.perspective_transform(x, np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="must have the same shape"):
        ops.image.perspective_transform(x, np.zeros((1, 4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.perspective_transform(x, CORNERS, CORNERS, "bicubic")
    y = ops.image.perspective_transform(keras.Input((6, 7, 3)), CORNERS, CORNERS)
    assert y.shape == (None, 6, 7, 3)


def test_elastic_transform():
    x = RNG.uniform(0, 1, (2, 7, 8, 3))
    ident = ops.image.elastic_transform(x, alpha=0.0, seed=4)
    np.testing.assert_allclose(ident.numpy(), x, atol=1e-12)
    a = ops.image.elastic_transform(x, alpha=3.0, sigma=1.0, seed=4).numpy()
    np.testing.assert_array_equal(a, ops.image.elastic_transform(x, 3.0, 1.0, seed=4).numpy())
    assert not np.allclose(a, x)
    assert not np.allclose(a, ops.image.elastic_transform(x, 3.0, 1.0, seed=5).numpy())
    # Reflect-filled bilinear samples are convex combinations of input pixels.
    assert a.min() >= x.min() - 1e-12 and a.max() <= x.max() + 1e-12
    # For a fixed seed the warp is linear in the image.
    y = RNG.uniform(0, 1, x.shape)
    both = ops.image.elastic_transform(2 * x - y, 3.0, 1.0, seed=4).numpy()
    b = ops.image.elastic_transform(y, 3.0, 1.0, seed=4).numpy()
    np.testing.assert_allclose(both, 2 * a - b, atol=1e-12)
    # Nearest sampling only moves pixels, and every channel moves alike.
    near = ops.image.elastic_transform(x, 3.0, 1.0, "nearest", seed=4).numpy()
    assert set(np.round(near[0, ..., 0].ravel(), 12)) <= set(np.round(x[0, ..., 0].ravel(), 12))
    cf = ops.image.elastic_transform(np.moveaxis(x, -1, 1), 3.0, 1.0, seed=4,
                                     data_format="channels_first").numpy()
    np.testing.assert_allclose(np.moveaxis(cf, 1, -1), a, atol=1e-12)
    assert ops.image.elastic_transform(x[0], seed=1).shape == (7, 8, 3)
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.elastic_transform(x, fill_mode="edge")


def scale_translate_ref(x, out_shape, scale, translation, dims, method, antialias):
    method = {"linear": "bilinear", "cubic": "bicubic"}.get(method, method)
    y = np.asarray(x, np.float64)
    for d, s, t in zip(dims, scale, translation):
        y = np.moveaxis(y, d, 0)
        n, out = y.shape[0], out_shape[d]
        res = np.zeros((out,) + y.shape[1:])
        for i in range(out):
            centre = (i + 0.5 - t) / s - 0.5
            if not -0.5 <= centre <= n - 0.5:
                continue
            stretch = max(1 / s, 1.0) if antialias else 1.0
            w = np.array([_kernel(method, (centre - j) / stretch) for j in range(n)])
            if abs(w.sum()) > 1000 * np.finfo(np.float32).eps:
                res[i] = np.tensordot(w / w.sum(), y, axes=(0, 0))
        y = np.moveaxis(res, 0, d)
    return y


@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [False, True])
def test_scale_and_translate(method, antialias):
    for shape, out, sc, tr, dims in [((5, 6, 2), (9, 4, 2), [1.7, 0.6], [0.3, -1.2], (0, 1)),
                                     ((2, 7, 3), (2, 7, 8), [1.0, 2.5], [2.0, 0.0], (1, 2))]:
        x = RNG.uniform(-1, 1, shape)
        got = ops.image.scale_and_translate(x, out, sc, tr, dims, method, antialias)
        want = scale_translate_ref(x, out, sc, tr, dims, method, antialias)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)
    # With scale out/in and no translation it is resize (as in JAX).
    x = RNG.uniform(-1, 1, (6, 9, 2))
    got = ops.image.scale_and_translate(x, (4, 13, 2), [4 / 6, 13 / 9], [0.0, 0.0], (0, 1),
                                        method, antialias)
    name = {"linear": "bilinear", "cubic": "bicubic"}.get(method, method)
    np.testing.assert_allclose(got.numpy(), ops.image.resize(x, (4, 13), name,
                                                             antialias=antialias).numpy(),
                               rtol=1e-10, atol=1e-12)


def test_scale_and_translate_gradients_and_errors():
    x = RNG.uniform(-1, 1, (4, 5, 1))
    check_op(lambda t: ops.image.scale_and_translate(t, (6, 3, 1), [1.3, 0.7], [0.2, 0.1],
                                                     (0, 1), "cubic"),
             lambda t: scale_translate_ref(t, (6, 3, 1), [1.3, 0.7], [0.2, 0.1], (0, 1),
                                           "cubic", True).astype(t.dtype), [(4, 5, 1)])
    check_op(lambda s, t: ops.image.scale_and_translate(ops.convert_to_tensor(x), (6, 3, 1), s,
                                                        t, (0, 1), "linear"),
             lambda s, t: scale_translate_ref(x, (6, 3, 1), s, t, (0, 1), "linear", True),
             [], arrays=[np.array([1.31, 0.73]), np.array([0.21, 0.13])])
    with pytest.raises(ValueError, match="Nearest neighbor"):
        ops.image.scale_and_translate(x, (4, 5, 1), [1, 1], [0, 0], (0, 1), "nearest")
    with pytest.raises(ValueError, match="same length as scale"):
        ops.image.scale_and_translate(x, (4, 5, 1), [1], [0, 0], (0, 1), "linear")
    with pytest.raises(ValueError, match="cannot change"):
        ops.image.scale_and_translate(x, (4, 5, 2), [1, 1], [0, 0], (0, 1), "linear")


def test_image_ops_build_functional_models():
    inp = keras.Input((6, 8, 3))
    resized = ops.image.resize(inp, (3, 4), antialias=True)
    out = ops.image.affine_transform(ops.image.rgb_to_grayscale(resized),
                                     [1.0, 0.0, 0.5, 0.0, 1.0, -0.5, 0.0, 0.0])
    model = keras.Model(inp, out)
    x = RNG.uniform(0, 1, (2, 6, 8, 3)).astype("float32")
    want = ops.image.affine_transform(
        ops.image.rgb_to_grayscale(ops.image.resize(x, (3, 4), antialias=True)),
        [1.0, 0.0, 0.5, 0.0, 1.0, -0.5, 0.0, 0.0])
    np.testing.assert_allclose(model.predict(x, verbose=0), want.numpy(), rtol=1e-6, atol=1e-7)
