"""TF Serving's REST predict JSON: request body -> NumPy arrays, arrays -> response body.

A port of ``tensorflow_serving/util/json_tensor.cc`` (``FillPredictRequestFromJson``,
``MakeJsonFromTensors``, ``MakeJsonFromStatus``); see ../shared/FORMATS.md §4. What it
reproduces, byte for byte:

* Responses as rapidjson's ``PrettyWriter`` lays them out (4-space indent; row-format
  examples on one line, ``{"predictions": [2.5, 3.0\\n    ]}`` style; columnar output one
  value per line), floats as ``WriteDecimal`` writes them (``%g`` when that round-trips in
  the tensor's own precision, else ``%.9g`` / ``%.17g``; ``.0`` added to whole numbers;
  ``NaN``, ``Infinity``, ``-Infinity``), strings escaped as rapidjson escapes them, DT_STRING
  outputs whose name ends in ``_bytes`` as ``{"b64": ...}`` objects.
* Request errors with TF Serving's messages, including the pretty-printed JSON values they
  quote and the ``Error: INVALID_ARGUMENT: ...`` wrapping of per-element row errors.
* Value rules: ``IsLosslessDecimal`` for float/double inputs, rapidjson's integer classes
  (``IsInt``, ``IsInt64``, ...) for integer inputs, ``{"b64": ...}`` decoded the way
  ``absl::Base64Unescape`` decodes (whitespace skipped, padding optional), a NUL byte ends
  the document as it does for rapidjson's memory stream.

Beyond TF Serving (which leaves these to the model run): inputs are checked against the
signature's known dims, and a value nested deeper than ``_MAX_RANK`` lists, or too deep for
the JSON parser, is a 400 instead of a crash.

Known differences (documented, not worth a hand-written JSON parser): JSON syntax errors
are mapped from Python's ``json`` messages to rapidjson's (offsets can differ for a few
malformed tokens such as ``nul`` or ``-``); rapidjson's extra ``Inf`` / ``-Inf`` / ``-NaN``
tokens are not accepted; a duplicated key keeps its last value (rapidjson: the first);
decimals are parsed correctly rounded (rapidjson's default mode can be 1 ulp off);
very long JSON values quoted in messages are cut at ``_MAX_QUOTED_CHARS``.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping

import numpy as np

try:  # the serve extra's fast JSON parser (an order of magnitude faster on numbers)
    import orjson as _orjson
except ImportError:
    _orjson = None

__all__ = ["ServingError", "error_body", "format_predict_response", "parse_predict_request"]

_MAX_RANK = 32  # NumPy 1.x's NPY_MAXDIMS; deeper nesting is refused before any recursion
_MAX_QUOTED_CHARS = 65536  # JSON quoted in one error message (TF Serving: unbounded)
_MAX_QUOTED_DEPTH = 100

_I32 = (-(2**31), 2**31 - 1)
_I64 = (-(2**63), 2**63 - 1)
_U32 = (0, 2**32 - 1)
_U64 = (0, 2**64 - 1)
_FLT_MAX = float(np.finfo(np.float32).max)
_RJ_FLOAT_LIMIT = 3.4028234e38  # rapidjson Value::IsFloat()
_MAX_LOSSLESS_INT = {"float": 2**24 - 1, "double": 2**53 - 1}
_INF = math.inf


class ServingError(Exception):
    """A request TF Serving would reject: .http_status (int) and .message (str)."""

    def __init__(self, message, http_status=400):
        super().__init__(message)
        self.message = str(message)
        self.http_status = int(http_status)


class _TfError(Exception):
    """A tensorflow::Status inside the converter (code name as Status::ToString prints it)."""

    def __init__(self, message, code="INVALID_ARGUMENT"):
        super().__init__(message)
        self.message = message
        self.code = code

    def serving_error(self):
        return ServingError(self.message, 501 if self.code == "UNIMPLEMENTED" else 400)


# --------------------------------------------------------------------------- writing JSON

_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
            "\\": "\\\\"}
_ESCAPE_RE = re.compile(r'[\x00-\x1f"\\]')


def _escape_char(m):
    c = m.group()
    return _ESCAPES.get(c) or f"\\u{ord(c):04X}"  # rapidjson: upper-case hex digits


def _rj_string(s):
    """A string as rapidjson's Writer writes it (only controls, '"' and '\\' escaped)."""
    return '"' + _ESCAPE_RE.sub(_escape_char, s) + '"'


