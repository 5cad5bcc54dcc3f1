"""Tutorial 09: train with TensorBoard logs, save a versioned model, serve it over TF Serving's
REST API and query it, all in one process and without TensorFlow.

1. A digits classifier trains with `callbacks.TensorBoard`: loss and accuracy curves, weight
   histograms and the model graph go to `logs/` (open them with `tensorboard --logdir logs`).
2. The model is saved as version 1 in TF Serving's layout, `models/digits/1/model.keras`.
3. `keras_like.serving.start_server` runs `keras_like serve` on a thread of this process (the
   same server `keras_like serve --model_name digits --model_base_path models/digits` starts).
4. Plain `urllib` requests ask for the model's status and metadata and for predictions, in
   the row ("instances") and columnar ("inputs") formats, as any TF Serving client would.

Needs the `serve` and `tensorboard` extras: pip install "keras_like[serve,tensorboard]".
Runs offline in a few seconds:  python tutorials/09_train_serve_monitor.py
"""

import json
import os
import tempfile
import urllib.request

import numpy as np

import keras_like as keras
from keras_like import layers

keras.utils.set_random_seed(9)
(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

workdir = tempfile.mkdtemp(prefix="keras_like_tutorial09_")
log_dir = os.path.join(workdir, "logs")

# --- 1. train, logging for TensorBoard ---------------------------------------------------------
model = keras.Sequential([keras.Input((64,), name="pixels"), layers.Dense(64, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=32, validation_split=0.1, verbose=0,
          callbacks=[keras.callbacks.TensorBoard(log_dir, histogram_freq=1)])
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {accuracy:.3f}; TensorBoard runs: {sorted(os.listdir(log_dir))}")

# --- 2. save version 1 in TF Serving's layout --------------------------------------------------
version_dir = os.path.join(workdir, "models", "digits", "1")
os.makedirs(version_dir)
model.save(os.path.join(version_dir, "model.keras"))

# --- 3. serve it, 4. query it over HTTP --------------------------------------------------------


def call(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as r:
        return json.loads(r.read())


with keras.serving.start_server(os.path.join(workdir, "models", "digits"),
                                model_name="digits") as server:
    base = f"{server.url}/v1/models/digits"
    status = call(base)["model_version_status"][0]
    print(f"version {status['version']}: {status['state']}")
    inputs = call(f"{base}/metadata")["metadata"]["signature_def"]["signature_def"][
        "serving_default"]["inputs"]
    print("inputs:", {name: spec["dtype"] for name, spec in inputs.items()})

    rows = x_test[:5]
    served = np.array(call(f"{base}:predict", {"instances": rows.tolist()})["predictions"])
    columnar = np.array(call(f"{base}:predict", {"inputs": {"pixels": rows.tolist()}})["outputs"])
    print("served classes:", served.argmax(axis=1).tolist(), "true:", y_test[:5].tolist())
    local = model.predict(rows, verbose=0)
    print("served == local predictions:",
          bool(np.allclose(served, local, rtol=1e-5) and np.allclose(columnar, local,
                                                                     rtol=1e-5)))
