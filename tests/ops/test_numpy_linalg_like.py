"""keras_like.ops products and contractions against NumPy, with gradient checks."""

import numpy as np
import pytest
from helpers import check_op, random_array

from keras_like import ops

F64 = {"dtype": "float64"}


def np_of(t):
    return ops.convert_to_numpy(t)


@pytest.mark.parametrize("sa, sb", [((2, 3), (3, 4)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)),
                                    ((5, 2, 3), (3, 4)), ((2, 1, 2, 3), (4, 3, 2)),
                                    ((4,), (2, 4, 3)), ((2, 0), (0, 3))])
def test_matmul(sa, sb):
    check_op(ops.matmul, np.matmul, [sa, sb], **F64)


def test_matmul_dtypes_and_errors():
    a = np.arange(6, dtype="int8").reshape(2, 3)
    out = ops.matmul(a, a.T)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(np_of(out), a.astype("int32") @ a.T.astype("int32"))
    assert ops.matmul(np.ones((2, 3), "float32"), np.ones(3, "float64")).dtype == "float64"
    b = np.array([[True, False], [False, False]])
    out = ops.matmul(b, b)
    assert out.dtype == "bool"
    np.testing.assert_array_equal(np_of(out), b @ b)
    with pytest.raises(ValueError, match=r"matmul.*x1.shape=\(2, 3\), x2.shape=\(2, 3\)"):
        ops.matmul(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="matmul.*scalars"):
        ops.matmul(2.0, np.ones((2, 3)))


@pytest.mark.parametrize("sa, sb", [((), (2, 3)), ((2, 3), ()), ((3,), (3,)), ((2, 3), (3,)),
                                    ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3), (4, 3, 5)),
                                    ((2, 2, 3), (3,)), ((2, 2, 3), (2, 3, 2))])
def test_dot(sa, sb):
    check_op(ops.dot, np.dot, [sa, sb], **F64)


def test_dot_error():
    with pytest.raises(ValueError, match="dot"):
        ops.dot(np.ones((2, 3)), np.ones((2, 4, 5)))


def test_vdot_inner_outer():
    check_op(ops.vdot, np.vdot, [(2, 3), (6,)], **F64)
    for sa, sb in [((3,), (3,)), ((2, 3), (4, 3)), ((2, 2, 3), (3,)), ((), (2,))]:
        check_op(ops.inner, np.inner, [sa, sb], **F64)
    check_op(ops.outer, np.outer, [(3,), (2, 2)], **F64)
    with pytest.raises(ValueError, match="vdot"):
        ops.vdot(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="inner.*last axes"):
        ops.inner(np.ones((2, 3)), np.ones(4))


@pytest.mark.parametrize("sa, sb, axes", [((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 4), 1),
                                          ((2, 3), (4, 5), 0),
                                          ((3, 2, 4), (4, 3), ([0, 2], [1, 0])),
                                          ((3, 4), (4, 3), (1, 0)), ((2, 3), (3, 2), ([-1], [0]))])
def test_tensordot(sa, sb, axes):
    check_op(lambda a, b: ops.tensordot(a, b, axes), lambda a, b: np.tensordot(a, b, axes),
             [sa, sb], **F64)