def _encode(text):
    try:
        return text.encode("utf-8", "surrogateescape")  # raw request bytes come back as-is
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _decimal_str(v, single):
    """json_tensor.cc WriteDecimal<float|double>: %g if it round-trips, else max_digits10."""
    if v != v:
        return "NaN"
    if v == _INF:
        return "Infinity"
    if v == -_INF:
        return "-Infinity"
    s = format(v, "g")
    back = float(s)
    if single:
        back = float(np.float32(back))
    if back != v:
        s = format(v, ".9g" if single else ".17g")
    if "." not in s and "e" not in s:
        s += ".0"
    return s


def _float_tokens(flat, single):
    """WriteDecimal over a 1-D float32/float64 array, vectorising the round-trip test."""
    vals = flat.tolist()
    toks = [format(v, "g") for v in vals]
    finite = np.isfinite(flat)
    back = np.array(toks).astype(np.float64)
    if single:
        back = back.astype(np.float32)
    fmt = ".9g" if single else ".17g"
    for i in np.flatnonzero((back != flat) & finite).tolist():
        toks[i] = format(vals[i], fmt)
    toks = [t if ("." in t or "e" in t) else t + ".0" for t in toks]
    if not finite.all():
        for i in np.flatnonzero(~finite).tolist():
            v = vals[i]
            toks[i] = "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    return toks


def _rj_double(d):
    """rapidjson Writer::Double (Grisu shortest digits + Prettify), for finite d."""
    if d == 0:
        return "-0.0" if math.copysign(1.0, d) < 0 else "0.0"
    sign = "-" if d < 0 else ""
    r = repr(abs(d))
    mant, _, e = r.partition("e")
    exp = int(e) if e else 0
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    kk = len(ip) + exp
    stripped = digits.lstrip("0")
    kk -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    n = len(digits)
    k = kk - n
    if 0 <= k and kk <= 21:
        out = digits + "0" * k + ".0"
    elif 0 < kk <= 21:
        out = digits[:kk] + "." + digits[kk:]
    elif -6 < kk <= 0:
        out = "0." + "0" * -kk + digits
    elif n == 1:
        out = digits + "e" + str(kk - 1)
    else:
        out = digits[0] + "." + digits[1:] + "e" + str(kk - 1)
    return sign + out


def _big_int_to_double(n):
    """An integer literal outside int64/uint64: rapidjson stores it as a double."""
    try:
        return float(n)
    except OverflowError:
        raise ServingError("JSON Parse error: Number too big to be stored in double.") from None


class _Stop(Exception):
    """rapidjson's Writer refused a value (NaN/Inf without kWriteNanAndInfFlag)."""


class _TooLong(Exception):
    pass


