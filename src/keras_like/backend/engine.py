"""Loads the native engine. Only `keras_like.backend` and `keras_like.ops` import it."""

import ctypes
import importlib.util
import os


def _preload_openblas():
    # Installed wheels find OpenBLAS through their RPATH; other layouts (editable or in-tree
    # builds) need the library loaded before the extension.
    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is None or not spec.submodule_search_locations:
        return
    lib_dir = os.path.join(list(spec.submodule_search_locations)[0], "lib")
    for name in sorted(os.listdir(lib_dir)) if os.path.isdir(lib_dir) else []:
        if name.startswith("libscipy_openblas") and ".so" in name:
            ctypes.CDLL(os.path.join(lib_dir, name), mode=ctypes.RTLD_GLOBAL)
            return


try:
    from keras_like import _engine
except ImportError as first_error:  # pragma: no cover - depends on the install layout
    if "openblas" not in str(first_error):
        raise
    _preload_openblas()
    from keras_like import _engine

Tensor = _engine.Tensor

__all__ = ["_engine", "Tensor"]
