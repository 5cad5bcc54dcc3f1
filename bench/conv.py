"""Convolution micro-benchmark: forward + backward of each W2 convolution and of a ResNet-style
3x3 64->64 convolution on 56x56 at batch 8, keras_like against PyTorch (its oneDNN kernels) in
the same run, interleaved (run 1 of each framework, then run 2, ...).

    python bench/conv.py [--runs 3] [--reps 30] [--threads 2] [--torch-python PY]

Each run is a fresh process per framework that times every case `--reps` times after warm-up
and reports the median; the table shows medians over runs and keras_like's speed ratio
(torch ms / keras_like ms: above 1 means keras_like is faster). PyTorch runs both memory
formats (NCHW and channels_last) and the faster one counts. Set or unset OPENBLAS_CORETYPE in
the caller's environment to compare OpenBLAS settings; both are printed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

# name: (input NHWC, kernel (kh, kw, in, out), padding, input needs a gradient)
CASES = {
    "w2_conv1 28x28x1->32": ((128, 28, 28, 1), (3, 3, 1, 32), "valid", False),
    "w2_conv2 13x13x32->64": ((128, 13, 13, 32), (3, 3, 32, 64), "valid", True),
    "resnet 56x56x64->64 b8": ((8, 56, 56, 64), (3, 3, 64, 64), "same", True),
}


def _median_ms(fn, reps):
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def _data(case):
    x_shape, k_shape, _, _ = CASES[case]
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    k = (rng.standard_normal(k_shape) * 0.1).astype(np.float32)
    return x, k


def run_keras_like(args):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import keras_like as keras
    from keras_like import ops

    keras.config.set_num_threads(args.threads)
    results = {}
    for case, (_, _, padding, input_grad) in CASES.items():
        x_np, k_np = _data(case)
        # A first layer's input is data, not a variable: no input gradient is computed.
        x = keras.Variable(x_np) if input_grad else ops.convert_to_tensor(x_np)
        k = keras.Variable(k_np)
        x_value = x.value if input_grad else x
        ct = ops.ones(ops.conv(x_value, k.value, padding=padding).shape)
        sources = [k, x] if input_grad else [k]

        def step(x_value=x_value, k=k, padding=padding, sources=sources, ct=ct):
            with keras.GradientTape() as tape:
                y = ops.conv(x_value, k.value, padding=padding)
            return tape.gradient(y, sources, output_gradients=ct)

        results[case] = _median_ms(step, args.reps)
    return results


def run_torch(args):
    import torch

    torch.set_num_threads(args.threads)
    results = {}
    for case, (_, _, padding, input_grad) in CASES.items():
        x_np, k_np = _data(case)
        best = None
        for memory_format in (torch.contiguous_format, torch.channels_last):
            x = torch.from_numpy(x_np).permute(0, 3, 1, 2).contiguous(memory_format=memory_format)
            x.requires_grad_(input_grad)
            k = torch.from_numpy(k_np).permute(3, 2, 0, 1).contiguous(memory_format=memory_format)
            k.requires_grad_(True)
            pad = 1 if padding == "same" else 0
            ct = torch.ones_like(torch.nn.functional.conv2d(x, k, padding=pad))

            def step(x=x, k=k, pad=pad, ct=ct, sources=[k, x] if input_grad else [k]):
                y = torch.nn.functional.conv2d(x, k, padding=pad)
                return torch.autograd.grad(y, sources, ct)

            ms = _median_ms(step, args.reps)
            best = ms if best is None else min(best, ms)
        results[case] = best
    return results


def child(args):
    runner = run_keras_like if args.child == "keras_like" else run_torch
    print("RESULT " + json.dumps(runner(args)))


def spawn(python, framework, args):
    cmd = [python, os.path.abspath(__file__), "--child", framework, "--reps", str(args.reps),
           "--threads", str(args.threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    print(f"  {framework} failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--torch-python", default=sys.executable)
    ap.add_argument("--child", choices=["keras_like", "torch"])
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    pythons = {"keras_like": sys.executable, "torch": args.torch_python}
    runs = {name: [] for name in pythons}
    for i in range(args.runs):
        for name, python in pythons.items():
            result = spawn(python, name, args)
            print(f"[conv] {name} run {i + 1}: {'ok' if result else 'failed'}", flush=True)
            if result:
                runs[name].append(result)
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(f"\nconv forward+backward ms, medians of {args.runs} processes x {args.reps} reps, "
          f"{args.threads} threads, {env}")
    print(f"{'case':28s}{'keras_like':>12s}{'torch':>12s}{'torch / keras_like':>22s}")
    for case in CASES:
        ours = [r[case] for r in runs["keras_like"]]
        theirs = [r[case] for r in runs["torch"]]
        a = statistics.median(ours) if ours else float("nan")
        b = statistics.median(theirs) if theirs else float("nan")
        print(f"{case:28s}{a:12.2f}{b:12.2f}{b / a:21.2f}x")


if __name__ == "__main__":
    main()
