"""String data on the host: what a `dtype="string"` input holds until a preprocessing layer.

Engine tensors hold numbers only. Keras on TensorFlow feeds text as `tf.string` tensors; here
text stays a NumPy array (dtype `str_`, `bytes_` or object of str / bytes) from the caller
through batching and the functional graph to the first layer that reads strings
(TextVectorization, StringLookup, Hashing), which returns numeric tensors.
"""

import numpy as np

STRING = "string"
_TEXT_TYPES = (str, bytes, np.str_, np.bytes_)


class StringTensorError(ValueError):
    """A string value (symbolic or real) met code that needs an engine tensor."""


class StringInputError(StringTensorError):
    """A StringTensorError that already names the layer the string reached."""


def is_string_array(x):
    """True for a NumPy array of text: kind U or S, or an object array whose first item is
    str / bytes (an empty object array counts: it came from an empty list of strings)."""
    if type(x) is not np.ndarray:
        return False
    kind = x.dtype.kind
    if kind in "US":
        return True
    if kind != "O":
        return False
    return x.size == 0 or isinstance(x.reshape(-1)[0], _TEXT_TYPES)


def is_string_data(x):
    """A string array, a single string, or a (nested) list / tuple of only strings. A list
    holding arrays is a structure of inputs (`(x, y)`, several inputs), never string data."""
    if isinstance(x, _TEXT_TYPES):
        return True
    if type(x) is np.ndarray:
        return is_string_array(x)
    return _is_string_list(x)


def _is_string_list(x):
    if not isinstance(x, (list, tuple)) or not x:
        return False
    return all(isinstance(v, _TEXT_TYPES) or _is_string_list(v) for v in x)


def contains_strings(structure):
    """Whether any leaf of `structure` (lists, tuples, dicts) is string data."""
    if is_string_data(structure):
        return True
    if isinstance(structure, (list, tuple)):
        return any(contains_strings(v) for v in structure)
    if isinstance(structure, dict):
        return any(contains_strings(v) for v in structure.values())
    return False


def as_string_array(x):
    """`x` (string data) as a NumPy array. Bytes become an object array of bytes: NumPy's
    fixed-width `S` dtype would drop trailing NUL bytes and decode non-ASCII ones."""
    if type(x) is np.ndarray:
        return x.astype(object) if x.dtype.kind == "S" else x
    if _holds_bytes(x):
        return np.asarray(x, dtype=object)
    return np.asarray(x)


def _holds_bytes(x):
    if isinstance(x, (bytes, np.bytes_)):
        return True
    if isinstance(x, (list, tuple)):
        return any(_holds_bytes(v) for v in x)
    return type(x) is np.ndarray and x.dtype.kind == "S"


def strings_to_arrays(structure):
    """Every list / tuple of only strings in `structure` (lists, tuples, dicts) as a NumPy
    array, so batching and structure walks see one array instead of many leaves. A list of
    string lists is one array too (a `(batch, 1)` column), so several string inputs must come
    as arrays or a dict."""
    if isinstance(structure, (list, tuple)):
        if is_string_data(structure):
            return as_string_array(structure)
        items = [strings_to_arrays(v) for v in structure]
        return type(structure)(items) if type(structure) in (list, tuple) else structure
    if isinstance(structure, dict):
        return {k: strings_to_arrays(v) for k, v in structure.items()}
    # A lone string is left alone: it is no batch of samples (data adapters refuse it).
    return structure


def match_string_rank(x, reference_shape):
    """Keras's functional-input rank fix for one string array: a `(batch,)` array feeds an
    input of shape `(batch, 1)` and the reverse (Functional._adjust_input_rank)."""
    rank = len(reference_shape)
    if x.ndim == rank - 1 and reference_shape[-1] == 1:
        return x[..., None]
    if x.ndim == rank + 1 and x.shape[-1] == 1:
        return x[..., 0]
    return x


def string_input_error(layer, received):
    """The error for a string value reaching a layer that computes with engine tensors."""
    return StringInputError(
        f"Layer '{layer.name}' ({type(layer).__name__}) received a string input ({received}), "
        "but it computes on numeric tensors: keras_like keeps strings as NumPy arrays on the "
        "host, and only string preprocessing layers (TextVectorization, StringLookup, "
        "Hashing) read them. Put one of those before this layer.")