class _Pretty:
    """rapidjson PrettyWriter (default format) over a parsed JSON value."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def put(self, s):
        self.parts.append(s)
        self.size += len(s)
        if self.size > _MAX_QUOTED_CHARS:
            raise _TooLong

    def emit(self, v, level):
        t = type(v)
        if t is dict or t is list:
            if not v:
                self.put("{}" if t is dict else "[]")
                return
            if level >= _MAX_QUOTED_DEPTH:
                raise _TooLong
            indent = "\n" + "    " * (level + 1)
            self.put("{" if t is dict else "[")
            first = True
            if t is dict:
                for key, x in v.items():
                    self.put(indent if first else "," + indent)
                    first = False
                    self.put(_rj_string(key))
                    self.put(": ")
                    self.emit(x, level + 1)
            else:
                for x in v:
                    self.put(indent if first else "," + indent)
                    first = False
                    self.emit(x, level + 1)
            self.put("\n" + "    " * level + ("}" if t is dict else "]"))
        elif t is str:
            self.put(_rj_string(v))
        elif t is bool:
            self.put("true" if v else "false")
        elif v is None:
            self.put("null")
        elif t is int:
            if _I64[0] <= v <= _U64[1]:
                self.put(str(v))
            else:
                self.put(_rj_double(_big_int_to_double(v)))
        elif t is float:
            if not math.isfinite(v):
                raise _Stop
            self.put(_rj_double(v))
        else:  # pragma: no cover - json.loads makes nothing else
            self.put(_rj_string(str(v)))


def _value_str(v):
    """json_tensor.cc JsonValueToString: a root double goes through WriteDecimal."""
    t = type(v)
    if t is float or (t is int and not _I64[0] <= v <= _U64[1]):
        d = v if t is float else _big_int_to_double(v)
        if -_RJ_FLOAT_LIMIT <= d <= _RJ_FLOAT_LIMIT:  # IsFloat(): written as GetFloat()
            return _decimal_str(float(np.float32(d)), True)
        return _decimal_str(d, False)
    p = _Pretty()
    try:
        p.emit(v, 0)
    except _Stop:
        pass
    except _TooLong:
        p.parts.append("...")
    return "".join(p.parts)


def _json_type(v):
    if v is None:
        return "Null"
    if v is True:
        return "True"
    if v is False:
        return "False"
    t = type(v)
    if t is dict:
        return "Object"
    if t is list:
        return "Array"
    if t is str:
        return "String"
    return "Number"


def error_body(message) -> bytes:
    """The body TF Serving sends with an error status (MakeJsonFromStatus)."""
    return _encode('{\n    "error": ' + _rj_string(str(message)) + "\n}")


# --------------------------------------------------------------------------- parsing JSON

_RJ_MISSING_NAME = "Missing a name for object member."
_RJ_INVALID_VALUE = "Invalid value."
_RJ_TOO_BIG = "Number too big to be stored in double."
_JSON_WS = " \t\n\r"
_TOKEN_RE = re.compile(r'"(?:[^"\\]+|\\.)*"|[\[\]{}]', re.S)


def _innermost_container(text, pos):
    stack = []
    for m in _TOKEN_RE.finditer(text, 0, pos):
        c = m.group()
        if c in "[{":
            stack.append(c)
        elif c in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _skip_ws(text, pos):
    while pos < len(text) and text[pos] in _JSON_WS:
        pos += 1
    return pos


class _Body:
    """The request text (UTF-8, undecodable bytes kept as surrogate escapes)."""

    def __init__(self, body):
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        body = bytes(body)
        if not body:
            raise ServingError("JSON Parse error: The document is empty")
        self.bom = 3 if body.startswith(b"\xef\xbb\xbf") else 0  # rapidjson skips a BOM
        text = body[self.bom:].decode("utf-8", "surrogateescape")
        nul = text.find("\x00")
        self.text = text if nul < 0 else text[:nul]  # rapidjson's stream ends at a NUL
        self._overflow_checked = False
        self._has_bools = None

    def offset(self, pos):
        return len(self.text[:pos].encode("utf-8", "surrogateescape")) + self.bom

    def parse_error(self, what, pos):
        return ServingError(f"JSON Parse error: {what} at offset: {self.offset(pos)}")

    def loads(self):
        text = self.text
        if not text.strip(_JSON_WS):
            raise self.parse_error("The document is empty.", len(text))
        if _orjson is not None:
            try:
                return _orjson.loads(text)
            except _orjson.JSONDecodeError:
                pass  # NaN/Infinity tokens, huge integers or a real error: json says which
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise self._translate(e) from None
        except RecursionError:
            raise ServingError("JSON Parse error: The document is nested too deeply.") from None
        except ValueError:  # an integer literal past Python's digit limit
            m = re.search(r"-?\d{1000,}", text)
            raise self.parse_error(_RJ_TOO_BIG, m.start() if m else 0) from None

    def _translate(self, e):
        msg, pos, text = e.msg, e.pos, self.text
        if msg.startswith("Expecting value"):
            what = _RJ_INVALID_VALUE
        elif msg.startswith("Expecting property name"):
            what = _RJ_MISSING_NAME
        elif msg.startswith("Illegal trailing comma before end of object"):
            what, pos = _RJ_MISSING_NAME, _skip_ws(text, pos + 1)
        elif msg.startswith("Illegal trailing comma before end of array"):
            what, pos = _RJ_INVALID_VALUE, _skip_ws(text, pos + 1)
        elif msg.startswith("Expecting ':'"):
            what = "Missing a colon after a name of object member."
        elif msg.startswith("Expecting ','"):
            if _innermost_container(text, pos) == "{":
                what = "Missing a comma or '}' after an object member."
            else:
                what = "Missing a comma or ']' after an array element."
        elif msg.startswith("Extra data"):
            what = "The document root must not be followed by other values."
        elif msg.startswith("Unterminated string"):
            what, pos = "Missing a closing quotation mark in string.", len(text)
        elif msg.startswith("Invalid control character"):
            what = "Invalid encoding in string."
        elif msg.startswith("Invalid \\u"):
            what, pos = "Incorrect hex digit after \\u escape in string.", max(pos - 1, 0)
        elif msg.startswith("Invalid \\escape"):
            what = "Invalid escape character in string."
        else:
            what = _RJ_INVALID_VALUE
        return self.parse_error(what, pos)

    def check_overflow(self):
        """An infinity was parsed: rapidjson rejects a literal like 1e400 (NaN/Infinity ok)."""
        if self._overflow_checked:
            return
        self._overflow_checked = True

        class _Overflow(Exception):
            pass

        def parse_float(s):
            v = float(s)
            if math.isinf(v):
                raise _Overflow(s)
            return v

        try:
            json.loads(self.text, parse_float=parse_float)
        except _Overflow as e:
            raise self.parse_error(_RJ_TOO_BIG, max(self.text.find(e.args[0]), 0)) from None

    def has_bools(self):
        if self._has_bools is None:
            self._has_bools = "true" in self.text or "false" in self.text
        return self._has_bools


# --------------------------------------------------------------------------- signatures

_KIND_OF = {
    np.dtype(np.float32): "float", np.dtype(np.float64): "double",
    np.dtype(np.float16): "half", np.dtype(np.int8): "int8", np.dtype(np.int16): "int16",
    np.dtype(np.int32): "int32", np.dtype(np.int64): "int64", np.dtype(np.uint8): "uint8",
    np.dtype(np.uint16): "uint16", np.dtype(np.uint32): "uint32",
    np.dtype(np.uint64): "uint64", np.dtype(np.bool_): "bool",
    np.dtype(np.complex64): "complex64", np.dtype(np.complex128): "complex128",
}
_STRING_NAMES = {"string", "str", "bytes", "object", "dt_string"}
_INT_RANGE = {"int32": _I32, "int16": _I32, "int8": _I32, "uint8": _I32, "int64": _I64,
              "uint32": _U32, "uint64": _U64}
_FAST_KINDS = {"float", "double", "bool", *_INT_RANGE}


class _Spec:
    __slots__ = ("name", "kind", "dtype", "shape")

    def __init__(self, name, dtype, shape):
        self.name = str(name)
        if isinstance(dtype, str) and dtype.lower() in _STRING_NAMES:
            self.kind, self.dtype = "string", np.dtype(object)
        elif isinstance(dtype, str) and dtype.lower() == "bfloat16":
            self.kind, self.dtype = "bfloat16", np.dtype(np.float32)
        else:
            dt = np.dtype(dtype)
            if dt.kind in "SUO":
                self.kind, self.dtype = "string", np.dtype(object)
            elif dt in _KIND_OF:
                self.kind, self.dtype = _KIND_OF[dt], dt
            else:
                raise ValueError(f"Unsupported signature dtype for input {name!r}: {dtype!r}")
        self.shape = None if shape is None else tuple(
            None if d is None or int(d) < 0 else int(d) for d in shape)


def _shape_str(dims):
    return "[" + ",".join(str(d) for d in dims) + "]"


def _check_signature_shape(spec, arr):
    if spec.shape is None:
        return
    got = arr.shape
    if len(got) != len(spec.shape) or any(
            e is not None and e != g for e, g in zip(spec.shape, got)):
        want = "[" + ",".join("?" if d is None else str(d) for d in spec.shape) + "]"
        raise ServingError(f"Incompatible shape for input: {spec.name}. Expected {want} "
                           f"but got {_shape_str(got)}")


# --------------------------------------------------------------------------- JSON -> tensors


def _is_b64(v):
    """IsValBase64Object: exactly one key, "b64", holding a string."""
    return type(v) is dict and len(v) == 1 and type(v.get("b64")) is str


def _dense_shape(val):
    """GetDenseTensorShape: follow the first element down; refuse absurd nesting."""
    shape = []
    while type(val) is list:
        shape.append(len(val))
        if len(shape) > _MAX_RANK:
            raise ServingError(
                f"Encountered list nested deeper than the maximum supported rank: {_MAX_RANK}")
        if not val:
            break
        val = val[0]
    return shape


_B64_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")
_ASCII_SPACE = b" \t\n\v\f\r"


def _b64decode(s):
    """absl::Base64Unescape: whitespace ignored, '=' or '.' padding, padding optional."""
    try:
        raw = s.encode("ascii")
    except UnicodeEncodeError:
        return None
    cut = min((i for i in (raw.find(b"="), raw.find(b".")) if i >= 0), default=len(raw))
    data = raw[:cut].translate(None, _ASCII_SPACE)
    pads = raw[cut:].translate(None, _ASCII_SPACE)
    if not _B64_ALPHABET.fullmatch(data) or pads.strip(b"=."):
        return None
    state = len(data) % 4
    if state == 1 or (pads and len(pads) != (4 - state) % 4):
        return None
    return base64.b64decode(data + b"=" * ((4 - state) % 4))


def _str_bytes(s):
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise ServingError("JSON Parse error: The surrogate pair in string is invalid.") from None


class _Converter:
    def __init__(self, body):
        self.body = body

    # ---- the careful path: FillTensorProto / AddValueToTensor, value by value

    def fill(self, val, kind):
        shape = _dense_shape(val)
        out = []
        self._fill(val, 0, shape, kind, out)
        return out, shape

    def _fill(self, val, level, shape, kind, out):
        rank = len(shape)
        if type(val) is not list:
            if level != rank:
                raise _TfError(f"JSON Value: {_value_str(val)} found at incorrect level: "
                               f"{level + 1} in the JSON DOM. Expected at level: {rank}")
            self._leaf(val, kind, out)
            return
        if level >= rank:
            raise _TfError(f"Encountered list at unexpected level: {level} expected < {rank}")
        if len(val) != shape[level]:
            raise _TfError(f"Encountered list at unexpected size: {len(val)} at level: "
                           f"{level} expected size: {shape[level]}")
        for v in val:
            self._fill(v, level + 1, shape, kind, out)

    def _leaf(self, val, kind, out):
        t = type(val)
        if t is dict:
            if kind != "string":
                raise self._type_error(val, kind)
            if not _is_b64(val):
                raise _TfError(f"JSON Value: {_value_str(val)} not formatted correctly for "
                               "base64 data")
            decoded = _b64decode(val["b64"])
            if decoded is None:
                raise _TfError("Unable to base64 decode")
            out.append(decoded)
        elif kind == "float" or kind == "double":
            if t is int:
                if _I64[0] <= val <= _U64[1]:
                    if abs(val) > _MAX_LOSSLESS_INT[kind]:
                        raise self._lossy(val, kind)
                    out.append(val)
                    return
                val = _big_int_to_double(val)  # a double to rapidjson
            elif t is not float:
                raise self._type_error(val, kind)
            if math.isinf(val):
                self.body.check_overflow()
            elif kind == "float" and abs(val) > _FLT_MAX:
                raise self._lossy(val, kind)
            out.append(val)
        elif kind in _INT_RANGE:
            lo, hi = _INT_RANGE[kind]
            if t is not int or not lo <= val <= hi:
                raise self._type_error(val, kind)
            out.append(val)
        elif kind == "bool":
            if t is not bool:
                raise self._type_error(val, kind)
            out.append(val)
        elif kind == "string":
            if t is not str:
                raise self._type_error(val, kind)
            out.append(_str_bytes(val))
        else:
            raise _TfError(f"Conversion of JSON Value: {_value_str(val)} to type: {kind}",
                           "UNIMPLEMENTED")

    @staticmethod
    def _type_error(val, kind):
        return _TfError(f"JSON Value: {_value_str(val)} Type: {_json_type(val)} is not of "
                        f"expected type: {kind}")

    @staticmethod
    def _lossy(val, kind):
        return _TfError(f"Cannot convert JSON value: {_value_str(val)} to {kind} without "
                        "loss of precision.")

    @staticmethod
    def to_array(flat, shape, spec):
        kind = spec.kind
        if kind == "string":
            arr = np.empty(len(flat), dtype=object)
            arr[:] = flat
            return arr.reshape(shape)
        if kind == "float":
            return np.array(flat, dtype=np.float64).astype(np.float32).reshape(shape)
        if kind in ("int32", "int16", "int8", "uint8", "int64"):
            return np.array(flat, dtype=np.int64).astype(spec.dtype).reshape(shape)
        if kind in _FAST_KINDS:
            return np.array(flat, dtype=spec.dtype).reshape(shape)
        return np.zeros(shape, dtype=spec.dtype)  # unsupported kinds: only when empty

    # ---- the fast path: json lists -> np.array, checked vectorised

    def fast(self, val, spec, shape):
        """The array TF Serving would build from `val`, or None to take the careful path."""
        kind = spec.kind
        if kind not in _FAST_KINDS or (kind != "bool" and self.body.has_bools()):
            return None
        try:
            a = np.array(val)
        except (ValueError, TypeError, OverflowError):
            return None
        if a.shape != tuple(shape):
            return None
        dk = a.dtype.kind
        if kind == "bool":
            return a if dk == "b" else None
        if kind == "float" or kind == "double":
            if dk not in "fi":
                return None
            lim = _MAX_LOSSLESS_INT[kind]
            ok = (a >= -lim) & (a <= lim)  # False for NaN
            if not ok.all():
                if dk == "i":
                    return None
                outliers = np.array(val, dtype=object).reshape(-1)[~ok.reshape(-1)]
                for x in outliers.tolist():
                    if type(x) is not float:
                        return None  # an integer literal past 2^24-1 / 2^53-1
                    if math.isinf(x):
                        self.body.check_overflow()
                    elif kind == "float" and abs(x) > _FLT_MAX:
                        return None
            return a.astype(spec.dtype)
        if dk != "i":
            return None
        lo, hi = _INT_RANGE[kind]
        if a.size and (int(a.min()) < lo or int(a.max()) > hi):
            return None
        return a.astype(spec.dtype)

    # ---- whole tensors

    def tensor(self, val, spec):
        """A columnar value (FillTensorProto errors are returned unwrapped)."""
        arr = self.fast(val, spec, _dense_shape(val))
        if arr is None:
            try:
                flat, shape = self.fill(val, spec.kind)
            except _TfError as e:
                raise e.serving_error() from None
            arr = self.to_array(flat, shape, spec)
        return arr

    def _add_item(self, val, spec, state):
        """AddInstanceItem: one example's value; every example must match the first."""
        flat, shape = self.fill(val, spec.kind)
        if "size" not in state:
            state.update(size=len(flat), shape=shape, flat=[])
        elif state["size"] != len(flat):
            raise _TfError(f"Expecting tensor size: {state['size']} but got: {len(flat)}")
        elif state["shape"] != shape:
            raise _TfError(f"Expecting shape {_shape_str(state['shape'])} but got: "
                           f"{_shape_str(shape)}")
        state["flat"].extend(flat)

    def instances_plain(self, instances, spec):
        arr = self.fast(instances, spec, _dense_shape(instances))
        if arr is not None:
            return arr
        state = {}
        for i, elem in enumerate(instances):
            if type(elem) is dict and not _is_b64(elem):
                raise ServingError(f"Expecting value/list but got object at item {i} of "
                                   "input list")
            try:
                self._add_item(elem, spec, state)
            except _TfError as e:
                raise ServingError(f"Failed to process element: {i} of 'instances' list. "
                                   f"Error: {e.code}: {e.message}") from None
        return self.to_array(state["flat"], [len(instances), *state["shape"]], spec)

    def instances_objects(self, instances, specs):
        names = {s.name for s in specs}
        if all(type(e) is dict and e.keys() == names and not _is_b64(e) for e in instances):
            result = {}
            for spec in specs:
                column = [e[spec.name] for e in instances]
                arr = self.fast(column, spec, _dense_shape(column))
                if arr is None:
                    break
                result[spec.name] = arr
            else:
                return result
        by_name = {s.name: s for s in specs}
        states = {s.name: {} for s in specs}
        for i, elem in enumerate(instances):
            if type(elem) is not dict or _is_b64(elem):
                raise ServingError(f"Expecting object but got list at item {i} of input list")
            for name, val in elem.items():
                try:
                    if name not in by_name:
                        raise _TfError(f"JSON object: does not have named input: {name}")
                    self._add_item(val, by_name[name], states[name])
                except _TfError as e:
                    raise ServingError(f"Failed to process element: {i} key: {name} of "
                                       f"'instances' list. Error: {e.code}: {e.message}"
                                       ) from None
            if elem.keys() != names:
                raise ServingError(f"Failed to process element: {i} of 'instances' list. JSON "
                                   f"object: {_value_str(elem)} keys must be equal to: "
                                   f"{','.join(sorted(names))}")
        return {s.name: self.to_array(states[s.name]["flat"],
                                      [len(instances), *states[s.name]["shape"]], s)
                for s in specs}


