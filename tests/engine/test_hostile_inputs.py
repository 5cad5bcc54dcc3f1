"""Issue-7 reproducers: hostile inputs give NumPy's answer or a clear error, never a crash.

Every case runs in a child process (tests/child_process.py), so a SIGFPE, SIGSEGV, SIGABRT or
hang is a failed test with the case named, not a dead test runner.
"""

import numpy as np
import pytest
from child_process import run_cases

# ---- reductions over empty axes: the result must equal NumPy's --------------------------------

EMPTY_REDUCTIONS = [
    ("sum", "(3, 0)", "axis=0"), ("sum", "(3, 0)", "axis=1"), ("sum", "(2, 0, 3)", "axis=0"),
    ("prod", "(3, 0)", "axis=0"), ("prod", "(3, 0)", "axis=1"), ("prod", "(2, 0, 3)", "axis=1"),
    ("mean", "(3, 0)", "axis=0"), ("mean", "(2, 0, 3)", "axis=0"),
    ("max", "(3, 0)", "axis=0"), ("min", "(2, 0, 3)", "axis=0"),
    ("amax", "(2, 0, 3)", "axis=0"), ("amin", "(3, 0)", "axis=0"),
    ("std", "(3, 0)", "axis=0"), ("var", "(2, 0, 3)", "axis=0"),
    ("all", "(3, 0)", "axis=0"), ("all", "(3, 0)", "axis=1"), ("any", "(2, 0, 3)", "axis=1"),
    ("any", "(2, 0, 3)", "axis=0, keepdims=True"), ("sum", "(3, 0)", "axis=0, keepdims=True"),
    ("count_nonzero", "(3, 0)", "axis=0"), ("count_nonzero", "(3, 0)", "axis=1"),
    ("sum", "(2, 0, 3)", "axis=(0, 2)"), ("prod", "(0,)", "axis=None"),
]
NUMPY_NAME = {"amax": "max", "amin": "min"}


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_reductions_over_empty_axes_match_numpy(dtype):
    cases = [f'ops.{op}(np.zeros({shape}, "{dtype}"), {kw})'
             for op, shape, kw in EMPTY_REDUCTIONS]
    for (op, shape, kw), outcome in zip(EMPTY_REDUCTIONS, run_cases(cases)):
        with np.errstate(all="ignore"):
            expected = eval(f"np.{NUMPY_NAME.get(op, op)}(np.zeros({shape}, '{dtype}'), {kw})")
        assert outcome.kind == "value", outcome.describe()
        assert outcome.value.shape == np.shape(expected), outcome.describe()
        np.testing.assert_array_equal(outcome.value, expected, err_msg=outcome.code)


@pytest.mark.parametrize("case", [
    'ops.max(np.zeros((3, 0), "float32"), axis=1)',
    'ops.min(np.zeros((2, 0, 3), "float32"), axis=1)',
    'ops.argmax(np.zeros((3, 0), "float32"), axis=1)',
])
def test_extremum_of_nothing_is_a_value_error_like_numpy(case):
    [outcome] = run_cases([case])
    assert outcome.raised("ValueError"), outcome.describe()


def test_logsumexp_and_norm_of_empty_axes():
    [lse, norm, lse_all] = run_cases([
        'ops.logsumexp(np.zeros((3, 0), "float32"), axis=0)',
        'ops.norm(np.zeros((3, 0), "float32"), axis=0)',
        'ops.logsumexp(np.zeros((3, 0), "float32"), axis=1)',
    ])
    assert lse.kind == "value" and lse.value.shape == (0,), lse.describe()
    assert norm.kind == "value" and norm.value.shape == (0,), norm.describe()
    np.testing.assert_array_equal(lse_all.value, np.full(3, -np.inf, "float32"))


# ---- integer division and remainder never trap: NumPy's wrap-around ---------------------------

