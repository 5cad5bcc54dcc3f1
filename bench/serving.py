"""Serving benchmark: the W1 MLP (784 -> 256 -> 256 -> 10) over TF Serving's REST API, one
instance per request, at 1, 8 and 64 concurrent clients, dynamic batching on and off, served
by keras_like and by TensorFlow's Keras behind the same ASGI app, in the same run, interleaved
(round 1 of every server, then round 2, ...). Reports requests/s and p50/p99 latency, medians
over rounds.

    python bench/serving.py [--rounds 3] [--seconds 3] [--tf-python PY]

Each server is its own process (bench/serving_server.py); the load comes from another process
(this script's --client mode: one keep-alive connection per client thread).
"""

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = (1, 8, 64)


def client_main(port, clients, seconds, warmup):
    """Closed-loop load: each client thread sends a request on its keep-alive connection and
    waits for the reply. Raw sockets with a prebuilt request keep the client's own CPU cost
    small, since client and servers share this machine's cores."""
    body = json.dumps({"instances": np.random.default_rng(0).random((1, 784)).round(6)
                       .tolist()}).encode()
    request = (b"POST /v1/models/mlp:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nContent-Length: " +
               str(len(body)).encode() + b"\r\n\r\n" + body)
    stop_at = [None]
    latencies = [[] for _ in range(clients)]
    errors = [0]
    start = threading.Barrier(clients + 1)

    def worker(i):
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        start.wait()
        while True:
            t = time.perf_counter()
            if t >= stop_at[0]:
                break
            sock.sendall(request)
            while b"\r\n\r\n" not in pending:
                pending += sock.recv(65536)
            head, _, pending = pending.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(pending) < length:
                pending += sock.recv(65536)
            pending = pending[length:]
            done = time.perf_counter()
            if not head.startswith(b"HTTP/1.1 200"):
                errors[0] += 1
            if t >= stop_at[0] - seconds:
                latencies[i].append(done - t)
        sock.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    stop_at[0] = time.perf_counter() + 3600
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + warmup + seconds
    start.wait()
    for thread in threads:
        thread.join()
    all_latencies = np.concatenate([np.asarray(lat) for lat in latencies if lat])
    print(json.dumps({"requests_per_s": len(all_latencies) / seconds,
                      "p50_ms": float(np.percentile(all_latencies, 50) * 1e3),
                      "p99_ms": float(np.percentile(all_latencies, 99) * 1e3),
                      "errors": errors[0]}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def save_model(directory):
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    import keras_like as keras
    from keras_like import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,), name="features"),
                              layers.Dense(256, activation="relu"),
                              layers.Dense(256, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    os.makedirs(os.path.join(directory, "1"))
    model.save(os.path.join(directory, "1", "model.keras"))


def start_server(python, framework, model_dir, batching, threads):
    port = free_port()
    process = subprocess.Popen(
        [python, os.path.join(HERE, "serving_server.py"), framework, model_dir, str(port),
         "--batching", batching, "--threads", str(threads)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    line = process.stdout.readline()
    while line and "READY" not in line:
        seen.append(line)
        line = process.stdout.readline()
    if "READY" not in line:
        process.wait(timeout=30)
        raise RuntimeError(f"{framework} server did not start (exit {process.returncode}): "
                           f"{''.join(seen)[-3000:]}")
    # Keep draining its output so a chatty server never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return port, process


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tf-python", default=None, help="a Python with tensorflow (the peer)")
    ap.add_argument("--client", nargs=2, type=int, metavar=("PORT", "CLIENTS"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        client_main(args.client[0], args.client[1], args.seconds, args.warmup)
        return

    model_dir = os.path.join(tempfile.mkdtemp(prefix="serving_bench_"), "mlp")
    save_model(model_dir)
    servers = {}
    for batching in ("on", "off"):
        servers[f"keras_like batching {batching}"] = (sys.executable, "keras_like", batching)
        if args.tf_python:
            servers[f"tensorflow batching {batching}"] = (args.tf_python, "tensorflow",
                                                          batching)
    running = {}
    try:
        for name, (python, framework, batching) in servers.items():
            running[name] = start_server(python, framework, model_dir, batching, args.threads)
        results = {(name, c): [] for name in servers for c in CLIENTS}
        for round_index in range(args.rounds):
            for clients in CLIENTS:
                for name, (port, _) in running.items():
                    out = subprocess.run(
                        [sys.executable, __file__, "--client", str(port), str(clients),
                         "--seconds", str(args.seconds), "--warmup", str(args.warmup)],
                        capture_output=True, text=True, timeout=600)
                    row = json.loads(out.stdout.strip().splitlines()[-1])
                    results[(name, clients)].append(row)
                    print(f"[round {round_index + 1}] {name:28} {clients:3d} clients: "
                          f"{row['requests_per_s']:8.0f} req/s  p50 {row['p50_ms']:6.2f} ms  "
                          f"p99 {row['p99_ms']:6.2f} ms  errors {row['errors']}", flush=True)
    finally:
        for _, process in running.values():
            process.terminate()
            process.wait(timeout=30)

    settings = ", ".join(f"{k}={os.environ.get(k, 'unset')}"
                         for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
    print(f"\nhost: {platform.processor() or platform.machine()}; {settings}; "
          f"medians of {args.rounds} rounds of {args.seconds:g} s")
    print(f"{'server':28}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    medians = {}
    for (name, clients), rows in results.items():
        m = {k: statistics.median(r[k] for r in rows)
             for k in ("requests_per_s", "p50_ms", "p99_ms")}
        medians[(name, clients)] = m
        print(f"{name:28}{clients:8d}{m['requests_per_s']:10.0f}{m['p50_ms']:9.2f}"
              f"{m['p99_ms']:9.2f}")
    if args.tf_python:
        print("\nratios (keras_like / tensorflow, same batching):")
        for batching in ("on", "off"):
            for clients in CLIENTS:
                ours = medians[(f"keras_like batching {batching}", clients)]
                theirs = medians[(f"tensorflow batching {batching}", clients)]
                print(f"  batching {batching:3} {clients:3d} clients: throughput "
                      f"{ours['requests_per_s'] / theirs['requests_per_s']:.2f}x, p99 "
                      f"{ours['p99_ms']:.2f} vs {theirs['p99_ms']:.2f} ms")


if __name__ == "__main__":
    main()
