"""keras_like.profiler: every kernel, any thread, as a Chrome trace and a top-ops table."""

import gzip
import json
import threading

import numpy as np

import keras_like as keras
from keras_like import ops


def test_trace_records_kernels_with_shapes_and_writes_chrome_json(tmp_path, capsys):
    a = ops.convert_to_tensor(np.ones((8, 16), "float32"))
    b = ops.convert_to_tensor(np.ones((16, 4), "float32"))
    with keras.profiler.trace(tmp_path) as profile:
        for _ in range(3):
            ops.matmul(a, b)
        ops.add(a, a)
    ops.matmul(a, b)  # after the trace: not recorded
    names = [e[0] for e in profile.events]
    assert names.count("matmul") == 3 and names.count("add") == 1
    matmul = next(e for e in profile.events if e[0] == "matmul")
    assert matmul[4] == "float32(8, 16), float32(16, 4) -> float32(8, 4)"
    assert matmul[5] == (8 * 16 + 16 * 4 + 8 * 4) * 4
    assert all(e[2] >= 0 for e in profile.events)
    with gzip.open(profile.path, "rt") as f:
        trace = json.load(f)
    complete = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert [e["name"] for e in complete] == names
    assert complete[0]["args"]["shapes"] == matmul[4]
    out = capsys.readouterr().out
    assert "matmul" in out and "calls" in out
    top = dict((row[0], row[1]) for row in profile.table)
    assert top == {"matmul": 3, "add": 1}


def test_replays_on_other_threads_are_recorded(tmp_path):
    @keras.function
    def fn(x):
        return ops.exp(x) * 2.0 + 1.0

    x = np.ones(1000, "float32")
    fn(x)
    with keras.profiler.trace(tmp_path, print_top=0) as profile:
        worker = threading.Thread(target=lambda: fn(x))
        worker.start()
        worker.join()
        fn(x)
    threads = {e[3] for e in profile.events}
    assert len(threads) == 2 and len(profile.events) == 2  # one fused node per replay
