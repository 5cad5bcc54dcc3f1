"""keras_like's side of the training benchmarks: the same models, data and measurements as the
peer scripts in bench/peers/ (bench_keras.py), with `import keras_like as keras`.

usage: python bench/bench_keras_like.py {mlp,cnn,lstm,tiny} [--threads 2] [--scale 1.0]
Prints one line 'RESULT {json}'.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))
from bench_common import (  # noqa: E402
    SEED,
    config,
    emit,
    make_data,
    median,
    now,
    pct,
    peak_rss_mb,
    summarize_epochs,
)
from bench_tf import LOSS, build  # noqa: E402  (imports tensorflow only inside its main())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=["mlp", "cnn", "lstm", "tiny"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--eager", action="store_true",
                    help="run_eagerly=True: the Python steps, not the captured graphs")
    args = ap.parse_args()

    t0 = now()
    import keras_like as keras
    import_s = now() - t0
    keras.config.set_num_threads(args.threads)
    keras.utils.set_random_seed(SEED)

    name = args.workload
    cfg = config(name, args.scale)
    x, y = make_data(name, cfg)
    # The shared data generator peaks at two copies of x (x and x - 0.5); record that peak so
    # the framework's own memory can be told apart from it.
    data_peak_mb = peak_rss_mb()
    model = build(name, cfg, keras)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=LOSS[name],
                  run_eagerly=args.eager)

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times, self.losses = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.t = now()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(now() - self.t)
            self.losses.append(float(logs["loss"]) if logs and "loss" in logs else None)

    timer = EpochTimer()
    t = now()
    model.fit(x, y, batch_size=cfg["batch"], epochs=cfg["epochs"], verbose=0, callbacks=[timer])
    fit_total_s = now() - t
    res = {"framework": "keras_like", "variant": "keras_like", "workload": name, "config": cfg,
           "threads": {"intra": args.threads}, "import_s": import_s, "fit_total_s": fit_total_s,
           "params": int(model.count_params()), "peak_rss_mb_after_data": data_peak_mb}
    res.update(summarize_epochs(cfg, timer.times, timer.losses))

    if name == "mlp":
        xp = x[: cfg["n_pred"]]
        t = now()
        model.predict(xp, batch_size=cfg["pred_batch"], verbose=0)
        res["predict_first_s"] = now() - t
        times = []
        for _ in range(cfg["pred_reps"]):
            t = now()
            p = model.predict(xp, batch_size=cfg["pred_batch"], verbose=0)
            times.append(now() - t)
        assert p.shape == (len(xp), 10)
        res["predict_times_s"] = times
        res["predict_samples_per_s"] = len(xp) / median(times)
        b = cfg["lat_batch"]
        nb = len(x) // b
        lat = []
        for i in range(cfg["lat_warmup"] + cfg["lat_steps"]):
            j = i % nb
            xb, yb = x[j * b:(j + 1) * b], y[j * b:(j + 1) * b]
            t = now()
            model.train_on_batch(xb, yb)
            dt = now() - t
            if i >= cfg["lat_warmup"]:
                lat.append(dt)
        res["latency_b32_median_ms"] = 1000 * median(lat)
        res["latency_b32_p10_ms"] = 1000 * pct(lat, 0.10)
        res["latency_b32_p90_ms"] = 1000 * pct(lat, 0.90)
    emit(res)


if __name__ == "__main__":
    main()
