"""GEMM and training are bit-identical for 1, 2, 3 and 64 threads under every OpenBLAS kernel.

OpenBLAS picks its kernel from OPENBLAS_CORETYPE when the variable is set (AMD hosts of this
machine kind set it to Haswell), and its result for a row depends on the block of rows it is
handed. Each case runs in a child process with the variables set or unset there; the parent's
environment is left alone.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

_CHILD = textwrap.dedent(
    """
    import hashlib, json
    import numpy as np
    import keras_like as keras
    from keras_like import ops

    rng = np.random.default_rng(0)
    shapes = [(100, 100, 100), (300, 300, 300), (257, 129, 65), (33, 700, 40), (1024, 64, 512),
              (20, 5000, 30)]
    mats = [(rng.standard_normal((m, k)).astype("float32"),
             rng.standard_normal((k, n)).astype("float32")) for m, k, n in shapes]
    batched = (rng.standard_normal((3, 130, 90)).astype("float32"),
               rng.standard_normal((90, 70)).astype("float32"))
    x_digits = rng.standard_normal((512, 64)).astype("float32")
    y_digits = rng.integers(0, 10, 512)

    def digest(arrays):
        h = hashlib.sha256()
        for a in arrays:
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()

    def products():
        out = [ops.matmul(a, b).numpy() for a, b in mats]
        out += [ops.matmul(ops.transpose(b), ops.transpose(a)).numpy() for a, b in mats[:3]]
        out.append(ops.matmul(*batched).numpy())
        return out

    def train():
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"),
                                  keras.layers.Dense(10)])
        model.compile(optimizer="adam",
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x_digits, y_digits, batch_size=256, epochs=2, verbose=0, shuffle=False)
        return model.get_weights()

    result = {}
    for threads in (1, 2, 3, 64):
        keras.config.set_num_threads(threads)
        result[threads] = [digest(products()), digest(train())]
    print(json.dumps(result))
    """
)


def _run_child(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    env.update(env_overrides)
    proc = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "env_overrides",
    [{}, {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"},
     {"OPENBLAS_CORETYPE": "Sandybridge"}],
    ids=["openblas-default", "haswell", "sandybridge"],
)
def test_gemm_and_training_bit_identical_across_thread_counts(env_overrides):
    result = _run_child(env_overrides)
    products = {threads: digests[0] for threads, digests in result.items()}
    weights = {threads: digests[1] for threads, digests in result.items()}
    assert len(set(products.values())) == 1, products
    assert len(set(weights.values())) == 1, weights
