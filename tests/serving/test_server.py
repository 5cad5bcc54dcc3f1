"""keras_like serve: TF Serving's REST API over a real uvicorn server on 127.0.0.1."""

import concurrent.futures
import json
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("prometheus_client")

from serving_server import running_server, save_mlp  # noqa: E402

import keras_like as keras  # noqa: E402
from keras_like import layers  # noqa: E402
from keras_like.serving.model_config import ModelSpec, parse_model_config  # noqa: E402
from keras_like.serving.model_store import ModelStore  # noqa: E402

X = np.random.default_rng(0).normal(size=(5, 4)).round(3).tolist()


@pytest.fixture
def mlp_server(tmp_path):
    forward = save_mlp(tmp_path / "mlp" / "1" / "model.keras", seed=1)
    store = ModelStore([ModelSpec("mlp", str(tmp_path / "mlp"))], poll_seconds=0.2)
    store.refresh()
    store.start_polling()
    with running_server(store, max_batch_size=16, batch_timeout_micros=2000) as (client, app):
        yield client, forward, tmp_path


def test_status_metadata_and_predict_in_both_formats(mlp_server):
    client, forward, _ = mlp_server
    status, body = client.json("GET", "/v1/models/mlp")
    assert status == 200 and body == {"model_version_status": [
        {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK",
                                                          "error_message": ""}}]}
    status, meta = client.json("GET", "/v1/models/mlp/metadata")
    signature = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert meta["model_spec"] == {"name": "mlp", "signature_name": "", "version": "1"}
    assert signature["inputs"]["features"]["dtype"] == "DT_FLOAT"
    assert signature["inputs"]["features"]["tensor_shape"]["dim"] == [
        {"size": "-1", "name": ""}, {"size": "4", "name": ""}]
    assert list(signature["outputs"]) == ["output_0"]
    assert signature["method_name"] == "tensorflow/serving/predict"

    status, content_type, data = client.request("POST", "/v1/models/mlp:predict",
                                                {"instances": X})
    assert status == 200 and content_type == "application/json"
    np.testing.assert_allclose(json.loads(data)["predictions"], forward(X), rtol=1e-5)
    status, body = client.json("POST", "/v1/models/mlp/versions/1:predict", {"inputs": X})
    np.testing.assert_allclose(body["outputs"], forward(X), rtol=1e-5)
    status, body = client.json("POST", "/V1/MODELS/mlp:PREDICT", {"instances": X[:1]})
    assert status == 200  # TF Serving's URL patterns are case-insensitive


@pytest.mark.parametrize("method,path,body,code,message", [
    ("POST", "/v1/foo", "{}", 400, "Malformed request: POST /v1/foo"),
    ("GET", "/v1/models", None, 400, "Missing model name in request."),
    ("GET", "/v1/models/mlp:predict", None, 400, "Malformed request"),
    ("POST", "/v1/models/mlp/metadata", "{}", 400, "Malformed request"),
    ("GET", "/v1/models/mlp/versions/abc", None, 400, "Malformed request"),
    ("GET", "/v1/models/mlp/versions/99999999999999999999", None, 400,
     "Failed to convert version"),
    ("GET", "/v1/models/nope", None, 404, "nope"),
    ("POST", "/v1/models/nope:predict", '{"instances": [[1, 2, 3, 4]]}', 404,
     "Servable not found for request: Latest(nope)"),
    ("POST", "/v1/models/mlp/versions/7:predict", '{"instances": [[1, 2, 3, 4]]}', 404,
     "Servable not found"),
    ("POST", "/v1/models/mlp/labels/stable:predict", '{"instances": [[1, 2, 3, 4]]}', 400,
     "Unrecognized servable version label"),
    ("POST", "/v1/models/mlp:predict", "", 400, "JSON Parse error"),
    ("POST", "/v1/models/mlp:predict", "{not json", 400, "JSON Parse error"),
    ("POST", "/v1/models/mlp:predict", '{"instances": [[1, 2, 3]]}', 400, "features"),
    ("POST", "/v1/models/mlp:predict", '{"instances": []}', 400, "No values"),
    ("POST", "/v1/models/mlp:predict", '{"inputs": 1, "instances": [1]}', 400, "only one of"),
    ("POST", "/v1/models/mlp:classify", '{"examples": []}', 501, "not supported"),
    ("POST", "/v1/models/mlp:predict", '{"signature_name": "other", "instances": [[1, 2, 3, 4]]}',
     400, 'Serving signature name: "other" not found'),
])
def test_bad_requests_get_tf_serving_errors_and_the_server_carries_on(mlp_server, method, path,
                                                                      body, code, message):
    client, forward, _ = mlp_server
    status, content_type, data = client.request(method, path, body)
    assert status == code, data
    assert content_type == "application/json"
    assert message in json.loads(data)["error"]
    status, body = client.json("POST", "/v1/models/mlp:predict", {"instances": X[:2]})
    assert status == 200
    np.testing.assert_allclose(body["predictions"], forward(X[:2]), rtol=1e-5)


