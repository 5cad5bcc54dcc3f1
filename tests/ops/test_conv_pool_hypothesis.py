"""Property tests (hypothesis) for `ops.conv`, `ops.depthwise_conv`, `ops.conv_transpose`,
`ops.max_pool` and `ops.average_pool`.

Every property draws small random cases (1 to 3 spatial dims, both data formats, "valid" and
"same" padding, strides 1..3, dilation 1..2, grouped convolutions, float32 / float64) and
compares keras_like against NumPy references written from the definitions, never against
keras_like itself:

* the float64 sliding-window + einsum / max / nanmean references of `tests/conv_reference.py`
  (`np_conv`, `np_pool`) and its scatter-add transposed convolution (`np_conv_transpose`);
* depthwise convolution as one ungrouped reference convolution per input channel;
* conv_transpose also as the adjoint of the reference convolution: <conv_transpose(y), x>
  equals <y, conv(x)> whenever the convolution maps the output size back to the input size;
* `ops.conv` gradients (input and kernel, float64, `GradientTape`) against central finite
  differences of the reference.

Both routes of `ops.conv` are exercised and checked by dispatch count: the direct native
`conv2d` kernel (2-D, groups 1, stride 1, dilation 1, filters % 16 == 0) and im2col + GEMM.
"""

import numpy as np
import pytest
from conv_reference import np_conv, np_conv_transpose, np_pool
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None)
SMALL_PROPERTY = settings(PROPERTY, max_examples=60)

FORMATS = ["channels_last", "channels_first"]
PADDINGS = ["valid", "same"]
FLOATS = ["float32", "float64"]


@pytest.fixture(autouse=True, scope="module")
def one_engine_thread():
    # The shapes are tiny; one thread keeps this file light on a shared machine.
    before = E.num_threads()
    keras.config.set_num_threads(1)
    yield
    keras.config.set_num_threads(before)


# --- helpers --------------------------------------------------------------------------------------


def per_axis(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def effective_window(kernel_size, dilation):
    return tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))


def to_format(x, data_format):
    """A channels-last array in `data_format`."""
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def from_format(x, data_format):
    """A `data_format` array as channels last."""
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def random_values(seed, shape, dtype):
    rng = np.random.default_rng(seed)
    if dtype == "int32":
        return rng.integers(-50, 50, size=shape).astype(np.int32)
    return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)


def assert_close(got, expected, dtype, reduction_size):
    """float64: tight. float32: 1e-4 relative, and an absolute floor that grows with the
    square root of the number of summed products (operands are in [-1, 1])."""
    assert got.shape == expected.shape
    if dtype == "float64":
        rtol, atol = 1e-10, 1e-12 * np.sqrt(reduction_size)
    else:
        rtol, atol = 1e-4, 1e-5 * np.sqrt(reduction_size)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def direct_conv2d_expected(n, groups, strides, dilation, filters):
    """The documented routing rule of `ops.conv` for these (small) shapes."""
    return (n == 2 and groups == 1 and strides == (1, 1) and dilation == (1, 1)
            and filters % 16 == 0)


def run_counting_conv2d(fn):
    before = E.dispatch_count("conv2d")
    result = fn()
    return result, E.dispatch_count("conv2d") - before


def axis_param(low, high, n):
    """An int, or a tuple of one int per spatial axis (the ops take both)."""
    return st.one_of(st.integers(low, high), st.tuples(*[st.integers(low, high)] * n))


# --- strategies -----------------------------------------------------------------------------------


@st.composite
def spatial_sizes(draw, windows, padding, low=1, high=7):
    """One size per axis; with "valid" padding at least the (effective) window."""
    return tuple(draw(st.integers(w if padding == "valid" else low, max(high, w)))
                 for w in windows)