@pytest.mark.parametrize("dtype,low", [("int8", -2**7), ("int16", -2**15), ("int32", -2**31),
                                       ("int64", -2**63)])
def test_most_negative_divided_by_minus_one_wraps_like_numpy(dtype, low):
    pair = f'np.array([{low}, 7, -7], "{dtype}"), np.array([-1, -1, 0], "{dtype}")'
    cases = [f"ops.floor_divide({pair})", f"ops.mod({pair})",
             f'ops.convert_to_tensor(np.array([{low}], "{dtype}")) // -1',
             f'ops.convert_to_tensor(np.array([{low}], "{dtype}")) % -1']
    a = np.array([low, 7, -7], dtype)
    b = np.array([-1, -1, 0], dtype)
    with np.errstate(all="ignore"):
        expected = [np.floor_divide(a, b), np.mod(a, b), a[:1] // np.array(-1, dtype),
                    a[:1] % np.array(-1, dtype)]
    for outcome, want in zip(run_cases(cases), expected):
        assert outcome.kind == "value", outcome.describe()
        np.testing.assert_array_equal(outcome.value, want, err_msg=outcome.code)


# ---- shapes: overflow-checked, rank-limited, never negative -----------------------------------

@pytest.mark.parametrize("case,error,pattern", [
    ("ops.full((2**31, 2**31), 1.0)", "ValueError", r"full.*\(2147483648, 2147483648\).*bytes"),
    ("ops.zeros((2**31, 2**31))", "ValueError", r"zeros.*too large"),
    ("ops.empty((2**62,))", "ValueError", r"too large"),
    ("ops.zeros((2**32, 2**32))[12345, 6789]", "ValueError", r"too large"),
    ("ops.zeros((2**61 + 1,))", "ValueError", r"too large"),
    ("ops.sum(ops.ones((2**32, 2**32)))", "ValueError", r"ones.*too large"),
    ("ops.ones((2**33, 2**31)).size", "ValueError", r"too large"),
    ("ops.zeros((2**63,))", "ValueError", r"zeros.*9223372036854775808"),
    ("ops.zeros((2**40,))", "MemoryError",
     r"cannot allocate 4398046511104 bytes.*\(1099511627776,\)"),
    ("ops.eye(2**40)", "MemoryError", r"cannot allocate"),
    ("ops.one_hot(np.array([1, 2]), 2**40)", "MemoryError", r"cannot allocate"),
    ("np.asarray(ops.zeros((1,) * 200))", "ValueError", r"at most 64 dimensions"),
    ("np.asarray(ops.zeros((1,) * 65))", "ValueError", r"at most 64 dimensions"),
    ("ops.reshape(ops.zeros((1,) * 64), (1,) * 65)", "ValueError", r"at most 64 dimensions"),
    ("ops.broadcast_to(np.ones(3), (-1, 3))", "ValueError", r"broadcast_to.*negative"),
    ("ops.ones((3, -2))", "ValueError", r"ones.*non-negative"),
    ("ops.tile(np.ones(3), 2**62)", "ValueError", r"too large"),
    ("ops.repeat(np.ones(3), 2**62)", "ValueError", r"too large"),
    ("ops.arange(0, 2**62)", "OverflowError", r"arange.*int32"),
    ("ops.arange(0, 2**62, dtype='int64')", "ValueError", r"arange.*too large"),
    ("ops.linspace(0, 1, 2**62)", "ValueError", r"too large"),
    # Found by the fuzz suite: 3 + 2 * (2**63 - 1) wrapped to 1, and the kernel then wrote the
    # input past the end of the output ("double free or corruption").
    ('ops.pad(np.ones((2, 3), "bool"), 2**63 - 1)', "ValueError", r"pad.*2\^63"),
    ("ops.concatenate([ops.broadcast_to(np.ones(1, bool), (2**62,))] * 3)", "ValueError",
     r"concatenate.*2\^63"),
    ('ops.split(np.ones((3, 0), "int16"), 2**40, axis=-1)', "ValueError", r"split.*sections"),
    ("ops.cumsum(np.ones(3), axis=2**63)", "OverflowError", r"cumulative.*64 bits"),
    ("ops.broadcast_to(np.ones(1), (2**63, 3))", "OverflowError", r"broadcast_to.*64 bits"),
    # BLAS takes 32-bit sizes: broadcast views make such products without the memory, and
    # they must be refused before anything is copied, not computed wrong.
    ("ops.matmul(ops.broadcast_to(np.ones((1, 1), 'float32'), (1, 2**31 + 5)), "
     "ops.broadcast_to(np.ones((1, 1), 'float32'), (2**31 + 5, 1)))", "ValueError",
     r"matmul.*2\^31"),
    ("ops.dot_product_attention(ops.broadcast_to(np.ones((1, 1, 1, 1), 'float32'), "
     "(1, 1, 2**20, 2**12)), ops.broadcast_to(np.ones((1, 1, 1, 1), 'float32'), "
     "(1, 1, 2**20, 2**12)), ops.broadcast_to(np.ones((1, 1, 1, 1), 'float32'), "
     "(1, 1, 2**20, 2**12)))", "ValueError", r"dot_product_attention.*2\^31"),
    ("__import__('keras_like.ops.recurrent', fromlist=['r']).lstm_sequence("
     "ops.broadcast_to(np.ones((1, 1, 1), 'float32'), (1, 2**22, 2**12)), "
     "np.ones((2**10, 2**12), 'float32'), np.zeros((1, 2**10), 'float32'), "
     "np.zeros((1, 2**10), 'float32'))", "ValueError", r"lstm_sequence.*2\^31"),
])
def test_impossible_shapes_raise_clear_errors(case, error, pattern):
    import re

    [outcome] = run_cases([case])
    assert outcome.raised(error), outcome.describe()
    assert re.search(pattern, outcome.message), outcome.describe()


