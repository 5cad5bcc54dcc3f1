"""One server process for bench/serving.py: the W1 MLP behind keras_like's ASGI app (TF
Serving's REST API, uvicorn), predicting with keras_like or with TensorFlow's Keras.

usage: python bench/serving_server.py {keras_like,tensorflow} MODEL_DIR PORT
           [--batching on|off] [--max_batch_size 64] [--threads 2]
Prints 'READY' once it serves. The tensorflow variant loads the same .keras file with Keras 3
on TensorFlow and calls its `predict_on_batch`, so only the framework under the app differs.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))


def tensorflow_loader(threads):
    os.environ["KERAS_BACKEND"] = "tensorflow"  # not what a parent process set
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    def load(path):
        return keras.saving.load_model(path, compile=False)

    return load


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("framework", choices=["keras_like", "tensorflow"])
    ap.add_argument("model_dir")
    ap.add_argument("port", type=int)
    ap.add_argument("--batching", choices=["on", "off"], default="on")
    ap.add_argument("--max_batch_size", type=int, default=64)
    ap.add_argument("--batch_timeout_micros", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    loader = None
    if args.framework == "tensorflow":
        loader = tensorflow_loader(args.threads)
    else:
        import keras_like

        keras_like.config.set_num_threads(args.threads)

    import uvicorn

    from keras_like.serving.app import create_app
    from keras_like.serving.model_config import ModelSpec
    from keras_like.serving.model_store import ModelStore

    store = ModelStore([ModelSpec("mlp", args.model_dir)], poll_seconds=0, loader=loader)
    store.refresh()
    app = create_app(store, max_batch_size=args.max_batch_size,
                     batch_timeout_micros=args.batch_timeout_micros,
                     enable_batching=args.batching == "on", num_threads=4)
    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning",
                            access_log=False, timeout_keep_alive=30)
    server = uvicorn.Server(config)
    original_startup = server.startup

    async def startup(sockets=None):
        await original_startup(sockets)
        print("READY", flush=True)

    server.startup = startup
    server.run()


if __name__ == "__main__":
    main()