def test_a_body_past_the_limit_is_refused(tmp_path):
    save_mlp(tmp_path / "m" / "1" / "model.keras", seed=0)
    store = ModelStore([ModelSpec("m", str(tmp_path / "m"))], poll_seconds=0)
    store.refresh()
    with running_server(store, max_request_bytes=1000) as (client, _):
        big = json.dumps({"instances": [[0.5] * 4] * 200})
        status, _, data = client.request("POST", "/v1/models/m:predict", big)
        assert status == 413 and "limit of 1000 bytes" in json.loads(data)["error"]
        status, body = client.json("POST", "/v1/models/m:predict", {"instances": [[1] * 4]})
        assert status == 200


def test_a_slow_client_gets_408_and_others_are_served_meanwhile(tmp_path):
    import socket

    forward = save_mlp(tmp_path / "m" / "1" / "model.keras", seed=0)
    store = ModelStore([ModelSpec("m", str(tmp_path / "m"))], poll_seconds=0)
    store.refresh()
    with running_server(store, body_timeout_seconds=0.5) as (client, _):
        slow = socket.create_connection(("127.0.0.1", client.port), timeout=30)
        slow.sendall(b"POST /v1/models/m:predict HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: 100\r\n\r\n{\"instances\"")  # and then nothing
        status, body = client.json("POST", "/v1/models/m:predict", {"instances": X})
        assert status == 200
        np.testing.assert_allclose(body["predictions"], forward(X), rtol=1e-5)
        reply = b""
        while b"did not arrive" not in reply:  # the reply may come in several packets
            chunk = slow.recv(65536)
            if not chunk:
                break
            reply += chunk
        slow.close()
        reply = reply.decode()
        assert reply.startswith("HTTP/1.1 408") and "did not arrive within 0.5 s" in reply


def test_a_new_version_is_served_without_a_restart(mlp_server):
    client, forward_v1, tmp_path = mlp_server
    forward_v2 = save_mlp(tmp_path / "mlp" / "2" / "model.keras", seed=2)
    deadline = time.monotonic() + 30
    while client.json("GET", "/v1/models/mlp")[1]["model_version_status"][0]["version"] != "2":
        assert time.monotonic() < deadline, "version 2 was not picked up"
        time.sleep(0.1)
    states = {s["version"]: s["state"]
              for s in client.json("GET", "/v1/models/mlp")[1]["model_version_status"]}
    assert states == {"2": "AVAILABLE", "1": "END"}
    status, body = client.json("POST", "/v1/models/mlp:predict", {"instances": X})
    np.testing.assert_allclose(body["predictions"], forward_v2(X), rtol=1e-5)
    assert not np.allclose(forward_v1(X), forward_v2(X))
    status, _ = client.json("POST", "/v1/models/mlp/versions/1:predict", {"instances": X})
    assert status == 404


