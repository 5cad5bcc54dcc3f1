"""keras_like.ops shape, joining, padding, gathering and searching ops against NumPy."""

import numpy as np
import pytest
from helpers import check_op, random_array

from keras_like import ops

F64 = {"dtype": "float64"}


def np_of(t):
    return ops.convert_to_numpy(t)


# ---- shape --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, newshape", [((2, 3), (3, 2)), ((2, 3, 4), (-1, 4)), ((6,), 6),
                                             ((2, 3), (6, 1)), ((1, 1), ())])
def test_reshape(shape, newshape):
    check_op(lambda x: ops.reshape(x, newshape), lambda x: np.reshape(x, newshape), [shape], **F64)


def test_reshape_errors():
    with pytest.raises(ValueError, match="reshape.*total size.*\\(2, 3\\).*\\(4,\\)"):
        ops.reshape(np.zeros((2, 3)), (4,))
    with pytest.raises(ValueError, match="reshape"):
        ops.reshape(np.zeros((2, 3)), (-1, -1))


@pytest.mark.parametrize("axes", [None, (1, 0, 2), (2, 0, 1), (-1, 0, 1)])
def test_transpose(axes):
    check_op(lambda x: ops.transpose(x, axes), lambda x: np.transpose(x, axes), [(2, 3, 4)], **F64)


def test_transpose_errors():
    with pytest.raises(ValueError, match="transpose"):
        ops.transpose(np.zeros((2, 3)), (0,))
    with pytest.raises(ValueError, match="transpose.*repeated"):
        ops.transpose(np.zeros((2, 3)), (0, 0))


@pytest.mark.parametrize("axis", [0, -1, 1, (0, 2), (-1, 0), (1, 3)])
def test_expand_dims(axis):
    check_op(lambda x: ops.expand_dims(x, axis), lambda x: np.expand_dims(x, axis), [(2, 3)], **F64)


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
def test_squeeze(axis):
    check_op(lambda x: ops.squeeze(x, axis), lambda x: np.squeeze(x, axis), [(1, 3, 1)], **F64)


def test_squeeze_error_names_shape():
    with pytest.raises(ValueError, match=r"squeeze.*axis 1.*not 1.*\(1, 3, 1\)"):
        ops.squeeze(np.zeros((1, 3, 1)), axis=1)
    with pytest.raises(ValueError, match="out of bounds"):
        ops.squeeze(np.zeros((1, 3)), axis=2)
    with pytest.raises(IndexError):  # an axis error is an IndexError too, as in NumPy
        ops.squeeze(np.zeros((1, 3)), axis=-3)


def test_broadcast_to():
    check_op(lambda x: ops.broadcast_to(x, (2, 4, 3)),
             lambda x: np.broadcast_to(x, (2, 4, 3)), [(4, 3)], **F64)
    check_op(lambda x: ops.broadcast_to(x, (3, 2)), lambda x: np.broadcast_to(x, (3, 2)),
             [(1, 2)], **F64)
    with pytest.raises(ValueError, match=r"broadcast_to.*\(2, 3\).*\(3, 3\)"):
        ops.broadcast_to(np.zeros((2, 3)), (3, 3))


def test_ravel_ndim_moveaxis_swapaxes():
    check_op(ops.ravel, np.ravel, [(2, 3, 2)], **F64)
    assert ops.ndim(np.zeros((2, 3, 4))) == 3 and ops.ndim(5.0) == 0
    for src, dst in [(0, -1), (-1, 0), ((0, 1), (2, 0)), ([0, 2], [1, 0])]:
        check_op(lambda x, s=src, d=dst: ops.moveaxis(x, s, d),
                 lambda x, s=src, d=dst: np.moveaxis(x, s, d), [(2, 3, 4)], **F64)
    check_op(lambda x: ops.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1), [(2, 3, 4)],
             **F64)
    with pytest.raises(ValueError, match="moveaxis.*same number"):
        ops.moveaxis(np.zeros((2, 3)), (0, 1), 0)


@pytest.mark.parametrize("fn, np_fn", [(ops.atleast_1d, np.atleast_1d),
                                       (ops.atleast_2d, np.atleast_2d),
                                       (ops.atleast_3d, np.atleast_3d)])
def test_atleast(fn, np_fn):
    for shape in [(), (3,), (2, 3), (2, 3, 4)]:
        a = random_array(shape)
        assert fn(a).shape == np_fn(a).shape
    a, b = fn(1.0, np.ones(3))
    assert a.shape == np_fn(1.0).shape and b.shape == np_fn(np.ones(3)).shape