def parse_predict_request(body: bytes, inputs) -> tuple[dict, bool]:
    """inputs: ordered {input_name: (dtype, shape)} of the model's signature, dtype a numpy
    dtype string ("float32", "int64", "int32", "bool", "float64", "string"/"object" for bytes
    inputs), shape a tuple with None for unknown dims, first dim the batch (None).
    Returns ({name: np.ndarray with the signature dtype}, row_format) where row_format is True
    for "instances" and False for "inputs". String inputs come back as object arrays of bytes.

    `inputs` may also be a callable taking the request's signature_name ("" when absent) and
    returning that mapping (TF Serving's get_tensorinfo_map); a ServingError it raises (e.g.
    an unknown signature) goes to the client unchanged.

    Raises ServingError with TF Serving's message and HTTP status for a malformed request.
    """
    req = _Body(body)
    doc = req.loads()
    if type(doc) is not dict:
        raise ServingError(f"JSON Value: {_value_str(doc)} Is not object")
    signature_name = doc.get("signature_name", "")
    if type(signature_name) is not str:
        raise ServingError(f"JSON Value: {_value_str(doc)} not formatted correctly. "
                           "'signature_name' key must be a string value.")
    table = inputs(signature_name) if callable(inputs) else inputs
    if not isinstance(table, Mapping):
        raise TypeError("inputs must map input names to (dtype, shape)")
    specs = [_Spec(name, *entry) for name, entry in table.items()]
    if not specs:
        raise ServingError("Failed to get input map for signature: "
                           f"{signature_name or 'DEFAULT'}")

    conv = _Converter(req)
    if "instances" in doc:
        if "inputs" in doc:
            raise ServingError(f"JSON Value: {_value_str(doc)} Not formatted correctly "
                               "expecting only one of 'inputs' or 'instances' keys to exist ")
        instances = doc["instances"]
        if type(instances) is not list:
            raise ServingError(f"JSON Value: {_value_str(doc)} Excepting 'instances' to be an "
                               "list/array")
        if not instances:
            raise ServingError(f"JSON Value: {_value_str(doc)} No values in 'instances' array")
        first = instances[0]
        if type(first) is not dict and len(specs) > 1:
            raise ServingError("instances is a plain list, but expecting list of objects as "
                               "multiple input tensors required as per tensorinfo_map")
        if type(first) is dict and not _is_b64(first):
            result = conv.instances_objects(instances, specs)
        else:
            result = {specs[0].name: conv.instances_plain(instances, specs[0])}
        row_format = True
    elif "inputs" in doc:
        value = doc["inputs"]
        if type(value) is not dict or _is_b64(value):
            if len(specs) > 1:
                raise ServingError("inputs is a plain value/list, but expecting an object as "
                                   "multiple input tensors required as per tensorinfo_map")
            result = {specs[0].name: conv.tensor(value, specs[0])}
        else:
            result = {}
            for spec in specs:
                if spec.name not in value:
                    raise ServingError(f"Missing named input: {spec.name} in 'inputs' object.")
                result[spec.name] = conv.tensor(value[spec.name], spec)
        row_format = False
    else:
        raise ServingError("Missing 'inputs' or 'instances' key")

    for spec in specs:
        _check_signature_shape(spec, result[spec.name])
    return result, row_format


