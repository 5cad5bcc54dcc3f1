"""Profile of a replayed (captured) training step: where the time goes, per op kind.

    python bench/graph_profile.py [--workload mlp] [--steps 200] [--threads 2]

Builds the workload's model (bench/bench_keras_like.py), captures its train step with
jit_compile, replays it `--steps` times with kernel timing on, and prints the share of each op
kind, the GEMM throughput inside the step against a large square GEMM measured in the same
process (the practical peak of this host and thread count), and the time outside kernels
(dispatch, allocation, Python).
"""

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "peers"))

from bench_common import config, make_data  # noqa: E402
from bench_keras_like import LOSS, build  # noqa: E402

import keras_like as keras  # noqa: E402
from keras_like import ops  # noqa: E402
from keras_like.backend.engine import _engine  # noqa: E402
from keras_like.trainers.data_adapters import to_tensors  # noqa: E402


def matmul_flops(graph):
    """2*M*N*K per matmul node, from the traced shapes (batched products included)."""
    total = 0
    for node in graph.nodes:
        if not node.op.startswith("matmul"):  # with or without a fused epilogue
            continue
        a, _ = graph.slot_specs[node.inputs[0]]
        out, _ = graph.slot_specs[node.outputs[0]]
        k = a[-1] if len(a) else 1
        total += 2 * int(np.prod(out)) * int(k)
    return total


def square_gemm_gflops(n=2048, reps=5):
    a = ops.convert_to_tensor(np.random.default_rng(0).random((n, n), dtype=np.float32))
    ops.matmul(a, a)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        ops.matmul(a, a)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="mlp", choices=["mlp", "cnn", "lstm", "tiny"])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    keras.config.set_num_threads(args.threads)
    keras.utils.set_random_seed(0)
    cfg = config(args.workload, 0.05)
    x, y = make_data(args.workload, cfg)
    model = build(args.workload, cfg, keras)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=LOSS[args.workload])
    batch = to_tensors((x[: cfg["batch"]], y[: cfg["batch"]], None))
    step = model._step_function("train")
    for _ in range(5):
        step(batch)
    graph = step.get_concrete_function(batch).graph

    _engine.set_op_timing(True)
    start = time.perf_counter()
    for _ in range(args.steps):
        step(batch)
    wall = (time.perf_counter() - start) / args.steps
    timings = _engine.op_timings()
    _engine.set_op_timing(False)

    kernel_total = sum(seconds for _, seconds in timings.values()) / args.steps
    settings = ", ".join(f"{k}={os.environ.get(k, 'unset')}"
                         for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
    print(f"{args.workload} train step, batch {cfg['batch']}, {args.threads} threads, "
          f"{len(graph.nodes)} graph nodes; {settings}")
    print(f"replayed step: {wall * 1e3:.3f} ms; in kernels {kernel_total * 1e3:.3f} ms "
          f"({kernel_total / wall:.0%}); outside kernels {(wall - kernel_total) * 1e6:.0f} us")
    print(f"{'op kind':24}{'calls/step':>12}{'ms/step':>10}{'share':>8}")
    for kind, (calls, seconds) in sorted(timings.items(), key=lambda kv: -kv[1][1]):
        per = seconds / args.steps
        print(f"{kind:24}{calls / args.steps:12.1f}{per * 1e3:10.3f}{per / wall:8.1%}")
    if "matmul" in timings:
        gemm_s = timings["matmul"][1] / args.steps
        achieved = matmul_flops(graph) / gemm_s / 1e9
        peak = square_gemm_gflops()
        print(f"GEMM in the step: {achieved:.0f} GFLOP/s; a 2048^3 GEMM here: {peak:.0f} GFLOP/s "
              f"({achieved / peak:.0%} of it)")


if __name__ == "__main__":
    main()