# ---- joining and splitting ----------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate(axis):
    shapes = [(2, 3), (2, 3), (2, 3)]
    shapes[1] = tuple(4 if i == axis % 2 else d for i, d in enumerate(shapes[1]))
    check_op(lambda *xs: ops.concatenate(xs, axis=axis),
             lambda *xs: np.concatenate(xs, axis=axis), shapes, **F64)


def test_concatenate_axis_none_dtype_and_errors():
    check_op(lambda a, b: ops.concatenate([a, b], axis=None),
             lambda a, b: np.concatenate([a, b], axis=None), [(2, 2), (3,)], **F64)
    out = ops.concatenate([np.ones(2, "int32"), np.ones(2, "float32")])
    assert out.dtype == "float32"
    with pytest.raises(ValueError, match=r"concatenate.*\(2, 3\) and \(3, 3\)"):
        ops.concatenate([np.zeros((2, 3)), np.zeros((3, 3))], axis=1)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack(axis):
    check_op(lambda a, b: ops.stack([a, b], axis=axis),
             lambda a, b: np.stack([a, b], axis=axis), [(2, 3), (2, 3)], **F64)


def test_stack_error():
    with pytest.raises(ValueError, match="stack.*same shape"):
        ops.stack([np.zeros((2,)), np.zeros((3,))])


@pytest.mark.parametrize("fn, np_fn, shapes", [
    (ops.hstack, np.hstack, [(3,), (2,)]),
    (ops.hstack, np.hstack, [(2, 3), (2, 1)]),
    (ops.vstack, np.vstack, [(3,), (3,)]),
    (ops.vstack, np.vstack, [(2, 3), (1, 3)]),
    (ops.dstack, np.dstack, [(3,), (3,)]),
    (ops.dstack, np.dstack, [(2, 3), (2, 3)]),
    (ops.column_stack, np.column_stack, [(3,), (3, 2)]),
])
def test_stacking_helpers(fn, np_fn, shapes):
    check_op(lambda *xs: fn(list(xs)), lambda *xs: np_fn(list(xs)), shapes, **F64)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_append(axis):
    shapes = [(2, 3), (2, 3)] if axis is not None else [(2, 3), (4,)]
    check_op(lambda a, b: ops.append(a, b, axis=axis), lambda a, b: np.append(a, b, axis=axis),
             shapes, **F64)


@pytest.mark.parametrize("obj, vshape, axis", [(1, (), None), (1, (3,), 0), (2, (3,), 1),
                                               (1, (2, 3), 1), ([0, 2], (2,), 1),
                                               ([1, 1], (2, 3), 0), (-1, (1, 3), 0)])
def test_insert(obj, vshape, axis):
    check_op(lambda x, v: ops.insert(x, obj, v, axis=axis),
             lambda x, v: np.insert(x, obj, v, axis=axis), [(3, 3), vshape], **F64)


@pytest.mark.parametrize("obj, axis", [(1, None), (0, 1), ([0, 2], 0), (-1, 1)])
def test_delete(obj, axis):
    check_op(lambda x: ops.delete(x, obj, axis=axis), lambda x: np.delete(x, obj, axis=axis),
             [(3, 4)], **F64)
    with pytest.raises(IndexError, match="delete.*out of bounds"):
        ops.delete(np.zeros(3), 5)


@pytest.mark.parametrize("sections, axis", [(3, 0), ([1, 4], 0), ([2, 10], 1), (2, -1),
                                            ([3, 1], 0)])
def test_split(sections, axis):
    x = random_array((6, 4), "float64")
    got = ops.split(x, sections, axis=axis)
    want = np.split(x, sections, axis=axis)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(np_of(g), w)
    for i in range(len(want)):
        if want[i].size:
            check_op(lambda t, i=i: ops.split(t, sections, axis=axis)[i],
                     lambda t, i=i: np.split(t, sections, axis=axis)[i], [(6, 4)], **F64)


def test_split_unequal_error_and_array_split():
    with pytest.raises(ValueError, match="split.*equal division"):
        ops.split(np.zeros(7), 3)
    x = random_array((7, 2), "float64")
    for sections in (3, 4, [2, 5]):
        got = ops.array_split(x, sections)
        want = np.array_split(x, sections)
        assert [g.shape for g in got] == [w.shape for w in want]
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(np_of(g), w)
    check_op(lambda t: ops.array_split(t, 3, axis=0)[0], lambda t: np.array_split(t, 3)[0],
             [(7, 2)], **F64)


# ---- repetition, padding, flips -----------------------------------------------------------------


@pytest.mark.parametrize("shape, reps", [((2, 3), 2), ((2, 3), (2, 1)), ((3,), (2, 2)),
                                         ((2, 1, 2), (2,)), ((2, 2), (1, 3, 2))])