# --------------------------------------------------------------------------- tensors -> JSON

_INT_DTYPES = {np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8,
                                     np.uint32, np.uint64)}
_TF_TYPE_NAME = {np.dtype(np.uint16): "uint16", np.dtype(np.complex64): "complex64",
                 np.dtype(np.complex128): "complex128"}


def _string_tokens(flat, as_bytes, depth):
    toks = []
    if as_bytes:  # {"b64": ...} is an object: PrettyWriter breaks lines even in a row
        head = "{\n" + "    " * (depth + 1) + '"b64": "'
        tail = '"\n' + "    " * depth + "}"
    for x in flat.tolist():
        if isinstance(x, str):
            x = x.encode("utf-8", "surrogatepass")
        elif not isinstance(x, bytes):
            raise ServingError("Failed to write JSON value for tensor type: string", 500)
        if as_bytes:
            toks.append(head + base64.b64encode(x).decode("ascii") + tail)
        else:
            toks.append(_rj_string(x.decode("utf-8", "surrogateescape")))
    return toks


def _tokens(name, a, depth):
    """Each value of `a` (C order) as AddSingleValueAndAdvance writes it; `depth` is the
    number of JSON containers open around a value."""
    if a.size == 0:
        return []
    flat = a.reshape(-1)
    dt = a.dtype
    if dt == np.float32 or dt == np.float16:
        return _float_tokens(flat.astype(np.float32), True)
    if dt == np.float64:
        return _float_tokens(flat, False)
    if dt == np.bool_:
        return ["true" if x else "false" for x in flat.tolist()]
    if dt in _INT_DTYPES:
        return [str(x) for x in flat.tolist()]
    if dt.kind in "SUO":
        return _string_tokens(flat, name.endswith("_bytes"), depth)
    raise ServingError("Failed to write JSON value for tensor type: "
                       + _TF_TYPE_NAME.get(dt, dt.name))


