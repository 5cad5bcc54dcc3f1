"""Fuzz of hostile shapes, sizes, axes, dtypes and values: no crash, no hang, only clear errors.

A seeded generator draws the calls from pools of hostile values; they run in child processes
(tests/child_process.py), so a crash or hang fails the test with the call named instead of
killing the runner. A call may return a value or raise one of the exceptions a NumPy user
expects; a signal, a hang, SystemError, RuntimeError or a nanobind signature dump is a failure.
"""

import random
import zlib

import pytest
from child_process import run_cases

ALLOWED_ERRORS = ("ValueError", "IndexError", "TypeError", "OverflowError", "MemoryError",
                  "NotImplementedError", "ZeroDivisionError")
# No size here is allocatable yet huge (2**31 bytes would really be filled): each is small,
# negative, or far beyond any machine's memory.
SIZES = [0, 1, 2, 3, -1, -7, 2**40, 2**62, 2**63 - 1, 2**63, 2**64, -(2**63)]
AXES = [-100, -65, -4, -3, -2, -1, 0, 1, 2, 3, 63, 64, 2**31, 2**63]
STEPS = [1, 2, -1, -3, 2**31, 2**62, 2**63 - 1, -(2**63), 0]
DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64"]
INT_EXTREMES = [-(2**63), -(2**31), -129, -1, 0, 1, 127, 255, 2**31 - 1, 2**31, 2**63 - 1]
SMALL_SHAPES = ["(0,)", "(3, 0)", "(2, 0, 3)", "(1,)", "(2, 3)", "(1, 1, 1)", "()", "(4, 1, 2)"]



class CaseMaker:
    """Draws hostile calls from the pools above with a seeded generator (reproducible)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pick(self, pool):
        return self.rng.choice(pool)

    def shape(self):
        return repr(tuple(self.pick(SIZES) for _ in range(self.rng.randint(0, 4))))

    def array(self):
        d = self.pick(DTYPES)
        return f'np.ones({self.pick(SMALL_SHAPES)}, "{"float32" if d == "bfloat16" else d}")'

    def ints(self):
        d = self.pick(["int8", "int16", "int32", "int64", "uint8"])
        return f'np.array([{self.pick(INT_EXTREMES)}], "{d}")'

    def creation(self):
        n, m, s = self.pick(SIZES), self.pick(SIZES), self.shape()
        return self.pick([
            f'ops.zeros({s}, "{self.pick(DTYPES)}")', f"ops.full({s}, {self.pick(INT_EXTREMES)})",
            f'ops.ones({s}, dtype="{self.pick(DTYPES)}")', f"ops.eye({n}, {m})",
            f"ops.arange({n}, {m}, {self.pick(STEPS)})", f"ops.linspace(0, 1, {n})",
            f"keras.random.normal({s}, seed=1)", f"keras.random.uniform({s}, seed=1)",
            f"keras.random.randint({s}, 0, {n}, seed=1)",
            f"ops.one_hot(np.array([0, 1]), {n})",
            f"ops.convert_to_tensor({self.pick(INT_EXTREMES + [2**64, -(2**64)])})",
            f"ops.convert_to_tensor([{self.pick(INT_EXTREMES)}, {self.pick(INT_EXTREMES)}])",
        ])

    def reductions(self):
        op = self.pick(["sum", "prod", "mean", "max", "min", "std", "var", "all", "any",
                        "logsumexp", "amax", "argmax", "argmin", "median", "cumsum",
                        "cumprod", "sort", "argsort", "count_nonzero"])
        ax = self.pick(AXES) if self.rng.random() < 0.7 else (self.pick(AXES), self.pick(AXES))
        keep = "" if op in ("cumsum", "cumprod", "sort", "argsort", "count_nonzero") else \
            f", keepdims={self.rng.random() < 0.5}"
        return f"ops.{op}({self.array()}, axis={ax}{keep})"

    def shapes(self):
        a, n, ax, s = self.array(), self.pick(SIZES), self.pick(AXES), self.shape()
        return self.pick([
            f"ops.reshape({a}, {s})", f"ops.broadcast_to({a}, {s})", f"ops.tile({a}, {n})",
            f"ops.repeat({a}, {n})", f"ops.pad({a}, {n})", f"ops.expand_dims({a}, {ax})",
            f"ops.squeeze({a}, {ax})", f"ops.transpose({a}, ({ax}, 0))",
            f"ops.split({a}, {n}, axis={ax})", f"ops.concatenate([{a}, {a}], axis={ax})",
            f"ops.stack([{a}, {a}], axis={ax})",
            f"ops.convert_to_tensor(np.arange(6.))[{n}:{self.pick(SIZES)}:{self.pick(STEPS)}]",
            f"ops.convert_to_tensor(np.ones((2, 3)))[{n}]",
            f"ops.take(np.arange(3.), [{n}], axis={ax})",
            f"ops.take_along_axis(np.ones((2, 3)), np.array([[{n}]]), axis=1)",
            f"ops.scatter(np.array([[{n}]]), np.ones(1), (3,))",
            f"ops.scatter(np.array([[0]]), np.ones(1), {s})", f"ops.top_k(np.arange(4.), {n})",
            f"ops.bincount(np.array([0, 1]), minlength={n})",
            f"ops.matmul({a}, {self.array()})",
        ])

    def arithmetic(self):
        op = self.pick(["add", "subtract", "multiply", "floor_divide", "mod", "power",
                        "divide", "left_shift", "right_shift", "maximum", "bitwise_and",
                        "true_divide"])
        first = self.ints() if self.rng.random() < 0.6 else self.array()
        second = self.pick([self.ints(), self.array(), str(self.pick(INT_EXTREMES))])
        return f"ops.{op}({first}, {second})"

    def linalg(self):
        op = self.pick(["inv", "det", "svd", "eigh", "cholesky", "qr", "slogdet", "lu_factor",
                        "solve"])
        n = self.pick([0, 1, 3])
        matrix = f"np.full(({n}, {n}), {self.pick(['np.nan', 'np.inf', '0.0', '1.0'])}, 'float32')"
        return f"ops.{op}({matrix}, np.ones(({n}, 1), 'float32'))" if op == "solve" else \
            f"ops.{op}({matrix})"


def _verdict(outcome):
    if outcome.kind in ("crashed", "hung"):
        return f"{outcome.kind}: {outcome.describe()}"
    if outcome.kind == "error":
        if not any(outcome.raised(e) for e in ALLOWED_ERRORS):
            return f"unexpected {outcome.error_type}: {outcome.describe()}"
        if "incompatible function arguments" in outcome.message or \
                "Invoked with types" in outcome.message:
            return f"nanobind signature dump: {outcome.describe()}"
    if outcome.kind == "object":
        return f"object array: {outcome.describe()}"
    return None


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("family", ["creation", "reductions", "shapes", "arithmetic", "linalg"])
def test_hostile_calls_never_crash(family, seed):
    maker = CaseMaker(zlib.crc32(f"{family}-{seed}".encode()))
    cases = [getattr(maker, family)() for _ in range(200)]
    failures = [v for v in map(_verdict, run_cases(cases, timeout=120)) if v]
    assert not failures, "\n".join(failures[:20])
