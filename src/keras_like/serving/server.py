"""`keras_like serve`: TF Serving's model-server flags over the ASGI app, run by uvicorn."""

import argparse
import logging
import os

from keras_like.serving.model_config import ModelSpec, parse_model_config
from keras_like.serving.model_store import ModelStore


def _flag_bool(text):
    value = str(text).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, received {text!r}")


def parser():
    p = argparse.ArgumentParser(
        prog="keras_like serve",
        description="Serve .keras models over TensorFlow Serving's REST API.")
    p.add_argument("--model_name", default="default", help="the name clients use (default: "
                   "'default')")
    p.add_argument("--model_base_path", help="a directory of numbered version directories, "
                   "each holding a model.keras, or one .keras file")
    p.add_argument("--model_config_file", help="TF Serving's ModelServerConfig text file, for "
                   "several models (instead of --model_name / --model_base_path)")
    p.add_argument("--port", "--rest_api_port", dest="port", type=int, default=8501)
    p.add_argument("--host", default="0.0.0.0", help="the address to listen on")
    p.add_argument("--enable_batching", type=_flag_bool, nargs="?", const=True, default=True,
                   help="merge concurrent requests into one predict call (default: true)")
    p.add_argument("--max_batch_size", type=int, default=32)
    p.add_argument("--batch_timeout_micros", type=int, default=1000)
    p.add_argument("--num_batch_threads", type=int, default=4,
                   help="predict threads when batching is off")
    p.add_argument("--max_request_bytes", type=int, default=64 * 1024 * 1024)
    p.add_argument("--body_timeout_seconds", type=float, default=30.0,
                   help="a request body slower than this gets 408")
    p.add_argument("--file_system_poll_wait_seconds", type=float, default=1.0,
                   help="how often to look for new versions (0: never)")
    p.add_argument("--log_level", default="info")
    return p


def specs_from_args(args):
    if args.model_config_file:
        if args.model_base_path:
            raise SystemExit("keras_like serve: give either --model_config_file or "
                             "--model_base_path, not both")
        with open(args.model_config_file) as f:
            return parse_model_config(f.read())
    if not args.model_base_path:
        raise SystemExit("keras_like serve: --model_base_path (or --model_config_file) is "
                         "required")
    return [ModelSpec(args.model_name, os.path.abspath(args.model_base_path))]


def build(args):
    """The ASGI app for parsed `args`, with its store loaded and polling."""
    from keras_like.serving.app import create_app

    store = ModelStore(specs_from_args(args), args.file_system_poll_wait_seconds)
    store.refresh()
    store.start_polling()
    return create_app(store, max_batch_size=args.max_batch_size,
                      batch_timeout_micros=args.batch_timeout_micros,
                      enable_batching=args.enable_batching,
                      max_request_bytes=args.max_request_bytes,
                      num_threads=args.num_batch_threads,
                      body_timeout_seconds=args.body_timeout_seconds)


def main(argv=None):
    args = parser().parse_args(argv)
    from keras_like.serving.serve_extra import require

    require()
    import uvicorn

    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = build(args)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                timeout_keep_alive=5, access_log=False)


class BackgroundServer:
    """A server running on a daemon thread of this process (see `start_server`)."""

    def __init__(self, app, host="127.0.0.1", port=0):
        import socket
        import threading
        import time

        import uvicorn

        self.app = app
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning",
                                                     timeout_keep_alive=5, access_log=False))
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("keras_like serve did not start")
            time.sleep(0.01)

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def stop(self):
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_server(model_base_path=None, model_name="default", host="127.0.0.1", port=0,
                 model_config_file=None, **flags):
    """Starts `keras_like serve` in this process (on a daemon thread) and returns a
    `BackgroundServer` with `.url`, `.port` and `.stop()`; `flags` are the command line's
    (`max_batch_size=64`, `enable_batching=False`, ...)."""
    from keras_like.serving.serve_extra import require

    require()
    argv = [f"--model_name={model_name}", f"--port={port}", f"--host={host}"]
    if model_base_path is not None:
        argv.append(f"--model_base_path={os.fspath(model_base_path)}")
    if model_config_file is not None:
        argv.append(f"--model_config_file={os.fspath(model_config_file)}")
    argv += [f"--{name}={value}" for name, value in flags.items()]
    return BackgroundServer(build(parser().parse_args(argv)), host, port)
