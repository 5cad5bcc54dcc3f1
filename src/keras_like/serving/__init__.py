"""`keras_like.serving`: saved models over TensorFlow Serving's REST API (`keras_like serve`).

The HTTP side needs the `serve` extra (`pip install 'keras_like[serve]'`: starlette, uvicorn,
prometheus_client); `tensor_json` (the request/response JSON) and `model_store` (versioned
model directories) are plain Python.
"""


def start_server(*args, **kwargs):
    """Runs `keras_like serve` on a thread of this process (see serving.server.start_server)."""
    from keras_like.serving.server import start_server as start

    return start(*args, **kwargs)
