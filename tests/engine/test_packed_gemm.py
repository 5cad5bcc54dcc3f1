"""The matmul op's own packed-B GEMM (cpu/simd/gemm_loops.cpp), which runs float products with
32 to 1024 columns and at least 64 rows (192 when B is stored transposed): against NumPy in
float64 on shapes that leave partial micro-kernel rows, partial panels and unequal depth
passes, for every operand layout and for broadcast batches; gradients by finite differences;
and the same bits from the AVX2 and AVX-512 variants (each output element is one in-order
chain of FMAs)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops
from keras_like.backend.engine import _engine as E

# (M, K, N): whole and partial 12-row blocks, whole and partial panels of 16 / 32 columns,
# one pass of depth and several unequal ones (K > 256).
# Short products (64-191 rows) split their panels between the threads instead of their rows.
SHAPES = [(192, 16, 32), (197, 301, 45), (256, 784, 256), (215, 513, 1024), (400, 40, 33),
          (193, 1, 64), (300, 257, 100), (64, 100, 40), (128, 784, 256), (101, 50, 70)]


def _reference(a, b):
    return np.matmul(a.astype(np.float64), b.astype(np.float64))


def _close(got, a, b):
    ref = _reference(a, b)
    # float32 accumulation over K terms of size ~1: error grows like sqrt(K) ulps.
    tol = 2e-6 * np.sqrt(a.shape[-1]) * max(1.0, np.abs(ref).max())
    np.testing.assert_allclose(np.asarray(got, np.float64), ref, rtol=0, atol=tol)


@pytest.mark.parametrize("m,k,n", SHAPES)
@pytest.mark.parametrize("layout", ["nn", "tn", "nt", "tt"])
def test_packed_gemm_matches_numpy_for_every_operand_layout(m, k, n, layout):
    rng = np.random.default_rng(m * 7 + n)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    # A transposed operand is a view of the other layout's storage: the kernel reads it there.
    ta = ops.transpose(ops.convert_to_tensor(np.ascontiguousarray(a.T))) if layout[0] == "t" else a
    tb = ops.transpose(ops.convert_to_tensor(np.ascontiguousarray(b.T))) if layout[1] == "t" else b
    _close(ops.matmul(ta, tb), a, b)


def test_packed_gemm_float64_is_float64_accurate():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((250, 300)), rng.standard_normal((300, 70))
    got = np.asarray(ops.matmul(a, b))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, a @ b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("a_shape,b_shape", [
    ((3, 200, 50), (50, 40)),          # one B for every batch element: packed once
    ((2, 1, 196, 30), (1, 3, 30, 64)),  # both broadcast: six products from three Bs
    ((200, 30), (4, 30, 48)),          # A broadcast over B's batch
])
def test_packed_gemm_broadcast_batches(a_shape, b_shape):
    rng = np.random.default_rng(5)
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    _close(ops.matmul(a, b), a, b)


def test_packed_gemm_zero_depth_and_non_finite_values():
    z = np.asarray(ops.matmul(np.zeros((200, 0), np.float32), np.zeros((0, 40), np.float32)))
    assert z.shape == (200, 40) and not z.any()
    a = np.ones((200, 20), np.float32)
    b = np.ones((20, 40), np.float32)
    a[3, 5], b[7, 33] = np.inf, np.nan
    got = np.asarray(ops.matmul(a, b))
    np.testing.assert_array_equal(got, a.astype(np.float64) @ b)


def test_packed_gemm_gradients_by_finite_differences():
    check_op(E.matmul, np.matmul, [(200, 20), (20, 33)], dtype="float64")
    check_op(E.matmul, np.matmul, [(2, 196, 9), (9, 40)], dtype="float64")


_DIGEST = f"""
import hashlib, numpy as np
from keras_like import ops
from keras_like.backend.engine import _engine as E
rng = np.random.default_rng(0)
h = hashlib.sha256()
for m, k, n in {SHAPES!r}:
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    h.update(np.asarray(ops.matmul(a, b)).tobytes())
    h.update(np.asarray(ops.matmul(ops.transpose(b), ops.transpose(a))).tobytes())
print(E.simd_isa(), h.hexdigest())
"""


def test_avx2_and_avx512_variants_give_the_same_bits():
    if E.simd_isa() != "avx512":
        pytest.skip(f"this CPU's best variant is {E.simd_isa()}")
    digests = {}
    for isa in ("avx2", "avx512"):
        env = dict(os.environ, KERAS_LIKE_SIMD_ISA=isa)
        run = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        chosen, digest = run.stdout.split()
        assert chosen == isa
        digests[isa] = digest
    assert digests["avx2"] == digests["avx512"]



@pytest.mark.parametrize("a_shape,b_shape", [((0, 200, 30), (30, 40)), ((200, 30), (0, 30, 40)),
                                             ((3, 0, 30), (30, 40))])
def test_packed_gemm_empty_batches(a_shape, b_shape):
    a = np.ones(a_shape, np.float32)
    b = np.ones(b_shape, np.float32)
    got = np.asarray(ops.matmul(a, b))
    assert got.shape == np.matmul(a, b).shape and got.size == 0


def test_packed_gemm_transposed_a_with_a_batch():
    rng = np.random.default_rng(9)
    stored = rng.standard_normal((3, 30, 200)).astype(np.float32)
    b = rng.standard_normal((30, 40)).astype(np.float32)
    a = ops.swapaxes(ops.convert_to_tensor(stored), 1, 2)  # (3, 200, 30), column-major rows
    _close(ops.matmul(a, b), np.swapaxes(stored, 1, 2), b)
