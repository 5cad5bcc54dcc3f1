"""Training benchmarks W1 (MLP), W2 (CNN), W3 (LSTM) and W4 (tiny): keras_like against TF-Keras,
PyTorch eager and Keras on JAX, measured in the same run on the same host (see
../shared/bench/WORKLOADS.md).

    python bench/training.py [--runs 3] [--workloads mlp cnn lstm tiny] [--scale 1.0]
                             [--tf-python PY] [--torch-python PY] [--jax-python PY]

Each framework runs in its own process, `--runs` times per workload; the table shows medians
and keras_like's ratio to each peer (higher is better for throughput, lower for latency and
memory). A peer whose Python lacks its framework is reported as skipped.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")


def run(cmd, env=None):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail)}


def host_line():
    """The CPU and the OpenBLAS settings every process of this run inherits: on AMD hosts
    OPENBLAS_CORETYPE holds OpenBLAS (and so some peers) to AVX2 kernels."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    settings = ", ".join(f"{k}={os.environ.get(k, 'unset')}"
                         for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
    return f"host: {model}; {settings}"


def frameworks(args):
    env_jax = dict(os.environ, KERAS_BACKEND="jax")
    return {
        "keras_like": lambda w: [sys.executable, os.path.join(HERE, "bench_keras_like.py"), w,
                                 "--threads", str(args.threads), "--scale", str(args.scale)],
        # The same model with run_eagerly=True: what the captured step gains over eager.
        "kl-eager": lambda w: [sys.executable, os.path.join(HERE, "bench_keras_like.py"), w,
                               "--threads", str(args.threads), "--scale", str(args.scale),
                               "--eager"],
        "tf-keras": lambda w: [args.tf_python, os.path.join(PEERS, "bench_tf.py"), w,
                               "--threads", str(args.threads), "--scale", str(args.scale)],
        "torch-eager": lambda w: [args.torch_python, os.path.join(PEERS, "bench_torch.py"), w,
                                  "--threads", str(args.threads), "--scale", str(args.scale)],
        "keras-jax": (lambda w: [args.jax_python, os.path.join(PEERS, "bench_keras.py"), w,
                                 "--threads", str(args.threads), "--scale", str(args.scale)],
                      env_jax),
    }


METRICS = [
    ("train_samples_per_s", "train samples/s", True),
    ("predict_samples_per_s", "predict samples/s", True),
    ("latency_b32_median_ms", "train_on_batch b32 ms", False),
    ("peak_rss_mb_self", "peak RSS MB", False),
    ("peak_rss_mb_after_data", "  of which data gen MB", False),
    ("import_s", "import s", False),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workloads", nargs="+", default=["mlp", "tiny"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--tf-python", default=sys.executable)
    ap.add_argument("--torch-python", default=sys.executable)
    ap.add_argument("--jax-python", default=sys.executable)
    ap.add_argument("--only", nargs="+", help="subset of frameworks to run")
    args = ap.parse_args()

    results = {}
    chosen = {n: s for n, s in frameworks(args).items() if not args.only or n in args.only}
    for workload in args.workloads:
        failed = set()
        # Interleaved: run 1 of every framework, then run 2, ... The host is shared and its
        # speed drifts within minutes, so back-to-back runs of one framework would skew ratios.
        for attempt in range(args.runs):
            for name, spec in chosen.items():
                if name in failed:
                    continue
                cmd_fn, env = spec if isinstance(spec, tuple) else (spec, None)
                r = run(cmd_fn(workload), env)
                if "error" in r:
                    failed.add(name)
                    results[(workload, name)] = [r]
                else:
                    results.setdefault((workload, name), []).append(r)
                status = r.get("error", "ok")
                print(f"[{workload}] {name} run {attempt + 1}: {status[:120]}", file=sys.stderr)

    print(host_line())
    for workload in args.workloads:
        print(f"\n{workload}: medians of {args.runs} processes, {args.threads} threads")
        names = [n for n in frameworks(args) if (workload, n) in results]
        header = f"{'metric':24}" + "".join(f"{n:>14}" for n in names) + "   keras_like / peer"
        print(header)
        print("-" * len(header))
        for key, label, higher in METRICS:
            values = {}
            for n in names:
                runs = results[(workload, n)]
                xs = [r[key] for r in runs if "error" not in r and r.get(key) is not None]
                values[n] = statistics.median(xs) if xs else None
            if all(v is None for v in values.values()):
                continue
            cells = "".join(f"{values[n]:14.2f}" if values[n] is not None else f"{'-':>14}"
                            for n in names)
            ours = values.get("keras_like")
            ratios = []
            for n in names:
                if n == "keras_like" or values[n] is None or ours is None:
                    continue
                ratio = ours / values[n] if higher else values[n] / ours
                ratios.append(f"{n} {ratio:.2f}x")
            print(f"{label:24}{cells}   {', '.join(ratios)}")
        for n in names:
            runs = results[(workload, n)]
            if "error" in runs[0]:
                print(f"  {n}: skipped ({runs[0]['error'][:150]})")


if __name__ == "__main__":
    main()
