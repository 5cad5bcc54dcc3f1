"""Property tests (hypothesis): broadcasting, reductions and indexing agree with NumPy."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import keras_like as keras
from keras_like import ops

FUZZ = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _array(shape, seed, dtype="float64"):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype == "int32":
        return rng.integers(-5, 6, size=shape).astype(np.int32)
    # A small value set makes ties and exact comparisons likely. np.asarray keeps 0-d results
    # arrays (NumPy arithmetic would return a scalar).
    return np.asarray(rng.integers(-4, 5, size=shape) * 0.5, dtype=dtype)


def _sum_to(g, shape):
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, d in enumerate(shape):
        if d == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


BINARY = ["add", "subtract", "multiply", "maximum", "minimum", "less", "equal", "greater_equal"]


@FUZZ
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                max_side=4),
       name=st.sampled_from(BINARY), dtype=st.sampled_from(["float32", "int32", "float64"]),
       seed=st.integers(0, 2**16))
def test_broadcasting_binary_ops(shapes, name, dtype, seed):
    a_shape, b_shape = shapes.input_shapes
    a, b = _array(a_shape, seed, dtype), _array(b_shape, seed + 1, dtype)
    got = getattr(ops, name)(a, b)
    expected = getattr(np, name)(a, b)
    assert got.shape == expected.shape == shapes.result_shape
    assert got.dtype == expected.dtype.name
    np.testing.assert_array_equal(got.numpy(), expected)


@FUZZ
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=4,
                                                max_side=3),
       seed=st.integers(0, 2**16))
def test_broadcasting_where(shapes, seed):
    c_shape, a_shape, b_shape = shapes.input_shapes
    c = _array(c_shape, seed, "bool")
    a, b = _array(a_shape, seed + 1), _array(b_shape, seed + 2)
    got = ops.where(c, a, b)
    np.testing.assert_array_equal(got.numpy(), np.where(c, a, b))


@FUZZ
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                max_side=4),
       seed=st.integers(0, 2**16))
def test_broadcast_gradients_have_input_shapes(shapes, seed):
    a_shape, b_shape = shapes.input_shapes
    a_np, b_np = _array(a_shape, seed), _array(b_shape, seed + 1)
    a, b = ops.convert_to_tensor(a_np), ops.convert_to_tensor(b_np)
    with keras.GradientTape() as tape:
        tape.watch([a, b])
        y = ops.sum(a * b + a)
    ga, gb = tape.gradient(y, [a, b])
    out_shape = shapes.result_shape
    assert ga.shape == a_shape and gb.shape == b_shape
    np.testing.assert_allclose(ga.numpy(), _sum_to(np.broadcast_to(b_np + 1, out_shape), a_shape))
    np.testing.assert_allclose(gb.numpy(), _sum_to(np.broadcast_to(a_np, out_shape), b_shape))


@st.composite
def _reduction_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4))
    ndim = len(shape)
    if ndim == 0:
        axis = draw(st.sampled_from([None, ()]))
    else:
        axis = draw(st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1),
            # Mixed positive and negative spellings of distinct axes.
            st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).map(
                lambda ax: tuple(a - ndim if i % 2 else a for i, a in enumerate(ax))),
        ))
    return shape, axis, draw(st.booleans())


REDUCTIONS = ["sum", "prod", "max", "min", "mean", "any", "all", "var"]


@FUZZ
@given(case=_reduction_case(), name=st.sampled_from(REDUCTIONS), seed=st.integers(0, 2**16))
def test_reductions_random_axes(case, name, seed):
    shape, axis, keepdims = case
    x = _array(shape, seed)
    got = getattr(ops, name)(x, axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


@FUZZ
@given(case=_reduction_case(), seed=st.integers(0, 2**16))
def test_reduction_gradients_random_axes(case, seed):
    shape, axis, keepdims = case
    x_np = _array(shape, seed)
    x = ops.convert_to_tensor(x_np)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.sum(x, axis=axis, keepdims=keepdims) * 3.0)
        z = ops.mean(x, axis=axis, keepdims=keepdims)
    g = tape.gradient([y, z], x)
    count = x_np.size if axis is None else int(np.prod(
        [shape[a] for a in ((axis,) if isinstance(axis, int) else axis)]))
    np.testing.assert_allclose(g.numpy(), np.full(shape, 3.0 + 1.0 / max(count, 1)))


@st.composite
def _arg_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return shape, axis, draw(st.booleans())


@FUZZ
@given(case=_arg_case(), name=st.sampled_from(["argmax", "argmin"]), seed=st.integers(0, 2**16))
def test_arg_reductions_random_axes(case, name, seed):
    shape, axis, keepdims = case
    x = _array(shape, seed)  # many ties: the first index must win, as in NumPy
    got = getattr(ops, name)(x, axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert got.dtype == "int32"
    assert got.shape == np.shape(expected)
    np.testing.assert_array_equal(got.numpy(), expected)


@st.composite
def _basic_index_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    key = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    return shape, key


@FUZZ
@given(case=_basic_index_case())
def test_basic_indexing_random_keys(case):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    t = ops.convert_to_tensor(a)
    got = t[key]
    expected = a[key]
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)
    # Basic indexing is a view of the same memory.
    if expected.size:
        assert got.same_storage(t)


@st.composite
def _slice_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6))
    key = []
    for size in shape:
        kind = draw(st.sampled_from(["slice", "int"]))
        if kind == "int":
            key.append(draw(st.integers(-size, size - 1)))
        else:
            bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
            step = draw(st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0)))
            key.append(slice(draw(bound), draw(bound), step))
    return shape, tuple(key)


@FUZZ
@given(case=_slice_case())
def test_slices_and_ints_with_gradient(case):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    t = ops.convert_to_tensor(a)
    with keras.GradientTape() as tape:
        tape.watch(t)
        got = t[key]
        y = ops.sum(got * 2.0)
    np.testing.assert_array_equal(got.numpy(), a[key])
    expected_grad = np.zeros(shape)
    expected_grad[key] = 2.0
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), expected_grad)


@st.composite
def _advanced_index_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    key = draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(
        min_dims=1, max_dims=2, max_side=3)))
    return shape, key


@FUZZ
@given(case=_advanced_index_case())
def test_integer_array_indexing(case):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    got = ops.convert_to_tensor(a)[key]
    expected = a[key]
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)


@FUZZ
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
       seed=st.integers(0, 2**16))
def test_boolean_mask_indexing(shape, seed):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    mask = _array(shape[:1], seed, "bool")
    full_mask = _array(shape, seed + 1, "bool")
    t = ops.convert_to_tensor(a)
    np.testing.assert_array_equal(t[mask].numpy(), a[mask])
    np.testing.assert_array_equal(t[full_mask].numpy(), a[full_mask])