def test_tile(shape, reps):
    check_op(lambda x: ops.tile(x, reps), lambda x: np.tile(x, reps), [shape], **F64)


@pytest.mark.parametrize("repeats, axis", [(2, None), (3, 0), (2, 1), ([1, 0, 2], 1),
                                           ([2, 1], 0), (np.array([1, 2, 3, 0, 1, 1]), None)])
def test_repeat(repeats, axis):
    check_op(lambda x: ops.repeat(x, repeats, axis=axis),
             lambda x: np.repeat(x, repeats, axis=axis), [(2, 3)], **F64)


def test_repeat_error():
    with pytest.raises(ValueError, match="repeat.*one entry per element"):
        ops.repeat(np.zeros((2, 3)), [1, 2], axis=1)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap",
                                  "maximum", "minimum", "mean"])
@pytest.mark.parametrize("width", [1, (1, 2), ((0, 2), (3, 1)), [[2, 0]]])
def test_pad_modes(mode, width):
    # The max/min modes differentiate only away from ties, which random inputs avoid.
    check_op(lambda x: ops.pad(x, width, mode=mode), lambda x: np.pad(x, width, mode=mode),
             [(3, 4)], **F64)


def test_pad_constant_values_and_ints():
    check_op(lambda x: ops.pad(x, ((1, 1), (2, 0)), constant_values=1.5),
             lambda x: np.pad(x, ((1, 1), (2, 0)), constant_values=1.5), [(2, 2)], **F64)
    check_op(lambda x: ops.pad(x, ((1, 2), (2, 1)), constant_values=((1, 2), (3, 4))),
             lambda x: np.pad(x, ((1, 2), (2, 1)), constant_values=((1, 2), (3, 4))),
             [(2, 2)], **F64)
    x = np.arange(6, dtype="int32").reshape(2, 3)
    for mode in ("constant", "reflect", "mean"):
        got = ops.pad(x, 2, mode=mode)
        assert got.dtype == "int32"
        np.testing.assert_array_equal(np_of(got), np.pad(x, 2, mode=mode))
    # Reflection wider than the axis keeps bouncing, as in NumPy.
    np.testing.assert_array_equal(np_of(ops.pad(x, ((0, 0), (5, 7)), mode="reflect")),
                                  np.pad(x, ((0, 0), (5, 7)), mode="reflect"))


def test_pad_errors():
    with pytest.raises(ValueError, match="constant_values.*mode == 'constant'"):
        ops.pad(np.zeros(3), 1, mode="reflect", constant_values=2)
    with pytest.raises(ValueError, match="pad.*mode"):
        ops.pad(np.zeros(3), 1, mode="linear_ramp")
    with pytest.raises(ValueError, match="pad_width"):
        ops.pad(np.zeros((2, 2)), ((1, 2, 3),))
    with pytest.raises(ValueError, match="non-negative"):
        ops.pad(np.zeros(3), -1)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
def test_flip(axis):
    check_op(lambda x: ops.flip(x, axis), lambda x: np.flip(x, axis), [(2, 3, 2)], **F64)


def test_fliplr_flipud():
    check_op(ops.fliplr, np.fliplr, [(2, 3)], **F64)
    check_op(ops.flipud, np.flipud, [(3, 2)], **F64)
    with pytest.raises(ValueError, match="fliplr"):
        ops.fliplr(np.zeros(3))


@pytest.mark.parametrize("shift, axis", [(1, None), (-2, None), (7, 0), (2, 1), ((1, 2), (0, 1)),
                                         ((1, 1), (1, 1)), (-1, (0, 1))])
def test_roll(shift, axis):
    check_op(lambda x: ops.roll(x, shift, axis), lambda x: np.roll(x, shift, axis), [(3, 4)],
             **F64)


@pytest.mark.parametrize("k, axes", [(1, (0, 1)), (2, (0, 1)), (3, (0, 1)), (-1, (1, 2)),
                                     (0, (0, 1)), (5, (2, 0))])
def test_rot90(k, axes):
    check_op(lambda x: ops.rot90(x, k, axes), lambda x: np.rot90(x, k, axes), [(2, 3, 4)], **F64)


def test_rot90_errors():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        ops.rot90(np.zeros(3))
    with pytest.raises(ValueError, match="rot90.*different"):
        ops.rot90(np.zeros((2, 2)), axes=(1, 1))


# ---- gathering and indices ----------------------------------------------------------------------


