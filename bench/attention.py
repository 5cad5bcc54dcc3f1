"""MultiHeadAttention micro-benchmark: forward + backward of self-attention at batch 32,
128 tokens, 4 heads, model dim 256 (key_dim 64), keras_like's layer against an equivalent
PyTorch module (the same four projections around
`torch.nn.functional.scaled_dot_product_attention`), interleaved (run 1 of each framework,
then run 2, ...).

    python bench/attention.py [--runs 3] [--reps 20] [--threads 2] [--torch-python PY]

Each run is a fresh process per framework that times `--reps` steps after warm-up and
reports the median. A step is the forward pass and the gradients of the output (times a
fixed cotangent) with respect to the input and every weight: keras_like under a
GradientTape, PyTorch with torch.autograd.grad. Both processes start from the same weights
and inputs, and the table also shows how far their outputs are apart. The ratio is
torch ms / keras_like ms: above 1 means keras_like is faster.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

BATCH, TOKENS, HEADS, KEY_DIM = 32, 128, 4, 64
MODEL_DIM = HEADS * KEY_DIM


def _median_ms(fn, reps):
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def _data():
    """Input, cotangent and Keras-layout weights: query/key/value kernels
    (dim, heads, key_dim) and biases (heads, key_dim), output kernel (heads, key_dim, dim)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, TOKENS, MODEL_DIM)).astype(np.float32)
    ct = rng.standard_normal((BATCH, TOKENS, MODEL_DIM)).astype(np.float32)
    scale = 1.0 / np.sqrt(MODEL_DIM)
    weights = []
    for _ in range(3):
        weights.append((rng.standard_normal((MODEL_DIM, HEADS, KEY_DIM)) * scale)
                       .astype(np.float32))
        weights.append((rng.standard_normal((HEADS, KEY_DIM)) * 0.1).astype(np.float32))
    weights.append((rng.standard_normal((HEADS, KEY_DIM, MODEL_DIM)) * scale)
                   .astype(np.float32))
    weights.append((rng.standard_normal((MODEL_DIM,)) * 0.1).astype(np.float32))
    return x, ct, weights


def _probe(y):
    """A few output values, so the parent can check both frameworks computed the same."""
    return np.asarray(y)[:2, :3, :5].astype(np.float64).ravel().tolist()


def run_keras_like(args):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import keras_like as keras
    from keras_like import ops

    keras.config.set_num_threads(args.threads)
    x_np, ct_np, weights = _data()
    layer = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=KEY_DIM)
    x, ct = ops.convert_to_tensor(x_np), ops.convert_to_tensor(ct_np)
    layer(x, x)
    layer.set_weights(weights)
    sources = list(layer.trainable_weights)

    def step():
        with keras.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, x)
        return tape.gradient(y, [x] + sources, output_gradients=ct)

    ms = _median_ms(step, args.reps)
    return {"ms": ms, "probe": _probe(ops.convert_to_numpy(layer(x, x)))}


def run_torch(args):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    x_np, ct_np, weights = _data()

    class TorchMultiHeadAttention(torch.nn.Module):
        """Keras's MultiHeadAttention, in PyTorch: one Linear per projection."""

        def __init__(self):
            super().__init__()
            self.query, self.key, self.value, self.out = (
                torch.nn.Linear(MODEL_DIM, MODEL_DIM) for _ in range(4))

        def forward(self, x):
            def heads(t):  # (B, T, H*K) -> (B, H, T, K)
                return t.view(BATCH, TOKENS, HEADS, KEY_DIM).transpose(1, 2)

            q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
            o = F.scaled_dot_product_attention(q, k, v)
            return self.out(o.transpose(1, 2).reshape(BATCH, TOKENS, MODEL_DIM))

    module = TorchMultiHeadAttention()
    with torch.no_grad():
        for linear, (kernel, bias) in zip((module.query, module.key, module.value),
                                          zip(weights[0:6:2], weights[1:6:2])):
            linear.weight.copy_(torch.from_numpy(kernel.reshape(MODEL_DIM, MODEL_DIM).T))
            linear.bias.copy_(torch.from_numpy(bias.reshape(-1)))
        module.out.weight.copy_(torch.from_numpy(weights[6].reshape(MODEL_DIM, MODEL_DIM).T))
        module.out.bias.copy_(torch.from_numpy(weights[7]))
    x = torch.from_numpy(x_np).requires_grad_(True)
    ct = torch.from_numpy(ct_np)
    sources = [x] + list(module.parameters())

    def step():
        y = module(x)
        return torch.autograd.grad(y, sources, ct)

    ms = _median_ms(step, args.reps)
    with torch.no_grad():
        probe = _probe(module(x).numpy())
    return {"ms": ms, "probe": probe}


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
    ap.add_argument("--reps", type=int, default=20)
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
            shown = f"{result['ms']:.2f} ms" if result else "failed"
            print(f"[attention] {name} run {i + 1}: {shown}", flush=True)
            if result:
                runs[name].append(result)
    medians = {name: statistics.median(r["ms"] for r in rs) if rs else float("nan")
               for name, rs in runs.items()}
    print(f"\nMultiHeadAttention forward+backward ms (batch {BATCH}, {TOKENS} tokens, "
          f"{HEADS} heads, dim {MODEL_DIM}, key_dim {KEY_DIM}), medians of {args.runs} "
          f"processes x {args.reps} reps, {args.threads} threads")
    print(f"{'keras_like':>12s}{'torch':>12s}{'torch / keras_like':>22s}")
    ours, theirs = medians["keras_like"], medians["torch"]
    print(f"{ours:12.2f}{theirs:12.2f}{theirs / ours:21.2f}x")
    if runs["keras_like"] and runs["torch"]:
        diff = np.max(np.abs(np.array(runs["keras_like"][0]["probe"])
                             - np.array(runs["torch"][0]["probe"])))
        print(f"max |keras_like - torch| over probed outputs: {diff:.2e}")


if __name__ == "__main__":
    main()
