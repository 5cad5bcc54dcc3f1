"""Checks every model-file reader runs before trusting a byte of the file.

Each failure is an OSError (the path itself: missing, a folder, unreadable) or a ValueError
(the content) whose message names the file and the problem.
"""

import contextlib
import json
import os

import h5py

# Deeper JSON than this is not a model config (Keras's own nest a few dozen levels).
MAX_JSON_DEPTH = 200
MAX_CONFIG_BYTES = 256 * 1024 * 1024


def check_readable_file(path, what="model file"):
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such {what}: '{path}'.")
    if os.path.isdir(path):
        raise IsADirectoryError(f"'{path}' is a directory, not a {what}.")
    if not os.access(path, os.R_OK):
        raise PermissionError(f"Cannot read the {what} '{path}': permission denied.")
    return path


def parse_json(text, where):
    """The JSON value of `text`, refusing what is not JSON or nests absurdly deep."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"{where} is not UTF-8 text: {e}") from None
    if not text.strip():
        raise ValueError(f"{where} is empty; expected a JSON model config.")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"{where} nests deeper than any model config (more than "
                         f"{MAX_JSON_DEPTH} levels); refused.") from None
    except ValueError as e:
        raise ValueError(f"{where} is not valid JSON: {e}") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"{where} nests deeper than any model config (more than "
                         f"{MAX_JSON_DEPTH} levels); refused.")
    return value


def json_depth(value):
    """Nesting depth of a parsed JSON value, computed without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def require_model_config(config, where):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{where} does not describe a model: expected a JSON object with "
                         f"'class_name' and 'config', got {type(config).__name__}.")
    return config


@contextlib.contextmanager
def open_hdf5(path_or_file, filename, mode="r"):
    """h5py.File that turns a file h5py cannot read into a ValueError naming it."""
    try:
        h5 = h5py.File(path_or_file, mode)
    except OSError as e:
        raise ValueError(f"{filename} is not a readable HDF5 file ({e}).") from None
    try:
        yield h5
    finally:
        h5.close()


def wrap_config_errors(where):
    """Context turning config-rebuilding errors into ValueErrors that name the file.

    A config can fail deep inside a layer's constructor with any exception type; the user
    needs to know which file and what, and must never see a bare KeyError or a
    RecursionError.
    """
    return _ConfigErrors(where)


class _ConfigErrors:
    def __init__(self, where):
        self.where = where

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or not isinstance(exc, Exception):
            return False
        if isinstance(exc, (ValueError, OSError)) and self.where in str(exc):
            return False
        if isinstance(exc, RecursionError):
            raise ValueError(f"{self.where}: the model config nests too deeply to rebuild."
                             ) from None
        if isinstance(exc, MemoryError):
            raise ValueError(f"{self.where}: the model config asks for more memory than "
                             f"this machine has ({exc}).") from None
        raise ValueError(f"{self.where}: cannot rebuild the model from its config: "
                         f"{type(exc).__name__}: {exc}") from exc