@pytest.mark.parametrize("indices, axis", [([0, 2, -1], 1), (1, 0), ([[1, 0], [2, 2]], None),
                                           (np.array([[0], [1]]), 0), (-4, -1)])
def test_take(indices, axis):
    check_op(lambda x: ops.take(x, indices, axis), lambda x: np.take(x, indices, axis),
             [(3, 4)], **F64)


def test_take_errors():
    with pytest.raises(TypeError, match="take.*integers"):
        ops.take(np.zeros(3), np.array([0.0]))
    with pytest.raises(IndexError, match="out of bounds"):
        ops.take(np.zeros(3), [3])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_along_axis(axis):
    # Negative indices wrap; NumPy's expected values use the wrapped ones.
    idx = np.array([[0, 2, -1], [1, 1, 0], [2, 0, 0], [-3, 1, 2]])
    idx = idx if axis == 0 else idx.T
    check_op(lambda x: ops.take_along_axis(x, idx, axis),
             lambda x: np.take_along_axis(x, idx % 3, axis), [(3, 3)], **F64)


def test_take_along_axis_sorting_and_none():
    x = random_array((3, 5), "float64")
    order = ops.argsort(x, axis=1)
    np.testing.assert_array_equal(np_of(ops.take_along_axis(x, order, 1)), np.sort(x, axis=1))
    idx = np.array([4, 0, 14])
    check_op(lambda t: ops.take_along_axis(t, idx, None),
             lambda t: np.take_along_axis(t, idx, None), [(3, 5)], **F64)
    with pytest.raises(ValueError, match="take_along_axis.*rank"):
        ops.take_along_axis(x, np.zeros(3, "int32"), 1)


def test_get_item():
    check_op(lambda x: ops.get_item(x, (slice(None), 1)), lambda x: x[:, 1], [(3, 4)], **F64)
    check_op(lambda x: ops.get_item(x, (Ellipsis, [0, 2])), lambda x: x[..., [0, 2]], [(3, 4)],
             **F64)


def test_nonzero_argwhere():
    x = np.array([[0, 1, 0], [2, 0, 3]], dtype="float32")
    got = ops.nonzero(x)
    assert isinstance(got, tuple) and len(got) == 2
    for g, w in zip(got, np.nonzero(x), strict=True):
        assert g.dtype == "int32"
        np.testing.assert_array_equal(np_of(g), w)
    w = ops.argwhere(x)
    assert w.dtype == "int32"
    np.testing.assert_array_equal(np_of(w), np.argwhere(x))
    (empty,) = ops.nonzero(np.zeros(4))
    assert empty.shape == (0,)
    # ops.where with only a condition is nonzero.
    for g, want in zip(ops.where(x > 0), np.nonzero(x > 0), strict=True):
        np.testing.assert_array_equal(np_of(g), want)


@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 0, 1), (-1, 0, 1), (2, 1, 2),
                                                  (0, 2, 0), (-2, -1, 0), (9, 0, 1)])
def test_diagonal_and_trace(offset, axis1, axis2):
    shape = (3, 4, 2)
    check_op(lambda x: ops.diagonal(x, offset, axis1, axis2),
             lambda x: np.diagonal(x, offset, axis1, axis2), [shape], **F64)
    check_op(lambda x: ops.trace(x, offset, axis1, axis2),
             lambda x: np.trace(x, offset, axis1, axis2), [shape], **F64)


def test_trace_dtypes_and_errors():
    x = np.arange(9, dtype="int32").reshape(3, 3)
    assert ops.trace(x).dtype == "int32" and int(ops.trace(x)) == np.trace(x)
    assert int(ops.trace(np.eye(3, dtype=bool))) == 3
    with pytest.raises(ValueError, match="diagonal.*rank >= 2"):
        ops.diagonal(np.zeros(3))
    with pytest.raises(ValueError, match="axis1 and axis2 must differ"):
        ops.diagonal(np.zeros((2, 2)), 0, 1, 1)


@pytest.mark.parametrize("shape, k", [((3,), 0), ((3,), 2), ((2,), -1), ((3, 4), 1),
                                      ((4, 3), -2)])
def test_diag(shape, k):
    check_op(lambda x: ops.diag(x, k), lambda x: np.diag(x, k), [shape], **F64)


