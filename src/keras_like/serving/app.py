"""The ASGI application: TF Serving's REST API (FORMATS.md section 4) on starlette, plus
`/healthz`, `/readyz` and Prometheus `/metrics`.

Every failure is a JSON `{"error": ...}` with TF Serving's status code; nothing a client sends
can stop the server: bodies past `max_request_bytes` are refused while they stream in (413),
parsing and prediction errors become 4xx/5xx, and a slow client only holds its own request.
"""

import asyncio
import contextlib
import re
import time
import urllib.parse

from keras_like.serving.batcher import Batcher
from keras_like.serving.serve_extra import require

require()

from prometheus_client import (  # noqa: E402
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from keras_like.serving.tensor_json import (  # noqa: E402
    ServingError,
    error_body,
    format_predict_response,
    parse_predict_request,
)

_PREDICT = re.compile(r"/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?"
                      r":(classify|regress|predict)", re.IGNORECASE)
_STATUS = re.compile(r"/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?"
                     r"(?:/(metadata))?", re.IGNORECASE)
_INT64_MAX = 2**63 - 1
_DATA_TYPES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF",
               "bfloat16": "DT_BFLOAT16", "int8": "DT_INT8", "int16": "DT_INT16",
               "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8",
               "uint16": "DT_UINT16", "uint32": "DT_UINT32", "uint64": "DT_UINT64",
               "bool": "DT_BOOL", "string": "DT_STRING"}


def _json(body, status=200):
    return Response(body, status_code=status, media_type="application/json")


def _error(message, status):
    return _json(error_body(message), status)


class _Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter("keras_like_serving_requests", "Requests by model, API and "
                                "HTTP status", ["model", "api", "code"], registry=self.registry)
        self.latency = Histogram("keras_like_serving_request_latency_seconds",
                                 "Request latency", ["api"], registry=self.registry,
                                 buckets=(.0005, .001, .0025, .005, .01, .025, .05, .1, .25,
                                          .5, 1, 2.5, 5, 10))
        self.batch_size = Histogram("keras_like_serving_batch_size", "Rows per predict call",
                                    ["model"], registry=self.registry,
                                    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024))


