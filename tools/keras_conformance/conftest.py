"""Runs Keras's own ops tests with keras_like's functions in place of Keras's.

Every public function of `keras.src.ops.{numpy,nn,math,core,linalg}` (and the `keras.ops`
namespaces that re-export them) is replaced by a wrapper that calls the keras_like function
of the same name and converts its results to NumPy, so Keras's assertions (written for the
NumPy backend) compare keras_like's values and dtypes. A name keras_like lacks raises
`MissingInKerasLike`, which `run.py` counts separately.

Loaded by the test files `run.py` copies next to it; Keras must be installed (reference only,
never a dependency of keras_like).
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "numpy")

# run.py copies this file next to Keras's tests and says where keras_like's sources are.
sys.path.insert(0, os.environ["KERAS_LIKE_SRC"])

import functools  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402

import numpy as np  # noqa: E402

import keras_like.ops as kl_ops  # noqa: E402
from keras_like.backend.engine import Tensor  # noqa: E402

MODULES = ("numpy", "nn", "math", "core", "linalg")


class MissingInKerasLike(NotImplementedError):
    """The test reached a `keras.ops` function keras_like does not have."""


def _to_keras_like(value):
    from keras.src import backend

    if isinstance(value, backend.Variable):
        return np.asarray(value.value)
    if isinstance(value, (list, tuple)):
        return type(value)(_to_keras_like(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_keras_like(v) for k, v in value.items()}
    return value


def _to_numpy(value):
    if isinstance(value, Tensor):
        array = np.array(value.numpy())
        if value.dtype == "bfloat16":  # keras_like hands bfloat16 out as float32
            import ml_dtypes

            array = array.astype(ml_dtypes.bfloat16)
        return array
    if type(value).__module__.startswith("keras_like") and hasattr(value, "numpy"):
        return np.array(value.numpy())  # a Variable
    if isinstance(value, (list, tuple)):
        return type(value)(_to_numpy(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    return value


def _replacement(module_name, name, original):
    from keras.src.backend.common.keras_tensor import any_symbolic_tensors

    ours = getattr(importlib.import_module(f"keras_like.ops.{module_name}"), name, None)
    if ours is None:
        ours = getattr(kl_ops, name, None)
    if ours is None:
        def missing(*args, **kwargs):
            if any_symbolic_tensors(args, kwargs):
                return original(*args, **kwargs)
            raise MissingInKerasLike(f"keras_like.ops has no `{name}`")

        return missing

    @functools.wraps(ours)
    def call(*args, **kwargs):
        # Symbolic shape inference on Keras's KerasTensors stays Keras's own.
        if any_symbolic_tensors(args, kwargs):
            return original(*args, **kwargs)
        args = _to_keras_like(args)
        kwargs = _to_keras_like(kwargs)
        return _to_numpy(ours(*args, **kwargs))

    return call


def _swap():
    import keras

    # Only Keras's public ops: helpers such as `shape_equal` in keras.src.ops.numpy stay Keras's.
    public = set(vars(keras.ops))
    for sub in ("numpy", "nn", "linalg", "image"):
        public |= set(vars(getattr(keras.ops, sub, None) or object))
    swapped = {}
    for module_name in MODULES:
        module = importlib.import_module(f"keras.src.ops.{module_name}")
        for name, value in list(vars(module).items()):
            if (name.startswith("_") or not inspect.isfunction(value)
                    or value.__module__ != module.__name__ or name not in public):
                continue
            new = _replacement(module_name, name, value)
            swapped[value] = new
            setattr(module, name, new)
    namespaces = [importlib.import_module("keras.src.ops"), keras.ops]
    namespaces += [getattr(keras.ops, m) for m in MODULES if hasattr(keras.ops, m)]
    for namespace in namespaces:
        for name, value in list(vars(namespace).items()):
            if inspect.isfunction(value) and value in swapped:
                setattr(namespace, name, swapped[value])


_swap()

# Crash resilience: each outcome is appended to a log as soon as it is known, and tests already
# logged are deselected, so run.py can restart pytest after a test kills the interpreter.
_LOG = os.environ.get("KERAS_CONFORMANCE_LOG")


def _logged():
    if not _LOG or not os.path.exists(_LOG):
        return set()
    with open(_LOG, encoding="utf-8") as f:
        return {line.split("\t", 1)[0] for line in f if line.strip()}


def pytest_collection_modifyitems(config, items):
    done = _logged()
    if done:
        keep = [item for item in items if item.nodeid not in done]
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid in done])
        items[:] = keep


def pytest_runtest_logstart(nodeid, location):
    if _LOG:
        with open(_LOG + ".running", "w", encoding="utf-8") as f:
            f.write(nodeid)


def pytest_runtest_logreport(report):
    if not _LOG:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if report.skipped:
            outcome = "skipped"
        elif report.passed:
            outcome = "passed"
        else:
            text = str(report.longrepr)
            outcome = "missing" if "MissingInKerasLike" in text else "failed"
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(f"{report.nodeid}\t{outcome}\n")