def test_diagflat():
    check_op(lambda x: ops.diagflat(x, 1), lambda x: np.diagflat(x, 1), [(2, 2)], **F64)
    with pytest.raises(ValueError, match="diag.*1-D or 2-D"):
        ops.diag(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("shapes", [[(3,)], [(3,), (2,)], [(3,), (2,), (4,)]])
def test_meshgrid(indexing, shapes):
    for i in range(len(shapes)):
        def fn(*v, i=i):
            return ops.meshgrid(*v, indexing=indexing)[i]

        def np_fn(*v, i=i):
            return np.meshgrid(*v, indexing=indexing)[i]

        check_op(fn, np_fn, shapes, grad_args=[i], **F64)
    with pytest.raises(ValueError, match="indexing"):
        ops.meshgrid(np.ones(2), indexing="ji")


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 16])
def test_searchsorted(side, n):
    rng = np.random.default_rng(n)
    seq = np.sort(rng.integers(0, 6, size=n)).astype("float32")
    values = rng.integers(-1, 8, size=(3, 5)).astype("float32")
    got = ops.searchsorted(seq, values, side=side)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(np_of(got), np.searchsorted(seq, values, side=side))


def test_searchsorted_scalar_and_errors():
    assert int(ops.searchsorted([1, 3, 5], 4)) == 2
    with pytest.raises(ValueError, match="1-D sorted"):
        ops.searchsorted(np.zeros((2, 2)), 1.0)
    with pytest.raises(ValueError, match="side"):
        ops.searchsorted([1, 2], 1, side="middle")


@pytest.mark.parametrize("bins", [[0.0, 1.0, 2.5, 4.0], [4.0, 2.5, 1.0, 0.0], [1.0], [1, 1, 2]])
def test_digitize(bins):
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.5, 3.0, 4.0, 9.0], dtype="float32")
    got = ops.digitize(x, bins)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(np_of(got), np.digitize(x, bins))


def test_bincount():
    x = np.array([0, 1, 1, 3, 5, 1], dtype="int32")
    got = ops.bincount(x)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(np_of(got), np.bincount(x))
    np.testing.assert_array_equal(np_of(ops.bincount(x, minlength=9)), np.bincount(x, minlength=9))
    xs = np.array([[0, 1, 1], [2, 2, 0]], dtype="int32")
    want = np.stack([np.bincount(r, minlength=4) for r in xs])
    np.testing.assert_array_equal(np_of(ops.bincount(xs, minlength=4)), want)
    with pytest.raises(ValueError, match="non-negative"):
        ops.bincount(np.array([-1, 2]))
    with pytest.raises(TypeError, match="integers"):
        ops.bincount(np.array([1.0]))


def test_bincount_weights_gradient():
    x = np.array([0, 2, 2, 3, 0], dtype="int32")
    check_op(lambda w: ops.bincount(x, weights=w, minlength=5),
             lambda w: np.bincount(x, weights=w, minlength=5), [(5,)], **F64)
    got = ops.bincount(x, weights=np.ones(5, "float32"))
    assert got.dtype == "float32"


def test_select():
    cond_a = np.array([True, False, False, True])
    cond_b = np.array([True, True, False, False])
    check_op(lambda a, b: ops.select([cond_a, cond_b], [a, b], default=-1.5),
             lambda a, b: np.select([cond_a, cond_b], [a, b], default=-1.5), [(4,), (4,)], **F64)
    x = np.arange(6)
    got = ops.select([x < 3, x > 3], [x, x**2], 42)
    np.testing.assert_array_equal(np_of(got), np.select([x < 3, x > 3], [x, x**2], 42))
    with pytest.raises(ValueError, match="select.*lists"):
        ops.select(x < 3, [x])
    with pytest.raises(ValueError, match="select.*same length"):
        ops.select([x < 3], [x, x])


def test_meta_tensors_give_shapes_without_data():
    # The functional API infers output shapes by running ops on meta tensors; host-built index
    # tensors must follow the input there.
    from keras_like import _engine

    def meta(*shape):
        return _engine.full(list(shape), 0.0, "float32", "meta")

    x = meta(2, 3, 4)
    cases = [
        (lambda: ops.pad(x, 1, mode="reflect"), np.pad(np.zeros((2, 3, 4)), 1).shape),
        (lambda: ops.take(x, [0, 1], 1), (2, 2, 4)),
        (lambda: ops.insert(x, 1, 0.0, axis=1), (2, 4, 4)),
        (lambda: ops.delete(x, [0], 2), (2, 3, 3)),
        (lambda: ops.repeat(x, [1, 2, 0], 1), (2, 3, 4)),
        (lambda: ops.searchsorted(meta(4), x), (2, 3, 4)),
        (lambda: ops.digitize(x, meta(4)), (2, 3, 4)),
        (lambda: ops.tile(x, (2, 1, 1)), (4, 3, 4)),
        (lambda: ops.roll(x, 1, 2), (2, 3, 4)),
    ]
    for fn, shape in cases:
        out = fn()
        assert out.device.startswith("meta") and out.shape == shape
