"""Text preprocessing benchmark: TextVectorization adapt and call, and Hashing, on 10^5 short
synthetic documents, keras_like against real Keras (on TensorFlow) run interleaved.

    python bench/text.py [--runs 3] [--reps 3] [--docs 100000]
                         [--keras-python /work/venv-tf/bin/python]

Each run is a fresh process per framework that times every case `--reps` times after one
warm-up and reports the median; the table shows medians over runs and keras_like's speed ratio
(Keras ms / keras_like ms: above 1 means keras_like is faster). Without `--keras-python` only
keras_like runs. The documents are generated offline from a fixed seed with Python's `random`
(the same stream in both processes): 3 to 12 Zipf-like words from 5000, some capitalised, some
with punctuation.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

CASES = ["adapt int", "call int (osl 16)", "adapt tf_idf", "call tf_idf", "Hashing 10^5",
         "Hashing salted 10^5"]


def make_docs(count, seed=0):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(5000)]
    # Zipf-like word frequencies: weight 1 / rank.
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    docs = []
    for _ in range(count):
        picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 12))
        if rng.random() < 0.3:
            picked[0] = picked[0].upper()
        text = " ".join(picked)
        docs.append(text + ("." if rng.random() < 0.5 else "!"))
    return docs


def _median_ms(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def run(args, keras):
    import numpy as np

    docs = np.array(make_docs(args.docs))
    results = {}
    int_layer = keras.layers.TextVectorization(max_tokens=20000, output_sequence_length=16)
    results["adapt int"] = _median_ms(lambda: int_layer.adapt(docs), args.reps)
    results["call int (osl 16)"] = _median_ms(lambda: int_layer(docs), args.reps)
    tf_idf = keras.layers.TextVectorization(max_tokens=2000, output_mode="tf_idf")
    results["adapt tf_idf"] = _median_ms(lambda: tf_idf.adapt(docs), args.reps)
    results["call tf_idf"] = _median_ms(lambda: tf_idf(docs[:10000]), args.reps)
    words = np.array([d.split()[0] for d in docs.tolist()])
    hashing = keras.layers.Hashing(num_bins=1000)
    results["Hashing 10^5"] = _median_ms(lambda: hashing(words), args.reps)
    salted = keras.layers.Hashing(num_bins=1000, salt=[7, 11])
    results["Hashing salted 10^5"] = _median_ms(lambda: salted(words), args.reps)
    return results


def child(args):
    if args.child == "keras_like":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
        import keras_like as keras
    else:
        import keras
    print("RESULT " + json.dumps(run(args, keras)))


def spawn(python, framework, args):
    cmd = [python, os.path.abspath(__file__), "--child", framework, "--reps", str(args.reps),
           "--docs", str(args.docs)]
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    print(f"  {framework} failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--keras-python", default=None)
    ap.add_argument("--child", choices=["keras_like", "keras"])
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    pythons = {"keras_like": sys.executable}
    if args.keras_python:
        pythons["keras"] = args.keras_python
    runs = {name: [] for name in pythons}
    for i in range(args.runs):
        for name, python in pythons.items():
            result = spawn(python, name, args)
            print(f"[text] {name} run {i + 1}: {'ok' if result else 'failed'}", flush=True)
            if result:
                runs[name].append(result)
    print(f"\ntext preprocessing ms, medians of {args.runs} processes x {args.reps} reps, "
          f"{args.docs} documents (tf_idf call: the first 10000)")
    print(f"{'case':24s}{'keras_like':>12s}{'keras':>12s}{'keras / keras_like':>22s}")
    for case in CASES:
        ours = [r[case] for r in runs["keras_like"]]
        theirs = [r[case] for r in runs.get("keras", [])]
        a = statistics.median(ours) if ours else float("nan")
        b = statistics.median(theirs) if theirs else float("nan")
        print(f"{case:24s}{a:12.1f}{b:12.1f}{b / a:21.2f}x")


if __name__ == "__main__":
    main()