@st.composite
def conv_cases(draw, ranks=(1, 2, 3), groups_choices=(1, 1, 2, 3), max_size=7, max_kernel=3,
               max_stride=3, max_dilation=2, filter_multiples=(1, 2, 3), wide_filters=(16, 32),
               dtypes=FLOATS, max_channels_per_group=4):
    n = draw(st.sampled_from(ranks))
    groups = draw(st.sampled_from(groups_choices))
    channels_per_group = draw(st.integers(1, max_channels_per_group))
    filter_choices = sorted({groups * m for m in filter_multiples}
                            | {f for f in wide_filters if f % groups == 0})
    filters = draw(st.sampled_from(filter_choices))
    kernel_size = draw(st.tuples(*[st.integers(1, max_kernel)] * n))
    strides = draw(axis_param(1, max_stride, n))
    dilation = draw(axis_param(1, max_dilation, n))
    padding = draw(st.sampled_from(PADDINGS))
    windows = effective_window(kernel_size, per_axis(dilation, n))
    sizes = draw(spatial_sizes(windows, padding, high=max_size))
    return dict(batch=draw(st.integers(1, 2)), sizes=sizes, groups=groups,
                channels=groups * channels_per_group, kernel_size=kernel_size, filters=filters,
                strides=strides, dilation=dilation, padding=padding,
                data_format=draw(st.sampled_from(FORMATS)), dtype=draw(st.sampled_from(dtypes)),
                seed=draw(st.integers(0, 2**32 - 1)))


# 2-D, groups 1, stride 1, dilation 1 (as an int or a tuple), filters % 16 == 0.
direct_conv_cases = conv_cases(ranks=(2,), groups_choices=(1,), max_stride=1, max_dilation=1,
                               filter_multiples=(), wide_filters=(16, 32, 48))