def test_named_inputs_several_models_and_labels(tmp_path):
    keras.utils.set_random_seed(3)
    a, b = keras.Input((2,), name="in_a"), keras.Input((3,), name="in_b")
    model = keras.Model([a, b], [layers.Dense(1)(a), layers.Dense(2)(b)])
    (tmp_path / "two" / "5").mkdir(parents=True)
    model.save(tmp_path / "two" / "5" / "model.keras")
    save_mlp(tmp_path / "mlp" / "1" / "model.keras", seed=1)
    config = (f'model_config_list {{ config {{ name: "two" base_path: "{tmp_path / "two"}" '
              f'model_platform: "tensorflow" version_labels {{ key: "stable" value: 5 }} }} '
              f'config {{ name: "mlp" base_path: "{tmp_path / "mlp"}" }} }}')
    store = ModelStore(parse_model_config(config), poll_seconds=0)
    store.refresh()
    xa, xb = [[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]
    want = model.predict_on_batch([np.array(xa, "float32"), np.array(xb, "float32")])
    with running_server(store) as (client, _):
        status, body = client.json("POST", "/v1/models/two/labels/stable:predict", {
            "instances": [{"in_a": xa[i], "in_b": xb[i]} for i in range(2)]})
        assert status == 200
        np.testing.assert_allclose([p["output_0"] for p in body["predictions"]], want[0],
                                   rtol=1e-5)
        np.testing.assert_allclose([p["output_1"] for p in body["predictions"]], want[1],
                                   rtol=1e-5)
        status, body = client.json("POST", "/v1/models/two:predict",
                                   {"inputs": {"in_a": xa, "in_b": xb}})
        np.testing.assert_allclose(body["outputs"]["output_1"], want[1], rtol=1e-5)
        status, body = client.json("POST", "/v1/models/two:predict", {"instances": xa})
        assert status == 400 and "plain list" in body["error"]
        assert client.json("GET", "/v1/models/mlp")[0] == 200


def test_a_burst_of_good_and_bad_requests(mlp_server):
    client, forward, _ = mlp_server
    rng = np.random.default_rng(5)
    cases = []
    for i in range(1000):
        kind = i % 5
        if kind == 4:
            cases.append(("bad", str(rng.choice(["{oops", '{"instances": [[1, 2]]}',
                                                 '{"instances": "x"}', ""]))))
        else:
            rows = rng.normal(size=(1 + kind, 4)).round(4).tolist()
            cases.append(("good", rows))

    def send(case):
        kind, payload = case
        if kind == "bad":
            return client.request("POST", "/v1/models/mlp:predict", payload)
        return client.request("POST", "/v1/models/mlp:predict", {"instances": payload})

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(send, cases))
    for (kind, payload), (status, _, data) in zip(cases, results):
        if kind == "bad":
            assert 400 <= status < 500, data
        else:
            assert status == 200, data
            np.testing.assert_allclose(json.loads(data)["predictions"], forward(payload),
                                       rtol=1e-5, atol=1e-7)
    status, _, metrics = client.request("GET", "/metrics")
    text = metrics.decode()
    assert 'keras_like_serving_requests_total{api="predict",code="200",model="mlp"} 800.0' in \
        text
    # Batching merged concurrent requests: fewer predict calls than good requests.
    calls = float(next(line.split()[-1] for line in text.splitlines()
                       if line.startswith('keras_like_serving_batch_size_count{model="mlp"}')))
    assert calls < 800


def test_health_and_readiness(tmp_path):
    (tmp_path / "empty").mkdir()
    store = ModelStore([ModelSpec("m", str(tmp_path / "empty"))], poll_seconds=0.1)
    store.refresh()
    store.start_polling()
    with running_server(store) as (client, _):
        assert client.request("GET", "/healthz")[0] == 200
        assert client.request("GET", "/readyz")[0] == 503
        save_mlp(tmp_path / "empty" / "3" / "model.keras", seed=0)
        deadline = time.monotonic() + 30
        while client.request("GET", "/readyz")[0] != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_batching_off_gives_the_same_answers(tmp_path):
    forward = save_mlp(tmp_path / "m" / "1" / "model.keras", seed=4)
    store = ModelStore([ModelSpec("m", str(tmp_path / "m"))], poll_seconds=0)
    store.refresh()
    with running_server(store, enable_batching=False, num_threads=2) as (client, _):
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: client.json(
                "POST", "/v1/models/m:predict", {"instances": X}), range(40)))
    for status, body in results:
        assert status == 200
        np.testing.assert_allclose(body["predictions"], forward(X), rtol=1e-5)


def test_a_missing_extra_is_named():
    code = ("import sys; sys.modules['starlette'] = None\n"
            "from keras_like.cli import main\n"
            "try:\n"
            "    main(['serve', '--model_base_path', '.'])\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert "pip install 'keras_like[serve]'" in out.stdout, out.stderr


def test_bad_model_config_files_are_clear_errors():
    with pytest.raises(ValueError, match="Invalid model config file"):
        parse_model_config("model_config_list { config { nme: 'x' } }")
    with pytest.raises(ValueError, match="needs a name and a base_path"):
        parse_model_config("model_config_list { config { name: 'x' } }")
    with pytest.raises(ValueError, match="appears twice"):
        parse_model_config("model_config_list { config { name: 'x' base_path: '/a' } "
                           "config { name: 'x' base_path: '/b' } }")
