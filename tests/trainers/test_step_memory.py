"""Training steps on NumPy batches leave the Python heap as they found it.

Each step converts new NumPy arrays, runs the model, the loss, the optimizer and the metrics;
any cache keyed by id or shape, list of results or counter that grows per step shows up as
tracemalloc growth. The steps run in a child process so the measurement sees only them.
"""

import os
import subprocess
import sys
import textwrap

STEPS = 1500
# Bytes the Python heap may grow over STEPS steps after warm-up (a per-step leak of even
# 3 bytes exceeds it).
BOUND = 4 * 1024

CHILD = textwrap.dedent(f"""
    import gc
    import tracemalloc

    import numpy as np

    import keras_like as keras

    rng = np.random.default_rng(0)
    x = rng.random((640, 16)).astype("float32")
    y = rng.integers(0, 5, 640)
    weights = rng.random(640).astype("float32")
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(5, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])

    def steps(n):
        for i in range(n):
            j = (i % 20) * 32  # slices: new NumPy arrays every step, as fit's batches are
            model.train_on_batch(x[j:j + 32], y[j:j + 32], sample_weight=weights[j:j + 32])

    steps(300)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    steps({STEPS})
    gc.collect()
    print(tracemalloc.get_traced_memory()[0] - before)
""")


def test_train_on_batch_does_not_grow_the_python_heap():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    growth = int(result.stdout.split()[-1])
    assert growth < BOUND, f"the Python heap grew {growth} bytes over {STEPS} steps"
