"""Reference draws of every `keras_like.random` distribution, for the bit-identity test.

`tests/ops/test_random_reference.py` replays `reference_draws()` and compares it with the
arrays saved in `tests/data/random_reference.npz`. Regenerate the file only when a change of
numbers is intended:

    PYTHONPATH=src python tools/random_reference.py
"""

import os

import numpy as np

OUTPUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "random_reference.npz")


def _stateless_cases(kr, ops):
    """Draws with integer seeds: the same numbers on every call."""
    alpha = np.array([[0.3], [1.0], [2.5], [40.0]], "float32")
    return {
        "normal_f32": lambda: kr.normal((3, 7), seed=11),
        "normal_f64_params": lambda: kr.normal((5, 3), mean=[1.0, 2.0, 3.0], stddev=0.5,
                                               dtype="float64", seed=-3),
        "normal_f16": lambda: kr.normal((9,), dtype="float16", seed=2**40 + 5),
        "normal_bf16": lambda: kr.normal((9,), dtype="bfloat16", seed=7),
        "uniform_f32": lambda: kr.uniform((1001,), minval=-2.0, maxval=3.0, seed=5),
        "uniform_f64": lambda: kr.uniform((4, 5), dtype="float64", seed=2**63 + 17),
        "uniform_bf16": lambda: kr.uniform((33,), minval=0.5, maxval=1.5, dtype="bfloat16",
                                           seed=9),
        "uniform_tensor_bounds": lambda: kr.uniform((2, 3), minval=ops.zeros((3,)),
                                                    maxval=[1.0, 2.0, 3.0], seed=4),
        "truncated_normal_f32": lambda: kr.truncated_normal((257,), mean=1.0, stddev=2.0,
                                                            seed=3),
        "truncated_normal_f64": lambda: kr.truncated_normal((6,), dtype="float64", seed=3),
        "randint_i32": lambda: kr.randint((50,), 0, 10, seed=2),
        "randint_i64_tensor": lambda: kr.randint((3, 4), ops.convert_to_tensor([-5, 0, 7, 100]),
                                                 2**40, dtype="int64", seed=8),
        "gamma_f32": lambda: kr.gamma((4, 250), alpha=alpha, seed=5),
        "gamma_f64_small": lambda: kr.gamma((301,), alpha=0.05, dtype="float64", seed=6),
        "gamma_bf16": lambda: kr.gamma((10,), alpha=3.0, dtype="bfloat16", seed=6),
        "beta_f32": lambda: kr.beta((500,), alpha=2.0, beta=6.0, seed=5),
        "beta_f64_tiny": lambda: kr.beta((77,), alpha=0.01, beta=[0.02], dtype="float64",
                                         seed=1),
        "binomial_small": lambda: kr.binomial((403,), counts=20, probabilities=0.25, seed=4),
        "binomial_large": lambda: kr.binomial((403,), counts=1000.0, probabilities=0.7, seed=4),
        "binomial_mixed": lambda: kr.binomial(
            (6, 4), counts=[[0.0], [3.0], [50.0], [1e6], [7.0], [-1.0]],
            probabilities=[0.0, 0.3, 0.9, 1.0], seed=12),
        "categorical": lambda: kr.categorical([[0.0, 1.0, 2.0], [5.0, -1.0, 0.0]], 37, seed=0),
        "categorical_f64": lambda: kr.categorical(np.log(np.full((3, 5), 0.2)), 11,
                                                  dtype="int64", seed=123),
        "dropout": lambda: kr.dropout(ops.ones((6, 7)), rate=0.4, seed=1),
        "dropout_noise_shape": lambda: kr.dropout(ops.ones((3, 4, 5)), rate=0.5,
                                                  noise_shape=(None, 1, 5), seed=2),
        "shuffle": lambda: kr.shuffle(ops.arange(40), seed=0),
        "shuffle_axis1": lambda: kr.shuffle(ops.reshape(ops.arange(30), (3, 10)), axis=1,
                                            seed=31),
        "seed_tensor": lambda: kr.normal((10,), seed=ops.convert_to_tensor([77, 5], "int64")),
        "seed_ndarray_u8": lambda: kr.uniform((10,), seed=np.array([200, 3], "uint8")),
    }


def _generator_sequence(kr, ops, set_random_seed):
    """Several draws in a row from seeded generators and from the global generator."""
    out = []
    gen = kr.SeedGenerator(1234)
    out.append(kr.normal((5,), seed=gen))
    out.append(kr.uniform((13,), seed=gen))
    out.append(kr.gamma((9,), alpha=0.7, seed=gen))
    out.append(kr.normal((5,), seed=gen))
    out.append(kr.beta((6,), alpha=1.5, beta=2.5, seed=gen))
    out.append(kr.binomial((7,), counts=30, probabilities=0.5, seed=gen))
    out.append(kr.binomial((7,), counts=5, probabilities=0.1, seed=gen))
    out.append(kr.randint((6,), 0, 100, seed=gen))
    out.append(kr.categorical([[1.0, 2.0, 3.0]], 4, seed=gen))
    out.append(kr.dropout(ops.ones((3, 3)), 0.5, seed=gen))
    out.append(kr.dropout(ops.ones((3, 3)), 0.0, seed=gen))  # rate 0 still advances
    out.append(kr.shuffle(ops.arange(9), seed=gen))
    out.append(kr.truncated_normal((5,), seed=gen))
    out.append(gen.next(num_blocks=3))
    out.append(kr.uniform((2,), seed=gen))
    out.append(gen.state.numpy())
    other = kr.SeedGenerator(-99)
    out.extend(kr.uniform((3,), seed=other) for _ in range(3))
    set_random_seed(2024)
    out.extend(kr.normal((4,)) for _ in range(3))
    out.append(kr.gamma((4,), alpha=2.0))
    return out


def reference_draws():
    """Every reference draw as a dict of NumPy arrays (bfloat16 results widened to float32)."""
    import keras_like as keras
    from keras_like import ops
    from keras_like import random as kr
    from keras_like.utils import set_random_seed

    def to_numpy(x):
        if hasattr(x, "dtype") and str(x.dtype) == "bfloat16":
            x = ops.cast(x, "float32")
        return np.asarray(ops.convert_to_numpy(x))

    del keras
    draws = {name: to_numpy(fn()) for name, fn in _stateless_cases(kr, ops).items()}
    for i, x in enumerate(_generator_sequence(kr, ops, set_random_seed)):
        draws[f"sequence_{i:02d}"] = to_numpy(x)
    return draws


def main():
    draws = reference_draws()
    np.savez_compressed(OUTPUT, **draws)
    print(f"wrote {len(draws)} reference draws to {os.path.normpath(OUTPUT)}")


if __name__ == "__main__":
    main()
