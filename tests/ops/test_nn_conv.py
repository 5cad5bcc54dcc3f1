"""ops.conv / depthwise_conv / separable_conv / conv_transpose / max_pool / average_pool against
NumPy references written from the definitions (sliding windows, scatter-add), and float64
central differences."""

import numpy as np
import pytest
from conv_reference import np_conv, np_conv_transpose, np_pool
from helpers import check_op, random_array

from keras_like import ops


def _cf(x):
    return np.moveaxis(x, -1, 1)


def _cl(x):
    return np.moveaxis(x, 1, -1)


# --- conv --------------------------------------------------------------------------------------

CONV_CASES = [
    # (input shape, kernel shape, strides, padding, dilation)
    ((2, 9, 3), (3, 3, 4), 1, "valid", 1),
    ((2, 9, 3), (4, 3, 2), 2, "same", 1),
    ((1, 10, 2), (3, 2, 3), 1, "same", 3),
    ((2, 7, 6, 3), (3, 3, 3, 4), 1, "valid", 1),
    ((2, 7, 6, 3), (3, 3, 3, 4), 1, "same", 1),
    ((2, 8, 9, 3), (3, 2, 3, 5), (2, 3), "same", 1),
    ((1, 8, 9, 2), (2, 4, 2, 2), (3, 2), "valid", 1),
    ((1, 9, 9, 2), (3, 3, 2, 3), 1, "same", (2, 3)),
    ((1, 9, 9, 2), (2, 3, 2, 3), 1, "valid", 2),
    ((2, 7, 6, 6), (3, 3, 2, 6), 1, "same", 1),  # 3 groups
    ((1, 6, 6, 4), (1, 1, 1, 8), 2, "valid", 1),  # 4 groups, 1x1
    ((1, 5, 6, 4, 2), (2, 3, 2, 2, 3), (1, 2, 1), "same", 1),
    ((1, 6, 5, 5, 2), (3, 2, 2, 1, 4), 1, "valid", (1, 2, 1)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("xs,ks,strides,padding,dilation", CONV_CASES)
def test_conv_forward_matches_sliding_window_einsum(xs, ks, strides, padding, dilation,
                                                     data_format):
    n = len(xs) - 2
    x, k = random_array(xs, "float64"), random_array(ks, "float64")
    st = (strides,) * n if isinstance(strides, int) else strides
    di = (dilation,) * n if isinstance(dilation, int) else dilation
    expected = np_conv(x, k, st, padding, di, xs[-1] // ks[-2])
    given = x if data_format == "channels_last" else _cf(x)
    got = ops.conv(given, k, strides, padding, data_format, dilation).numpy()
    if data_format == "channels_first":
        got = _cl(got)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_conv_float32_dtype_and_default_format():
    x, k = random_array((2, 6, 6, 3)), random_array((3, 3, 3, 2))
    y = ops.conv(x, k, padding="SAME")
    assert y.dtype == "float32" and tuple(y.shape) == (2, 6, 6, 2)
    np.testing.assert_allclose(y.numpy(), np_conv(x, k, (1, 1), "same", (1, 1), 1), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("xs,ks,kwargs", [
    ((1, 5, 5, 2), (3, 3, 2, 2), dict(padding="same")),
    ((1, 6, 5, 2), (2, 3, 2, 3), dict(strides=2, padding="valid")),
    ((1, 6, 6, 4), (3, 2, 2, 4), dict(padding="same", dilation_rate=2)),
    ((1, 7, 3), (3, 3, 2), dict(strides=2, padding="same")),
    ((1, 3, 4, 3, 1), (2, 2, 2, 1, 2), dict(padding="same")),
])
def test_conv_gradients(xs, ks, kwargs):
    check_op(lambda x, k: ops.conv(x, k, **kwargs),
             lambda x, k: np_conv(x, k, _expand(kwargs.get("strides", 1), len(xs) - 2),
                                  kwargs["padding"],
                                  _expand(kwargs.get("dilation_rate", 1), len(xs) - 2),
                                  xs[-1] // ks[-2]).astype(x.dtype),
             [xs, ks], rtol=1e-5, atol=1e-5)


def _expand(v, n):
    return (v,) * n if isinstance(v, int) else v


def test_conv_channels_first_gradients():
    check_op(lambda x, k: ops.conv(x, k, 2, "same", "channels_first"),
             lambda x, k: _cf(np_conv(_cl(x), k, (2, 2), "same", (1, 1), 1)),
             [(1, 2, 5, 5), (3, 3, 2, 2)], rtol=1e-5, atol=1e-5)


def test_conv_kernel_one_larger_than_input_is_empty_and_larger_still_raises():
    x = random_array((2, 4, 4, 1))
    assert tuple(ops.conv(x, random_array((5, 5, 1, 3))).shape) == (2, 0, 0, 3)
    with pytest.raises(ValueError, match="`conv`: computed output size would be negative"):
        ops.conv(x, random_array((6, 3, 1, 3)))
    assert tuple(ops.conv(x, random_array((6, 3, 1, 3)), padding="same").shape) == (2, 4, 4, 3)


@pytest.mark.parametrize("kwargs,kernel,match", [
    (dict(), (3, 3, 2, 4), "evenly divisible by kernel's in_channels"),
    (dict(), (3, 3, 1, 4), "must be divisible by the number of groups"),
    (dict(strides=0), (3, 3, 3, 3), "`strides` must be >= 1"),
    (dict(strides=-1), (3, 3, 3, 3), "`strides` must be >= 1"),
    (dict(strides=(1, 1, 1)), (3, 3, 3, 3), "`strides` must be an int or a tuple of 2"),
    (dict(dilation_rate=0), (3, 3, 3, 3), "dilation_rate"),
    (dict(padding="causal"), (3, 3, 3, 3), "`padding` must be 'valid' or 'same'"),
    (dict(data_format="nhwc"), (3, 3, 3, 3), "data_format"),
    (dict(), (3, 3, 3), "`kernel` must have rank 4"),
])
def test_conv_bad_arguments_name_the_op(kwargs, kernel, match):
    # 3 input channels; kernel in_channels 2 does not divide them; 1 gives 3 groups of 4/3.
    with pytest.raises(ValueError, match=match) as info:
        ops.conv(random_array((1, 6, 6, 3)), random_array(kernel), **kwargs)
    assert "`conv`" in str(info.value)


def test_conv_wrong_input_rank():
    with pytest.raises(ValueError, match="`conv`: `inputs` must have rank 3, 4 or 5"):
        ops.conv(random_array((6, 6)), random_array((3, 3)))


# --- depthwise / separable ---------------------------------------------------------------------


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("xs,ks,strides,padding,dilation", [
    ((2, 7, 6, 3), (3, 3, 3, 2), 1, "same", 1),
    ((1, 8, 8, 2), (3, 2, 2, 1), 2, "valid", 1),
    ((1, 8, 8, 2), (3, 3, 2, 3), 1, "valid", 2),
    ((2, 9, 4), (3, 4, 2), 2, "same", 1),
])
def test_depthwise_conv_forward(xs, ks, strides, padding, dilation, data_format):
    n = len(xs) - 2
    x, k = random_array(xs, "float64"), random_array(ks, "float64")
    # Channel c with filter m -> output channel c * multiplier + m.
    expected = np.concatenate(
        [np_conv(x[..., c:c + 1], k[..., c:c + 1, :], _expand(strides, n), padding,
                 _expand(dilation, n), 1) for c in range(xs[-1])], -1)
    given = x if data_format == "channels_last" else _cf(x)
    got = ops.depthwise_conv(given, k, strides, padding, data_format, dilation).numpy()
    got = got if data_format == "channels_last" else _cl(got)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_depthwise_conv_gradients_and_errors():
    check_op(lambda x, k: ops.depthwise_conv(x, k, padding="same"),
             lambda x, k: np.concatenate([np_conv(x[..., c:c + 1], k[..., c:c + 1, :], (1, 1),
                                                  "same", (1, 1), 1) for c in range(2)], -1),
             [(1, 4, 5, 2), (3, 3, 2, 2)], rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="`depthwise_conv`: kernel.shape"):
        ops.depthwise_conv(random_array((1, 5, 5, 3)), random_array((3, 3, 2, 1)))


def test_separable_conv_is_depthwise_then_pointwise():
    x = random_array((2, 7, 7, 3), "float64")
    dk, pk = random_array((3, 3, 3, 2), "float64"), random_array((1, 1, 6, 4), "float64")
    depth = np.concatenate([np_conv(x[..., c:c + 1], dk[..., c:c + 1, :], (2, 2), "same",
                                    (1, 1), 1) for c in range(3)], -1)
    expected = np.einsum("nhwc,cf->nhwf", depth, pk[0, 0])
    got = ops.separable_conv(x, dk, pk, 2, "same").numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    check_op(lambda x, d, p: ops.separable_conv(x, d, p, padding="same"),
             lambda x, d, p: np.einsum("nhwc,cf->nhwf", np.concatenate(
                 [np_conv(x[..., c:c + 1], d[..., c:c + 1, :], (1, 1), "same", (1, 1), 1)
                  for c in range(2)], -1), p[0, 0]),
             [(1, 4, 4, 2), (2, 2, 2, 1), (1, 1, 2, 3)], rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="`separable_conv`: `pointwise_kernel`"):
        ops.separable_conv(x, dk, random_array((3, 3, 6, 4)))


# --- conv_transpose ----------------------------------------------------------------------------

TRANSPOSE_CASES = [
    # (input shape, kernel shape (spatial, filters, in), strides, padding, output_padding, dil)
    ((2, 5, 3), (3, 4, 3), 2, "same", None, 1),
    ((2, 5, 3), (3, 4, 3), 2, "valid", None, 1),
    ((1, 4, 2), (2, 3, 2), 3, "valid", None, 1),
    ((1, 4, 2), (4, 3, 2), 2, "same", 1, 1),
    ((2, 4, 5, 3), (3, 3, 2, 3), 2, "same", None, 1),
    ((2, 4, 5, 3), (3, 3, 2, 3), (2, 1), "valid", None, 1),
    ((1, 3, 4, 2), (2, 3, 2, 2), (3, 2), "same", (2, 1), 1),
    ((1, 3, 4, 2), (3, 2, 3, 2), (2, 2), "valid", (1, 0), 1),
    ((1, 4, 4, 2), (3, 3, 2, 2), 1, "same", None, 2),
    ((1, 4, 4, 2), (2, 2, 2, 2), 1, "valid", None, (2, 1)),
    ((1, 3, 2, 3, 2), (2, 3, 2, 3, 2), (2, 1, 2), "same", None, 1),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("xs,ks,strides,padding,output_padding,dilation", TRANSPOSE_CASES)
def test_conv_transpose_forward_matches_scatter_add(xs, ks, strides, padding, output_padding,
                                                    dilation, data_format):
    n = len(xs) - 2
    x, k = random_array(xs, "float64"), random_array(ks, "float64")
    expected = np_conv_transpose(x, k, _expand(strides, n), padding,
                                 None if output_padding is None else _expand(output_padding, n),
                                 _expand(dilation, n))
    given = x if data_format == "channels_last" else _cf(x)
    got = ops.conv_transpose(given, k, strides, padding, output_padding, data_format,
                             dilation).numpy()
    got = got if data_format == "channels_last" else _cl(got)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("size,kernel,strides,padding", [
    (6, 3, 2, "same"), (7, 3, 2, "valid"), (8, 4, 2, "same"), (9, 3, 3, "valid"), (5, 2, 1, "same"),
])
def test_conv_transpose_is_the_adjoint_of_conv(size, kernel, strides, padding):
    # TF/Keras define the transposed convolution as the gradient of conv with respect to its
    # input: <conv(x, k), y> == <x, conv_transpose(y, k)> when the shapes round-trip.
    x = random_array((2, size, size, 3), "float64")
    k = random_array((kernel, kernel, 3, 4), "float64")
    y_shape = ops.conv(x, k, strides, padding).shape
    y = random_array(tuple(y_shape), "float64")
    back = ops.conv_transpose(y, k, strides, padding)
    assert tuple(back.shape) == x.shape
    lhs = np.sum(ops.conv(x, k, strides, padding).numpy() * y)
    np.testing.assert_allclose(lhs, np.sum(x * back.numpy()), rtol=1e-10)


def test_conv_transpose_gradients_and_errors():
    check_op(lambda x, k: ops.conv_transpose(x, k, 2, "same"),
             lambda x, k: np_conv_transpose(x, k, (2, 2), "same", None, (1, 1)),
             [(1, 3, 2, 2), (3, 3, 2, 2)], rtol=1e-5, atol=1e-5, expected_dtype="float32")
    with pytest.raises(ValueError, match="`conv_transpose`: kernel.shape\\[-1\\]"):
        ops.conv_transpose(random_array((1, 4, 4, 3)), random_array((3, 3, 3, 2)))
    with pytest.raises(ValueError, match="`conv_transpose`: every entry of `output_padding`"):
        ops.conv_transpose(random_array((1, 4, 4, 3)), random_array((3, 3, 2, 3)),
                           output_padding=-1)


# --- pooling -----------------------------------------------------------------------------------

POOL_CASES = [
    ((2, 9, 3), 2, None, "valid"),
    ((2, 9, 3), 3, 2, "same"),
    ((1, 10, 2), 4, 1, "same"),
    ((2, 7, 6, 3), 2, None, "valid"),
    ((2, 7, 6, 3), 2, None, "same"),
    ((2, 7, 6, 3), (3, 2), (2, 1), "same"),
    ((1, 8, 9, 2), (3, 3), (1, 1), "same"),
    ((1, 8, 9, 2), (2, 4), (3, 2), "valid"),
    ((1, 5, 6, 4, 2), 2, None, "same"),
    ((1, 5, 6, 4, 2), (3, 2, 2), (1, 2, 1), "valid"),
]


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("xs,pool,strides,padding", POOL_CASES)
def test_pool_forward(xs, pool, strides, padding, data_format, kind):
    n = len(xs) - 2
    x = random_array(xs, "float64")
    expected = np_pool(x, _expand(pool, n), _expand(pool if strides is None else strides, n),
                       padding, kind)
    fn = ops.max_pool if kind == "max" else ops.average_pool
    given = x if data_format == "channels_last" else _cf(x)
    got = fn(given, pool, strides, padding, data_format).numpy()
    got = got if data_format == "channels_last" else _cl(got)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("xs,pool,strides,padding", [
    ((1, 5, 5, 2), 2, None, "same"), ((1, 6, 5, 2), 3, 2, "valid"), ((1, 7, 2), 3, 1, "same"),
])
def test_pool_gradients(xs, pool, strides, padding, kind):
    n = len(xs) - 2
    fn = ops.max_pool if kind == "max" else ops.average_pool
    check_op(lambda x: fn(x, pool, strides, padding),
             lambda x: np_pool(x, _expand(pool, n),
                               _expand(pool if strides is None else strides, n), padding,
                               kind).astype(x.dtype),
             [xs], rtol=1e-5, atol=1e-5)


def test_max_pool_integer_inputs_keep_dtype_and_ignore_padding():
    x = -np.arange(1, 26, dtype="int32").reshape(1, 5, 5, 1)
    y = ops.max_pool(x, 2, padding="same")
    assert y.dtype == "int32"
    np.testing.assert_array_equal(y.numpy(), np_pool(x, (2, 2), (2, 2), "same", "max"))


def test_average_pool_counts_only_real_elements_with_same_padding():
    y = ops.average_pool(np.ones((1, 3, 3, 1), "float32"), 2, padding="same").numpy()
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 1), "float32"))


@pytest.mark.parametrize("fn,name", [(ops.max_pool, "max_pool"),
                                     (ops.average_pool, "average_pool")])
def test_pool_bad_arguments(fn, name):
    x = random_array((1, 6, 6, 2))
    for kwargs, match in [(dict(pool_size=0), "pool_size"), (dict(pool_size=2, strides=0),
                                                            "strides"),
                          (dict(pool_size=(2, 2, 2)), "pool_size"),
                          (dict(pool_size=2, padding="full"), "padding")]:
        with pytest.raises(ValueError, match=f"`{name}`.*{match}"):
            fn(x, **kwargs)
    with pytest.raises(ValueError, match=f"`{name}`: computed output size would be negative"):
        fn(x, 8)


def test_symbolic_inputs_give_shapes():
    from keras_like import layers

    x = layers.Input((8, 8, 3))
    assert tuple(ops.conv(x, np.ones((3, 3, 3, 4), "float32"), 2, "same").shape) == \
        (None, 4, 4, 4)
    assert tuple(ops.max_pool(x, 3, 2).shape) == (None, 3, 3, 3)
    assert tuple(ops.conv_transpose(x, np.ones((3, 3, 5, 3), "float32"), 2).shape) == \
        (None, 17, 17, 5)


def test_exports():
    for name in ("conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool",
                 "average_pool"):
        assert getattr(ops, name) is getattr(ops.nn, name)
    assert ops.nn.__all__.count("conv") == 1


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    # XLA's select-and-scatter (Keras on JAX) routes each window's gradient to its first
    # maximal element; all-zero windows after a ReLU are the common case.
    import keras_like as keras

    x = ops.convert_to_tensor(np.zeros((1, 4, 4, 1), "float32"))
    with keras.GradientTape() as tape:
        tape.watch(x)
        loss = ops.sum(ops.max_pool(x, 2))
    expected = np.zeros((4, 4), "float32")
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy()[0, ..., 0], expected)


@pytest.mark.parametrize("fn,kernel_shape", [
    (lambda x, k: ops.conv(x, k), (3, 3, 1, 4)),  # 4 groups, one filter each
    (lambda x, k: ops.depthwise_conv(x, k), (3, 3, 4, 1)),
    (lambda x, k: ops.conv_transpose(x, k, 2), (3, 3, 2, 4)),
])
def test_kernel_gradients_are_contiguous(fn, kernel_shape):
    # The fused optimizer updates refuse strided gradients.
    import keras_like as keras

    x = ops.convert_to_tensor(random_array((2, 5, 5, 4)))
    k = ops.convert_to_tensor(random_array(kernel_shape))
    with keras.GradientTape() as tape:
        tape.watch(k)
        loss = ops.sum(ops.square(fn(x, k)))
    assert tape.gradient(loss, k).is_contiguous
