"""Engine micro-benchmarks: keras_like against NumPy (and TensorFlow / PyTorch when installed).

    python bench/engine.py [--quick]

Every figure is a median over repeated runs in this process; ratios compare runs made in the
same invocation, because the host and its load change between runs. Ratio > 1 means keras_like
is faster.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np


def median_time(fn, repeat, number=1):
    # Let the previous library's spinning worker threads (OpenBLAS, OpenMP) go idle first: on
    # two cores they would otherwise steal a core from whatever is measured next.
    time.sleep(0.3)
    times = []
    for _ in range(3):
        fn()  # warm-up: caches, allocator, thread wake-up
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def try_import(name):
    try:
        return __import__(name)
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return None


def dispatch_rows(ops, keras):
    a_np = np.ones((4, 4), np.float32)
    a = ops.convert_to_tensor(a_np)
    b = ops.convert_to_tensor(a_np)
    rows = []
    ref = median_time(lambda: np.add(a_np, a_np), 15, 20000)
    t = median_time(lambda: ops.add(a, b), 15, 20000)
    rows.append(("ops.add 4x4 (µs)", t * 1e6, ref * 1e6, "numpy np.add", "target <= 1.5 µs"))
    v = keras.Variable(a_np)
    with keras.GradientTape():
        t = median_time(lambda: ops.add(v, b), 15, 20000)
    rows.append(("ops.add 4x4 under a tape (µs)", t * 1e6, ref * 1e6, "numpy np.add",
                 "target <= 3 µs"))
    return rows


def matmul_rows(ops, torch, tf, quick):
    rows = []
    sizes = [64, 128, 256, 512, 1024] + ([] if quick else [2048])
    for n in sizes:
        x = np.random.default_rng(0).random((n, n), dtype=np.float32)
        y = np.random.default_rng(1).random((n, n), dtype=np.float32)
        tx, ty = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
        repeat = max(5, min(200, int(3e9 / n**3)))
        # Defaults bind this iteration's arrays (B023): a late-binding closure would not.
        t_kl = median_time(lambda tx=tx, ty=ty: ops.matmul(tx, ty), repeat)
        t_np = median_time(lambda x=x, y=y: x @ y, repeat)
        flops = 2.0 * n**3
        note = "target >= 2x" if n in (128, 256) else "target >= 0.9x"
        extra = []
        if n == 2048:
            if torch is not None:
                px, py = torch.from_numpy(x), torch.from_numpy(y)
                t_torch = median_time(lambda px=px, py=py: px @ py, repeat)
                extra.append(f"torch {flops / t_torch / 1e9:.0f}")
            if tf is not None:
                fx, fy = tf.constant(x), tf.constant(y)
                t_tf = median_time(lambda fx=fx, fy=fy: tf.matmul(fx, fy).numpy(), repeat)
                extra.append(f"tf {flops / t_tf / 1e9:.0f}")
        rows.append((f"matmul f32 {n} (GFLOP/s)", flops / t_kl / 1e9, flops / t_np / 1e9,
                     "numpy", " ".join([note] + extra)))
    return rows


def elementwise_rows(ops, quick):
    n = 10**6 if quick else 10**7
    x = np.random.default_rng(0).random(n, dtype=np.float32)
    y = np.random.default_rng(1).random(n, dtype=np.float32)
    tx, ty = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
    rows = []
    for name, kl_fn, np_fn in [
        ("add", lambda: ops.add(tx, ty), lambda: np.add(x, y)),
        ("exp", lambda: ops.exp(tx), lambda: np.exp(x)),
        ("sum", lambda: ops.sum(tx), lambda: np.sum(x)),
    ]:
        t_kl, t_np = median_time(kl_fn, 21), median_time(np_fn, 21)
        # Reported as throughput so that "higher is better" holds for every row.
        rows.append((f"{name} f32 1e{len(str(n)) - 1} (Gelem/s)", n / t_kl / 1e9, n / t_np / 1e9,
                     "numpy", "target >= 1.5x"))
    return rows


def import_rows():
    def run(stmt):
        times = []
        for _ in range(7):
            code = f"import time; t=time.perf_counter(); {stmt}; print(time.perf_counter()-t)"
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
        return statistics.median(times)

    t_kl, t_np = run("import keras_like"), run("import numpy")
    # Lower is better for time; express as 1/time so the ratio column reads the same way.
    return [("import keras_like (s)", t_kl, t_np, "import numpy", "target < 0.3 s")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for CI smoke runs")
    args = parser.parse_args()
    import keras_like as keras
    from keras_like import _engine, ops

    torch = None if args.quick else try_import("torch")
    tf = None if args.quick else try_import("tensorflow")
    if torch is not None:
        torch.set_num_threads(keras.config.get_num_threads())
    print(f"keras_like threads={keras.config.get_num_threads()} simd={_engine.simd_isa()} "
          f"openblas core={_engine.blas_core_name()} "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')} "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '-')}")
    print(f"numpy {np.__version__}; torch {getattr(torch, '__version__', '-')}; "
          f"tensorflow {getattr(tf, '__version__', '-')}")
    header = f"{'benchmark':34} {'keras_like':>11} {'reference':>11} {'ratio':>7}  reference / note"
    print(header)
    print("-" * len(header))
    lower_is_better = ("(µs)", "(s)")
    for rows in (dispatch_rows(ops, keras), matmul_rows(ops, torch, tf, args.quick),
                 elementwise_rows(ops, args.quick), import_rows()):
        for name, ours, ref, ref_name, note in rows:
            ratio = ref / ours if name.endswith(lower_is_better) else ours / ref
            print(f"{name:34} {ours:11.3f} {ref:11.3f} {ratio:6.2f}x  {ref_name}; {note}")


if __name__ == "__main__":
    main()