def test_extreme_slice_steps_match_numpy():
    x = np.arange(5.0)
    cases = ["ops.convert_to_tensor(np.arange(5.))[::2**63 - 1]",
             "ops.convert_to_tensor(np.arange(5.))[::-2**63]",
             "ops.convert_to_tensor(np.arange(5.))[3::-2**62]",
             "ops.convert_to_tensor(np.arange(5.))[-2**63:2**63 - 1:2**62]"]
    expected = [x[::2**63 - 1], x[::-2**63], x[3::-2**62], x[-2**63:2**63 - 1:2**62]]
    for outcome, want in zip(run_cases(cases), expected):
        assert outcome.kind == "value", outcome.describe()
        np.testing.assert_array_equal(outcome.value, want, err_msg=outcome.code)


# ---- Python ints: exact, or a clear OverflowError ---------------------------------------------

def test_python_ints_stay_exact():
    cases = ["ops.convert_to_tensor([3_000_000_000, 1])",
             'ops.add(np.array([0], "int64"), 2**53 + 1)',
             'ops.full((2,), 2**62 + 1, dtype="int64")',
             "ops.convert_to_tensor(2**40)",
             'ops.multiply(np.array([3], "int64"), 2**61 + 1)']
    expected = [np.array([3_000_000_000, 1]), np.array([2**53 + 1]), np.full(2, 2**62 + 1),
                np.array(2**40), np.array([3], "int64") * np.int64(2**61 + 1)]
    for outcome, want in zip(run_cases(cases), expected):
        assert outcome.kind == "value", outcome.describe()
        assert outcome.value.dtype == np.int64, outcome.describe()
        np.testing.assert_array_equal(outcome.value, want, err_msg=outcome.code)