def _group(items, shape, k, open_, sep, close):
    groups = math.prod(shape[:k])
    d = shape[k]
    if d == 0:
        return ["[]"] * groups
    return [open_ + sep.join(items[i * d:(i + 1) * d]) + close for i in range(groups)]


def _one_line(tokens, shape):
    """Per-example strings (shape[0] of them), each on one line (kFormatSingleLineArray)."""
    items = tokens
    for k in range(len(shape) - 1, 0, -1):
        items = _group(items, shape, k, "[", ", ", "]")
    return items


def _multi_line(tokens, shape, depth):
    """The whole tensor, one value per line; its outermost list is container no. `depth`."""
    if not shape:
        return tokens[0]
    items = tokens
    for k in range(len(shape) - 1, -1, -1):
        pad = "    " * (depth + k)
        items = _group(items, shape, k, "[\n" + pad, ",\n" + pad,
                       "\n" + "    " * (depth + k - 1) + "]")
    return items[0]


def format_predict_response(outputs: dict, row_format: bool) -> bytes:
    """outputs: ordered {output_name: np.ndarray} (batch-first). Row format: {"predictions":
    [...]} — with one output the per-example values without names, with several a list of
    per-example objects (all outputs must share the batch size, else ServingError 400).
    Columnar: {"outputs": value} for one output, {"outputs": {name: value}} for several.

    The bytes are TF Serving's: rapidjson PrettyWriter layout, WriteDecimal floats (float32
    values formatted in float32, so 0.1f is 0.1), NaN/Infinity/-Infinity tokens, ints as ints,
    bools as true/false, bytes outputs as {"b64": ...} when the name ends in "_bytes", else as
    (UTF-8) strings. Output names are written in the mapping's order.
    """
    if not outputs:
        raise ServingError("Cannot convert empty tensor map to JSON")
    items = [(str(name), np.asarray(value)) for name, value in outputs.items()]
    if row_format:
        batch = -1
        for name, a in items:
            if a.ndim == 0:
                raise ServingError(f"Tensor name: {name} has no shape information ")
            if batch >= 0 and a.shape[0] != batch:
                raise ServingError(f"Tensor name: {name} has inconsistent batch size: "
                                   f"{a.shape[0]} expecting: {batch}")
            batch = a.shape[0]
        if len(items) == 1:
            name, a = items[0]
            rows = _one_line(_tokens(name, a, a.ndim + 1), a.shape)
        else:
            columns = [(_rj_string(name), _one_line(_tokens(name, a, a.ndim + 2), a.shape))
                       for name, a in items]
            rows = ["\n        {"
                    + ",".join("\n            " + key + ": " + col[i] for key, col in columns)
                    + "\n        }" for i in range(batch)]
        sep = ", " if len(items) == 1 else ","
        text = ('{\n    "predictions": [' + sep.join(rows) + ("\n    ]" if rows else "]")
                + "\n}")
    elif len(items) == 1:
        name, a = items[0]
        text = ('{\n    "outputs": ' + _multi_line(_tokens(name, a, a.ndim + 1), a.shape, 2)
                + "\n}")
    else:
        members = ["\n        " + _rj_string(name) + ": "
                   + _multi_line(_tokens(name, a, a.ndim + 2), a.shape, 3) for name, a in items]
        text = '{\n    "outputs": {' + ",".join(members) + "\n    }\n}"
    return _encode(text)

