"""deploy/: the Dockerfile and Kubernetes manifest are parsed, and the image's entry command
runs outside a container against a real model directory."""

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
yaml = pytest.importorskip("yaml")

from serving_server import save_mlp  # noqa: E402

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def dockerfile_instructions():
    text = (DEPLOY / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)  # line continuations
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return None, b""


def test_the_dockerfile_is_multi_stage_non_root_and_checks_health():
    instructions = dockerfile_instructions()
    stages = [i for i, (k, _) in enumerate(instructions) if k == "FROM"]
    assert len(stages) >= 2, "the compilers stay in a build stage"
    runtime = instructions[stages[-1]:]
    keywords = [k for k, _ in runtime]
    user = dict(runtime)["USER"]
    assert user not in ("root", "0")
    assert "--from=build" in next(v for k, v in runtime if k == "COPY")
    healthcheck = dict(runtime)["HEALTHCHECK"]
    assert "/healthz" in healthcheck and "CMD" in healthcheck
    assert "EXPOSE" in keywords and "ENTRYPOINT" in keywords
    uid = next(m.group(1) for k, v in runtime if k == "RUN"
               for m in [re.search(r"useradd .*--uid (\d+)", v)] if m)
    manifest = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))
    pod = manifest[0]["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": int(uid)}


def test_the_manifest_probes_the_servers_endpoints_and_the_entry_command_serves(tmp_path):
    deployment, service = yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text())
    assert (deployment["kind"], service["kind"]) == ("Deployment", "Service")
    container, = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    port_names = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert int(env["PORT"]) == port_names[service["spec"]["ports"][0]["targetPort"]]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    probes = {name: container[name]["httpGet"] for name in ("readinessProbe", "livenessProbe")}

    # The image's ENTRYPOINT, run as the container would (sh -c with the image's environment
    # and the manifest's args), with `keras_like` being this checkout's console script.
    instructions = dockerfile_instructions()
    entrypoint = json.loads(dict(instructions)["ENTRYPOINT"])
    assert entrypoint[:2] == ["sh", "-c"] and "exec keras_like serve" in entrypoint[2]
    script = entrypoint[2].replace("exec keras_like", f"exec {shlex.quote(sys.executable)} -m "
                                   "keras_like.cli")
    port = free_port()
    forward = save_mlp(tmp_path / "models" / "mlp" / "1" / "model.keras", seed=0)
    child_env = dict(os.environ, MODEL_NAME=env["MODEL_NAME"],
                     MODEL_BASE_PATH=str(tmp_path / "models" / "mlp"), PORT=str(port))
    child = subprocess.Popen(entrypoint[:2] + [script] + entrypoint[3:] + container["args"] +
                             ["--host=127.0.0.1"], env=child_env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(port, probes["readinessProbe"]["path"])[0] != 200:
            assert child.poll() is None, child.stdout.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the server never became ready"
            time.sleep(0.1)
        assert get(port, probes["livenessProbe"]["path"])[0] == 200
        healthcheck = dict(instructions)["HEALTHCHECK"]
        command = json.loads(healthcheck[healthcheck.index("CMD") + 3:].strip())
        assert command[0] == "python"
        assert subprocess.run([sys.executable] + command[1:], env=child_env,
                              timeout=30).returncode == 0
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/models/{env['MODEL_NAME']}:predict",
            data=json.dumps({"instances": [[1.0, 2.0, 3.0, 4.0]]}).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as r:
            predictions = json.loads(r.read())["predictions"]
        import numpy as np

        np.testing.assert_allclose(predictions, forward([[1.0, 2.0, 3.0, 4.0]]), rtol=1e-5)
    finally:
        child.terminate()
        child.wait(timeout=30)
