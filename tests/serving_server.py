"""A real uvicorn server on 127.0.0.1 (an ephemeral port) in a background thread, and a tiny
HTTP client on http.client."""

import contextlib
import http.client
import json
import socket
import threading
import time

import numpy as np

import keras_like as keras
from keras_like import layers


def save_mlp(path, seed):
    """A (4 -> 8 relu -> 3 softmax) model saved at `path`; returns a NumPy forward pass of it."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,), name="features"),
                              layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    (w1, b1), (w2, b2) = [[v.numpy().astype(np.float64) for v in layer.weights]
                          for layer in model.layers]

    def forward(x):
        h = np.maximum(np.asarray(x, np.float64) @ w1 + b1, 0)
        z = h @ w2 + b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return forward


class Client:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return response.status, response.getheader("Content-Type"), data
        finally:
            connection.close()

    def json(self, method, path, body=None):
        status, _, data = self.request(method, path, body)
        return status, json.loads(data)


@contextlib.contextmanager
def running_server(store, **options):
    import uvicorn

    from keras_like.serving.app import create_app

    app = create_app(store, **options)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", timeout_keep_alive=5, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield Client(port), app
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