def test_tensordot_errors():
    with pytest.raises(ValueError, match="tensordot.*mismatch"):
        ops.tensordot(np.ones((2, 3)), np.ones((4, 5)), 1)
    with pytest.raises(ValueError, match="tensordot.*same length"):
        ops.tensordot(np.ones((2, 3)), np.ones((3, 2)), ([0, 1], [1]))
    with pytest.raises(ValueError, match="tensordot"):
        ops.tensordot(np.ones((2, 3)), np.ones((3, 2)), 3)


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("bij,bkj->bik", [(2, 3, 4), (2, 2, 4)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("i,j->ij", [(3,), (2,)]),
    ("i,i", [(3,), (3,)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(2, 2, 3)]),
    ("ba", [(2, 3)]),
    ("ijk,jl->lik", [(2, 3, 2), (3, 4)]),
    ("abc,cd,de->abe", [(2, 2, 3), (3, 2), (2, 2)]),
    ("ij,jk,kl", [(2, 3), (3, 2), (2, 4)]),
    ("i,i,i->i", [(3,), (3,), (3,)]),
    ("ij,j,k->ik", [(2, 3), (3,), (2,)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("...ij,...jk", [(1, 2, 3), (4, 3, 2)]),
    ("i...,...j->i...j", [(2, 3), (3, 2)]),
    ("...,...", [(2, 3), (3,)]),
    ("...i,i->...", [(2, 2, 3), (3,)]),
    ("b...d,bd->b...", [(2, 3, 2, 4), (2, 4)]),
    (",ij", [(), (2, 3)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 2, 4)]),
    ("Ab,bA->A", [(2, 3), (3, 2)]),
    ("iJ,Jk->ki", [(2, 3), (3, 2)]),
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_CASES)
def test_einsum(subscripts, shapes):
    check_op(lambda *xs: ops.einsum(subscripts, *xs), lambda *xs: np.einsum(subscripts, *xs),
             shapes, **F64)


def test_einsum_random_contractions():
    # Random two-operand specs (shared, batch, free, summed-away and diagonal labels).
    rng = np.random.default_rng(0)
    letters = "abcdef"
    sizes = dict(zip(letters, (2, 3, 1, 2, 3, 2), strict=True))
    for _ in range(40):
        la = "".join(rng.choice(list(letters), size=rng.integers(1, 4)))
        lb = "".join(rng.choice(list(letters), size=rng.integers(0, 4)))
        pool = sorted(set(la + lb))
        out = "".join(rng.permutation([c for c in pool if rng.random() < 0.5]))
        spec = f"{la},{lb}->{out}"
        a = rng.standard_normal([sizes[c] for c in la])
        b = rng.standard_normal([sizes[c] for c in lb])
        np.testing.assert_allclose(np_of(ops.einsum(spec, a, b)), np.einsum(spec, a, b),
                                   rtol=1e-10, atol=1e-12, err_msg=spec)


def test_einsum_dtypes_and_errors():
    a = np.arange(6, dtype="int8").reshape(2, 3)
    out = ops.einsum("ij,kj->ik", a, a)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(np_of(out), np.einsum("ij,kj->ik", a, a).astype("int32"))
    assert ops.einsum("ij,jk", np.ones((2, 3), "float32"), np.ones((3, 2), "float64")).dtype \
        == "float64"
    with pytest.raises(ValueError, match="einsum.*'ijk'.*\\(2, 3\\)"):
        ops.einsum("ijk,jk->ik", np.ones((2, 3)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="einsum.*label 'j' has sizes 3 and 4"):
        ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="einsum.*2 operands"):
        ops.einsum("ij,jk->ik", np.ones((2, 3)))
    with pytest.raises(ValueError, match="output label 'z'"):
        ops.einsum("ij->iz", np.ones((2, 3)))
    with pytest.raises(ValueError, match="invalid subscript"):
        ops.einsum("i1,j->ij", np.ones((2, 3)), np.ones(3))


@pytest.mark.parametrize("sa, sb", [((2, 3), (3, 3)), ((3,), (2, 2)), ((2, 1, 2), (2, 3)),
                                    ((), (2,))])
def test_kron(sa, sb):
    check_op(ops.kron, np.kron, [sa, sb], **F64)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("sa, sb, kwargs", [
    ((3,), (3,), {}), ((4, 3), (4, 3), {}), ((4, 3), (3,), {}), ((2,), (2,), {}),
    ((4, 2), (4, 3), {}), ((4, 3), (4, 2), {}), ((3, 4), (4, 3), {"axisa": 0}),
    ((3, 4), (3, 4), {"axis": 0}), ((4, 3), (4, 3), {"axisc": 0}), ((5, 1, 3), (4, 3), {}),
])
def test_cross(sa, sb, kwargs):
    check_op(lambda a, b: ops.cross(a, b, **kwargs), lambda a, b: np.cross(a, b, **kwargs),
             [sa, sb], **F64)


def test_cross_error():
    with pytest.raises(ValueError, match="cross.*dimension must be 2 or 3"):
        ops.cross(np.ones(4), np.ones(3))


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("m, n", [(5, 3), (3, 5), (4, 4), (1, 3), (6, 1), (4, 2), (2, 5)])
def test_correlate(mode, m, n):
    check_op(lambda a, b: ops.correlate(a, b, mode), lambda a, b: np.correlate(a, b, mode),
             [(m,), (n,)], **F64)


def test_correlate_dtype_and_errors():
    a = np.array([1, 2, 3], dtype="int32")
    out = ops.correlate(a, np.array([0, 1], dtype="int32"), mode="full")
    assert out.dtype == "float32"
    np.testing.assert_array_equal(np_of(out), np.correlate(a, [0, 1], "full"))
    with pytest.raises(ValueError, match="correlate.*1-D"):
        ops.correlate(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="correlate.*mode"):
        ops.correlate(np.ones(3), np.ones(2), mode="circular")


def test_large_einsum_matches_matmul():
    a = random_array((8, 64, 32), "float32")
    b = random_array((8, 32, 16), "float32")
    np.testing.assert_allclose(np_of(ops.einsum("bij,bjk->bik", a, b)), a @ b, rtol=1e-4,
                               atol=1e-4)


def test_meta_tensors_give_shapes_without_data():
    from keras_like import _engine

    def meta(*shape):
        return _engine.full(list(shape), 0.0, "float32", "meta")

    cases = [
        (lambda: ops.einsum("bij,bjk->bik", meta(2, 3, 4), meta(2, 4, 5)), (2, 3, 5)),
        (lambda: ops.dot(meta(2, 3), meta(4, 3, 5)), (2, 4, 5)),
        (lambda: ops.matmul(meta(4), meta(4)), ()),
        (lambda: ops.correlate(meta(5), meta(3), "same"), (5,)),
        (lambda: ops.diag(meta(3), 1), (4, 4)),
        (lambda: ops.kron(meta(2, 3), meta(3, 2)), (6, 6)),
        (lambda: ops.cross(meta(4, 3), meta(4, 2)), (4, 3)),
    ]
    for fn, shape in cases:
        out = fn()
        assert out.device.startswith("meta") and out.shape == shape
