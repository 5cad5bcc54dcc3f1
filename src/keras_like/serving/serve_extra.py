"""The `serve` extra's packages, or an ImportError that names it."""

import importlib

_PACKAGES = ("starlette", "uvicorn", "prometheus_client", "google.protobuf")


def require():
    missing = []
    for package in _PACKAGES:
        try:
            importlib.import_module(package)
        except ImportError:
            missing.append(package)
    if missing:
        raise ImportError(
            f"keras_like serve needs {', '.join(missing)} (an ASGI stack and Prometheus "
            "metrics), which are not installed. Install them with: "
            "pip install 'keras_like[serve]'")