def conv_arrays(case):
    """(input as channels last, kernel) for a conv case, in the case's dtype."""
    x_shape = (case["batch"], *case["sizes"], case["channels"])
    k_shape = (*case["kernel_size"], case["channels"] // case["groups"], case["filters"])
    return (random_values(case["seed"], x_shape, case["dtype"]),
            random_values(case["seed"] + 1, k_shape, case["dtype"]))


def reference_conv(x, kernel, case):
    n = x.ndim - 2
    return np_conv(x.astype(np.float64), kernel.astype(np.float64), per_axis(case["strides"], n),
                   case["padding"], per_axis(case["dilation"], n), case["groups"])


def check_conv_case(case):
    x, kernel = conv_arrays(case)
    n, fmt = x.ndim - 2, case["data_format"]
    got, conv2d_calls = run_counting_conv2d(lambda: ops.conv(
        to_format(x, fmt), kernel, case["strides"], case["padding"], fmt,
        case["dilation"]).numpy())
    assert str(got.dtype) == case["dtype"]
    assert_close(from_format(got, fmt), reference_conv(x, kernel, case), case["dtype"],
                 np.prod(kernel.shape[:-1]))
    direct = direct_conv2d_expected(n, case["groups"], per_axis(case["strides"], n),
                                    per_axis(case["dilation"], n), case["filters"])
    event("direct conv2d" if direct else "im2col + GEMM")
    assert conv2d_calls == (1 if direct else 0)


# --- conv -----------------------------------------------------------------------------------------


DIRECT_CONV_CASE = dict(batch=2, sizes=(5, 4), groups=1, channels=3, kernel_size=(3, 2),
                        filters=16, strides=1, dilation=1, padding="same",
                        data_format="channels_first", dtype="float32", seed=11)


@PROPERTY
@given(case=conv_cases())
@example(case=DIRECT_CONV_CASE)
@example(case={**DIRECT_CONV_CASE, "filters": 15})  # the same shapes through im2col
@example(case={**DIRECT_CONV_CASE, "groups": 3, "channels": 6, "filters": 6, "strides": (2, 1),
               "dilation": (2, 2), "padding": "valid"})  # grouped, strided and dilated at once
def test_conv_matches_sliding_window_reference(case):
    check_conv_case(case)


@SMALL_PROPERTY
@given(case=direct_conv_cases)
def test_conv_direct_conv2d_path_matches_sliding_window_reference(case):
    check_conv_case(case)


# --- depthwise_conv -------------------------------------------------------------------------------


@st.composite
def depthwise_cases(draw):
    n = draw(st.integers(1, 3))
    kernel_size = draw(st.tuples(*[st.integers(1, 3)] * n))
    strides = draw(axis_param(1, 3, n))
    dilation = draw(axis_param(1, 2, n))
    padding = draw(st.sampled_from(PADDINGS))
    sizes = draw(spatial_sizes(effective_window(kernel_size, per_axis(dilation, n)), padding))
    return dict(batch=draw(st.integers(1, 2)), sizes=sizes,
                channels=draw(st.integers(1, 4)), multiplier=draw(st.sampled_from([1, 2, 3, 16])),
                kernel_size=kernel_size, strides=strides, dilation=dilation, padding=padding,
                data_format=draw(st.sampled_from(FORMATS)), dtype=draw(st.sampled_from(FLOATS)),
                seed=draw(st.integers(0, 2**32 - 1)))


def reference_depthwise_conv(x, kernel, strides, padding, dilation):
    """Output channel c * multiplier + m: input channel c alone convolved with filter m."""
    return np.concatenate(
        [np_conv(x[..., c:c + 1].astype(np.float64), kernel[..., c:c + 1, :].astype(np.float64),
                 strides, padding, dilation, 1)
         for c in range(x.shape[-1])], axis=-1)


@PROPERTY
@given(case=depthwise_cases())
@example(case=dict(batch=1, sizes=(5, 4), channels=1, multiplier=16, kernel_size=(3, 2),
                   strides=1, dilation=1, padding="same", data_format="channels_last",
                   dtype="float32", seed=0))  # one channel, 16 filters: the direct conv2d path
def test_depthwise_conv_matches_per_channel_reference(case):
    n, fmt = len(case["sizes"]), case["data_format"]
    x = random_values(case["seed"], (case["batch"], *case["sizes"], case["channels"]),
                      case["dtype"])
    kernel = random_values(case["seed"] + 1,
                           (*case["kernel_size"], case["channels"], case["multiplier"]),
                           case["dtype"])
    got = ops.depthwise_conv(to_format(x, fmt), kernel, case["strides"], case["padding"], fmt,
                             case["dilation"]).numpy()
    expected = reference_depthwise_conv(x, kernel, per_axis(case["strides"], n), case["padding"],
                                        per_axis(case["dilation"], n))
    assert str(got.dtype) == case["dtype"]
    assert_close(from_format(got, fmt), expected, case["dtype"], np.prod(case["kernel_size"]))


# --- conv_transpose -------------------------------------------------------------------------------


@st.composite
def conv_transpose_cases(draw):
    n = draw(st.integers(1, 3))
    kernel_size = draw(st.tuples(*[st.integers(1, 3)] * n))
    strides = draw(axis_param(1, 3, n))
    dilation = draw(axis_param(1, 2, n))
    stride_tuple = per_axis(strides, n)
    # Keras: each output_padding entry must be smaller than the stride on that axis.
    output_padding = draw(st.one_of(
        st.none(), st.tuples(*[st.integers(0, s - 1) for s in stride_tuple])))
    return dict(batch=draw(st.integers(1, 2)), sizes=draw(st.tuples(*[st.integers(1, 5)] * n)),
                in_channels=draw(st.integers(1, 4)),
                filters=draw(st.sampled_from([1, 2, 3, 16])), kernel_size=kernel_size,
                strides=strides, dilation=dilation, padding=draw(st.sampled_from(PADDINGS)),
                output_padding=output_padding, data_format=draw(st.sampled_from(FORMATS)),
                dtype=draw(st.sampled_from(FLOATS)), seed=draw(st.integers(0, 2**32 - 1)))


def documented_transpose_size(size, stride, window, padding, output_padding):
    """The output-size rules of the `conv_transpose` docstring (Keras's)."""
    if output_padding is None:
        return size * stride if padding == "same" else (size - 1) * stride + max(window, stride)
    if padding == "same":
        return (size - 1) * stride + window % 2 + output_padding
    return (size - 1) * stride + window + output_padding


@PROPERTY
@given(case=conv_transpose_cases())
@example(case=dict(batch=2, sizes=(3, 2), in_channels=3, filters=16, kernel_size=(3, 2),
                   strides=2, dilation=1, padding="same", output_padding=None,
                   data_format="channels_first", dtype="float32", seed=3))  # direct conv2d
def test_conv_transpose_matches_scatter_add_and_is_the_adjoint_of_conv(case):
    n, fmt, dtype = len(case["sizes"]), case["data_format"], case["dtype"]
    strides, dilation = per_axis(case["strides"], n), per_axis(case["dilation"], n)
    y = random_values(case["seed"], (case["batch"], *case["sizes"], case["in_channels"]), dtype)
    kernel = random_values(case["seed"] + 1,
                           (*case["kernel_size"], case["filters"], case["in_channels"]), dtype)
    got = ops.conv_transpose(to_format(y, fmt), kernel, case["strides"], case["padding"],
                             case["output_padding"], fmt, case["dilation"]).numpy()
    # conv_transpose is a stride-1 conv of the zero-interleaved input: direct conv2d for 2-D,
    # dilation 1 and filters % 16 == 0.
    direct = n == 2 and dilation == (1, 1) and case["filters"] % 16 == 0
    event("direct conv2d" if direct else "im2col + GEMM")
    got = from_format(got, fmt)
    assert str(got.dtype) == dtype

    windows = effective_window(case["kernel_size"], dilation)
    extra = case["output_padding"] or (None,) * n
    expected_sizes = tuple(documented_transpose_size(*args, case["padding"], e)
                           for args, e in zip(zip(case["sizes"], strides, windows), extra))
    assert got.shape == (case["batch"], *expected_sizes, case["filters"])

    y64, kernel64 = y.astype(np.float64), kernel.astype(np.float64)
    expected = np_conv_transpose(y64, kernel64, strides, case["padding"], case["output_padding"],
                                 dilation)
    # Each output element sums at most taps * in_channels products.
    assert_close(got, expected, dtype, np.prod(case["kernel_size"]) * case["in_channels"])

    # The transposed convolution is the adjoint of the convolution (kernel (*spatial,
    # filters, in_channels) read as conv's (*spatial, in, out)) on the output's size.
    if 0 in got.shape:
        return
    probes = random_values(case["seed"] + 2, (3, *got.shape), "float64")
    for probe in probes:
        convolved = np_conv(probe, kernel64, strides, case["padding"], dilation, 1)
        if convolved.shape != y.shape:
            event("conv does not map the output size back: adjoint check skipped")
            return
        np.testing.assert_allclose(np.sum(got * probe), np.sum(y64 * convolved),
                                   rtol=1e-4 if dtype == "float32" else 1e-10,
                                   atol=1e-4 * np.sqrt(probe.size) if dtype == "float32"
                                   else 1e-10)


# --- pooling --------------------------------------------------------------------------------------


@st.composite
def pool_cases(draw, dtypes):
    n = draw(st.integers(1, 3))
    pool_size = draw(axis_param(1, 3, n))
    padding = draw(st.sampled_from(PADDINGS))
    sizes = draw(spatial_sizes(per_axis(pool_size, n), padding))
    return dict(batch=draw(st.integers(1, 2)), sizes=sizes, channels=draw(st.integers(1, 4)),
                pool_size=pool_size, strides=draw(st.one_of(st.none(), axis_param(1, 3, n))),
                padding=padding, data_format=draw(st.sampled_from(FORMATS)),
                dtype=draw(st.sampled_from(dtypes)), seed=draw(st.integers(0, 2**32 - 1)))


def check_pool_case(case, pool_fn, kind):
    n, fmt = len(case["sizes"]), case["data_format"]
    x = random_values(case["seed"], (case["batch"], *case["sizes"], case["channels"]),
                      case["dtype"])
    pool = per_axis(case["pool_size"], n)
    strides = pool if case["strides"] is None else per_axis(case["strides"], n)
    got = pool_fn(to_format(x, fmt), case["pool_size"], case["strides"], case["padding"],
                  fmt).numpy()
    got = from_format(got, fmt)
    assert str(got.dtype) == case["dtype"]
    expected = np_pool(x, pool, strides, case["padding"], kind)
    if kind == "max":  # a max picks one of its inputs: exact in every dtype
        np.testing.assert_array_equal(got, expected.astype(case["dtype"]))
    else:
        assert_close(got, expected, case["dtype"], np.prod(pool))


@PROPERTY
@given(case=pool_cases(dtypes=["float32", "float64", "int32"]))
def test_max_pool_matches_sliding_window_max(case):
    check_pool_case(case, ops.max_pool, "max")


@PROPERTY
@given(case=pool_cases(dtypes=FLOATS))
@example(case=dict(batch=1, sizes=(3, 3), channels=1, pool_size=2, strides=None,
                   padding="same", data_format="channels_last", dtype="float32", seed=0))
def test_average_pool_matches_mean_of_real_elements(case):
    # np_pool pads with NaN and takes nanmean: "same" windows count only real elements.
    check_pool_case(case, ops.average_pool, "average")


# --- windows larger than the input ----------------------------------------------------------------


WINDOWED_OPS = ("conv", "depthwise_conv", "max_pool", "average_pool")
POOLS = ("max_pool", "average_pool")
CONV_OUTPUT_CHANNELS = 2  # conv filters, depthwise channel multiplier


@st.composite
def oversized_window_cases(draw, excess, op_names=WINDOWED_OPS, formats=FORMATS):
    """"valid" cases where one axis' effective window exceeds its size by `excess` (a
    strategy); the other axes fit."""
    op = draw(st.sampled_from(op_names))
    n = draw(st.integers(1, 3))
    kernel_size = list(draw(st.tuples(*[st.integers(1, 4)] * n)))
    dilation = (1,) * n if op in POOLS else draw(st.tuples(*[st.integers(1, 2)] * n))
    windows = effective_window(kernel_size, dilation)
    sizes = [draw(st.integers(w, w + 2)) for w in windows]
    axis, gap = draw(st.integers(0, n - 1)), draw(excess)
    # Grow the chosen axis' window until it exceeds a size of at least 1 by `gap`.
    while windows[axis] < gap + 1:
        kernel_size[axis] += 1
        windows = effective_window(kernel_size, dilation)
    sizes[axis] = windows[axis] - gap
    return dict(op=op, sizes=tuple(sizes), kernel_size=tuple(kernel_size), dilation=dilation,
                strides=draw(st.tuples(*[st.integers(1, 3)] * n)),
                channels=draw(st.integers(1, 3)), data_format=draw(st.sampled_from(formats)))


def call_windowed_op(case, padding):
    channels, fmt = case["channels"], case["data_format"]
    x = to_format(np.ones((1, *case["sizes"], channels), "float32"), fmt)
    op = case["op"]
    if op in POOLS:
        return getattr(ops, op)(x, case["kernel_size"], case["strides"], padding, fmt).numpy()
    kernel = np.ones((*case["kernel_size"], channels, CONV_OUTPUT_CHANNELS), "float32")
    return getattr(ops, op)(x, kernel, case["strides"], padding, fmt, case["dilation"]).numpy()


def expected_output_shape(case, padding):
    """Keras's output shape: "same" ceil(size / stride); "valid" floor((size - window) /
    stride) + 1, which is 0 (an empty axis, not an error) for a window one larger."""
    windows = effective_window(case["kernel_size"], case["dilation"])
    if padding == "same":
        spatial = [-(-n // s) for n, s in zip(case["sizes"], case["strides"])]
    else:
        spatial = [(n - w) // s + 1 for n, w, s in zip(case["sizes"], windows, case["strides"])]
    channels = case["channels"]
    if case["op"] == "conv":
        channels = CONV_OUTPUT_CHANNELS
    elif case["op"] == "depthwise_conv":
        channels *= CONV_OUTPUT_CHANNELS
    if case["data_format"] == "channels_last":
        return (1, *spatial, channels)
    return (1, channels, *spatial)


@PROPERTY
@given(case=oversized_window_cases(excess=st.integers(2, 4)))
def test_valid_window_larger_than_input_raises_naming_the_op(case):
    with pytest.raises(ValueError, match=f"^`{case['op']}`: computed output size would be "
                                         f"negative"):
        call_windowed_op(case, "valid")
    # "same" pads instead.
    assert call_windowed_op(case, "same").shape == expected_output_shape(case, "same")


def check_empty_output_shape(case):
    assert call_windowed_op(case, "valid").shape == expected_output_shape(case, "valid")


@PROPERTY
@given(case=st.one_of(
    oversized_window_cases(excess=st.just(1), op_names=("conv", "depthwise_conv")),
    oversized_window_cases(excess=st.just(1), op_names=POOLS, formats=["channels_last"])))
def test_valid_window_one_larger_than_input_gives_an_empty_axis(case):
    check_empty_output_shape(case)


# Once a bug: the early empty-output return skipped the channels_first transpose.
@settings(PROPERTY, max_examples=10)
@given(case=oversized_window_cases(excess=st.just(1), op_names=POOLS,
                                   formats=["channels_first"]))
@example(case=dict(op="max_pool", sizes=(1,), kernel_size=(2,), dilation=(1,), strides=(1,),
                   channels=1, data_format="channels_first"))
@example(case=dict(op="average_pool", sizes=(1,), kernel_size=(2,), dilation=(1,),
                   strides=(1,), channels=1, data_format="channels_first"))
def test_pool_empty_output_keeps_channels_first_layout(case):
    check_empty_output_shape(case)


# --- gradients ------------------------------------------------------------------------------------


def finite_difference_gradients(f, arrays, step=1e-3):
    """Central differences of the scalar `f(*arrays)` with respect to every array."""
    gradients = []
    for position, value in enumerate(arrays):
        numeric = np.zeros_like(value)
        for index in np.ndindex(*value.shape):
            shifted = list(arrays)
            up, down = value.copy(), value.copy()
            up[index] += step
            down[index] -= step
            shifted[position] = up
            high = f(*shifted)
            shifted[position] = down
            numeric[index] = (high - f(*shifted)) / (2 * step)
        gradients.append(numeric)
    return gradients


DIRECT_GRADIENT_CASE = dict(batch=2, sizes=(4, 3), groups=1, channels=2, kernel_size=(2, 2),
                            filters=16, strides=1, dilation=1, padding="same",
                            data_format="channels_last", dtype="float64", seed=7)


@SMALL_PROPERTY
@given(case=conv_cases(ranks=(1, 2, 2, 3), groups_choices=(1, 1, 2), max_size=4, max_kernel=2,
                       max_stride=2, filter_multiples=(1, 2), wide_filters=(16,),
                       dtypes=["float64"], max_channels_per_group=2))
@example(case=DIRECT_GRADIENT_CASE)
@example(case={**DIRECT_GRADIENT_CASE, "padding": "valid", "data_format": "channels_first",
               "sizes": (3, 4), "kernel_size": (3, 2)})
@example(case={**DIRECT_GRADIENT_CASE, "strides": 2})  # the same shapes through im2col
def test_conv_gradients_match_finite_differences_of_reference(case):
    x, kernel = conv_arrays(case)
    n, fmt = x.ndim - 2, case["data_format"]
    weights = random_values(case["seed"] + 2, reference_conv(x, kernel, case).shape, "float64")

    def reference_total(x_value, kernel_value):
        return np.sum(reference_conv(x_value, kernel_value, case) * weights)

    x_var, kernel_var = keras.Variable(to_format(x, fmt)), keras.Variable(kernel)

    def tape_gradients():
        with keras.GradientTape() as tape:
            out = ops.conv(x_var.value, kernel_var.value, case["strides"], case["padding"],
                           fmt, case["dilation"])
            total = ops.sum(out * to_format(weights, fmt))
        return tape.gradient(total, [x_var, kernel_var])

    (x_grad, kernel_grad), conv2d_calls = run_counting_conv2d(tape_gradients)
    direct = direct_conv2d_expected(n, case["groups"], per_axis(case["strides"], n),
                                    per_axis(case["dilation"], n), case["filters"])
    event("direct conv2d" if direct else "im2col + GEMM")
    assert (conv2d_calls > 0) == direct
    x_numeric, kernel_numeric = finite_difference_gradients(reference_total, [x, kernel])
    np.testing.assert_allclose(from_format(x_grad.numpy(), fmt), x_numeric, rtol=1e-8,
                               atol=1e-9)
    np.testing.assert_allclose(kernel_grad.numpy(), kernel_numeric, rtol=1e-8, atol=1e-9)