class ServingApp:
    """Holds the model store, one batcher per loaded model version, and the metrics."""

    def __init__(self, store, max_batch_size=32, batch_timeout_micros=1000,
                 enable_batching=True, max_request_bytes=64 * 1024 * 1024, num_threads=4,
                 body_timeout_seconds=30.0):
        self.store = store
        self.max_batch_size = max_batch_size
        self.batch_timeout_micros = batch_timeout_micros
        self.enable_batching = enable_batching
        self.max_request_bytes = max_request_bytes
        self.num_threads = num_threads
        self.body_timeout_seconds = body_timeout_seconds
        self.metrics = _Metrics()
        self._batchers = {}  # (model name, version) -> Batcher
        store.on_change.append(self.drop_unloaded)
        self.app = Starlette(routes=[
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/readyz", self.readyz, methods=["GET"]),
            Route("/metrics", self.prometheus, methods=["GET"]),
            Route("/{path:path}", self.tf_serving, methods=["GET", "POST", "PUT", "DELETE"]),
        ], lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app):
        yield
        self.close()

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)

    def close(self):
        for batcher in self._batchers.values():
            batcher.close()
        self._batchers.clear()
        self.store.stop()

    # --- health and metrics -----------------------------------------------------------------

    async def healthz(self, request):
        return Response("ok\n", media_type="text/plain")

    async def readyz(self, request):
        if self.store.ready:
            return Response("ready\n", media_type="text/plain")
        return Response("no model version is loaded yet\n", status_code=503,
                        media_type="text/plain")

    async def prometheus(self, request):
        return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    # --- TF Serving ---------------------------------------------------------------------------

    async def tf_serving(self, request):
        started = time.perf_counter()
        path = "/" + request.path_params["path"]
        model_name, api = "", "unknown"
        try:
            if request.method == "POST":
                match = _PREDICT.fullmatch(path)
                if not match:
                    raise ServingError(f"Malformed request: POST {path}")
                model_name, api = urllib.parse.unquote(match.group(1)), match.group(4).lower()
                body = await self._read_body(request)
                response = await self._predict(model_name, match.group(2),
                                               _label(match.group(3)), api, body)
            elif request.method == "GET":
                match = _STATUS.fullmatch(path)
                if not match:
                    raise ServingError(f"Malformed request: GET {path}")
                if not match.group(1):
                    raise ServingError("Missing model name in request.")
                model_name = urllib.parse.unquote(match.group(1))
                api = "metadata" if match.group(4) else "status"
                version = _version(match.group(2))
                label = _label(match.group(3))
                if api == "metadata":
                    response = self._metadata(model_name, version, label)
                else:
                    response = self._status(model_name, version, label)
            else:
                raise ServingError(f"Malformed request: {request.method} {path}")
        except ServingError as e:
            response = _error(e.message, e.http_status)
        except LookupError as e:
            response = _error(str(e.args[0]) if e.args else str(e), 404)
        except ValueError as e:
            response = _error(str(e), 400)
        except Exception as e:  # noqa: BLE001 - a failed prediction must not take the server down
            response = _error(f"{type(e).__name__}: {e}", 500)
        self.metrics.requests.labels(model_name, api, str(response.status_code)).inc()
        self.metrics.latency.labels(api).observe(time.perf_counter() - started)
        return response

    async def _read_body(self, request):
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_request_bytes:
            raise ServingError(f"Request body of {declared} bytes exceeds the limit of "
                               f"{self.max_request_bytes} bytes", 413)
        chunks = []

        async def read():
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_request_bytes:
                    raise ServingError(f"Request body exceeds the limit of "
                                       f"{self.max_request_bytes} bytes", 413)
                chunks.append(chunk)

        try:
            await asyncio.wait_for(read(), self.body_timeout_seconds)
        except asyncio.TimeoutError:
            raise ServingError(f"The request body did not arrive within "
                               f"{self.body_timeout_seconds:g} s", 408) from None
        return b"".join(chunks)

    def _batcher(self, model_name, entry):
        key = (model_name, entry.version)
        batcher = self._batchers.get(key)
        if batcher is None:
            histogram = self.metrics.batch_size.labels(model_name)
            batcher = self._batchers[key] = Batcher(
                entry.signature.run, self.max_batch_size, self.batch_timeout_micros,
                self.enable_batching, self.num_threads, on_batch=histogram.observe)
        return batcher

    def drop_unloaded(self):
        """Closes the batchers of versions the store has unloaded (called on store changes)."""
        for key in list(self._batchers):
            name, version = key
            try:
                self.store.get(name).get(version)
            except LookupError:
                self._batchers.pop(key).close()

    async def _predict(self, model_name, version, label, api, body):
        if api != "predict":
            raise ServingError(f"The {api} API is not supported: keras_like serves :predict",
                               501)
        entry = self.store.get(model_name).get(_version(version), label)
        loop = asyncio.get_running_loop()

        def signature_inputs(name):
            if name not in ("", "serving_default"):
                raise ServingError(f'Serving signature name: "{name}" not found in signature '
                                   "def")
            return entry.signature.inputs

        if len(body) > 65536:  # big bodies parse off the event loop
            arrays, row_format = await asyncio.to_thread(parse_predict_request, body,
                                                         signature_inputs)
        else:
            arrays, row_format = parse_predict_request(body, signature_inputs)
        outputs = await self._batcher(model_name, entry).predict(arrays, loop)
        return _json(format_predict_response(outputs, row_format))

    def _status(self, model_name, version, label):
        model = self.store.get(model_name)
        if label is not None:
            version = model.get(label=label).version
        statuses = model.statuses(version)
        return _json(_dumps({"model_version_status": [
            {"version": str(v), "state": state,
             "status": {"error_code": "OK", "error_message": ""}} for v, state in statuses]}))

    def _metadata(self, model_name, version, label):
        entry = self.store.get(model_name).get(version, label)

        def tensor_info(name, dtype, shape):
            return {"dtype": _DATA_TYPES.get(dtype, "DT_INVALID"),
                    "tensor_shape": {"dim": [{"size": str(-1 if d is None else d), "name": ""}
                                             for d in shape], "unknown_rank": False},
                    "name": f"{name}:0"}

        signature = {
            "inputs": {n: tensor_info(n, *spec) for n, spec in entry.signature.inputs.items()},
            "outputs": {n: tensor_info(n, *spec) for n, spec in entry.signature.outputs.items()},
            "method_name": "tensorflow/serving/predict", "defaults": {}}
        return _json(_dumps({
            "model_spec": {"name": model_name, "signature_name": "",
                           "version": str(entry.version)},
            "metadata": {"signature_def": {"signature_def": {"serving_default": signature}}}}))


def _version(text):
    if text is None:
        return None
    value = int(text)
    if value > _INT64_MAX:
        raise ServingError(f"Failed to convert version: {text} to numeric.")
    return value


def _label(text):
    return None if text is None else urllib.parse.unquote(text)


def _dumps(value):
    import json

    return json.dumps(value, indent=1).encode()


def create_app(store, **options):
    """The ASGI app serving `store` (a `ModelStore`); `options` as `ServingApp`."""
    return ServingApp(store, **options)