@pytest.mark.parametrize("case,error", [
    ("ops.take(np.arange(3.), [2**40])", "IndexError"),
    ('ops.arange(2**31 - 2, 2**31 + 2, dtype="int32")', "OverflowError"),
    ("ops.convert_to_tensor(2**70)", "OverflowError"),
    ("ops.convert_to_tensor([1, 2**70])", "OverflowError"),
    ('ops.convert_to_tensor([3_000_000_000], dtype="int32")', "OverflowError"),
    ('ops.full((2,), 2**40, dtype="int32")', "OverflowError"),
    ('ops.add(np.array([1], "int32"), 2**40)', "OverflowError"),
    ('ops.add(np.array([1], "int8"), 300)', "OverflowError"),
    ('ops.add(np.array([1], "int64"), 2**64)', "OverflowError"),
])
def test_python_ints_that_do_not_fit_raise(case, error):
    [outcome] = run_cases([case])
    assert outcome.raised(error), outcome.describe()


# ---- NaN goes where NumPy puts it -------------------------------------------------------------

def test_nan_placement_follows_numpy():
    literal = "np.array([1, np.nan, 3, -np.inf, 2, np.nan], 'float32')"
    x = eval(literal)
    cases = ["ops.sign(np.array([np.nan, -1, 0, 2, -0.0], 'float32'))",
             f"ops.argmax({literal})", f"ops.argmin({literal})", f"ops.sort({literal})",
             f"ops.argsort({literal})", f"ops.top_k({literal}, 3)[0]",
             f"ops.top_k({literal}, 3)[1]"]
    expected = [np.sign(np.array([np.nan, -1, 0, 2, -0.0], "float32")), np.argmax(x),
                np.argmin(x), np.sort(x), np.argsort(x, kind="stable"),
                np.array([np.nan, np.nan, 3], "float32"), np.array([1, 5, 2])]
    for outcome, want in zip(run_cases(cases), expected):
        assert outcome.kind == "value", outcome.describe()
        np.testing.assert_array_equal(outcome.value, want, err_msg=outcome.code)


# ---- errors that say what is wrong ------------------------------------------------------------

@pytest.mark.parametrize("case,error,pattern", [
    ('ops.mean(np.ones((2, 3), "float32"), axis=5)', "IndexError", r"`mean`.*axis 5"),
    ('ops.logsumexp(np.ones((2, 3), "float32"), axis=5)', "IndexError", r"`logsumexp`.*axis 5"),
    ('ops.std(np.ones((2, 3), "float32"), axis=-3)', "IndexError", r"`var`|`std`"),
    ('ops.svd(np.full((3, 3), np.nan, "float32"))', "LinAlgError", r"svd.*NaN or inf"),
    ('ops.eigh(np.full((3, 3), np.inf, "float32"))', "LinAlgError", r"eigh.*NaN or inf"),
    ('ops.inv(np.zeros((3, 3), "float32"))', "LinAlgError", r"`inv`.*singular"),
    ('ops.solve(np.zeros((3, 3), "float32"), np.ones((3, 1), "float32"))', "LinAlgError",
     r"`solve`.*singular"),
    ('ops.inv(np.zeros((3, 3), "float32"))', "ValueError", r"singular"),
])
def test_errors_name_the_op_and_the_problem(case, error, pattern):
    import re

    [outcome] = run_cases([case])
    assert outcome.raised(error), outcome.describe()
    assert re.search(pattern, outcome.message), outcome.describe()
    assert "incompatible function arguments" not in outcome.message
    assert "internal error" not in outcome.message


def test_no_nanobind_signature_dumps_for_bad_sizes():
    outcomes = run_cases(["ops.zeros((2**63,))", "ops.full((2**64,), 1)", "ops.ones((-2**63,))",
                          "ops.reshape(np.ones(4), (2**63,))"])
    for outcome in outcomes:
        assert outcome.kind == "error", outcome.describe()
        assert "Invoked with types" not in outcome.message, outcome.describe()
        assert "incompatible function arguments" not in outcome.message, outcome.describe()
