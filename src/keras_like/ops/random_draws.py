"""Engine side of `keras_like.random`: the direct distributions and random tensor transforms.

Each op validates its arguments, reserves the Philox blocks it reads (`random_state`) and
transforms one engine draw. Half-precision results are drawn and computed in float32, then
cast once at the end. The rejection samplers (gamma, beta, binomial) live in
`random_samplers`. The public functions and their documentation are in `keras_like.random`.
"""

import math

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import is_float_dtype, is_int_dtype, standardize_dtype
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, float_tensor, shape_list, tensor
from keras_like.ops.random_state import Reservation, blocks_for

TRUNCATION = 2.0  # truncated_normal keeps values within this many standard deviations


# ---------------------------------------------------------------------------------------------
# Shared argument handling
# ---------------------------------------------------------------------------------------------


def checked_shape(shape, op):
    """`shape` as a list of non-negative ints, refused with a ValueError naming `op`."""
    try:
        dims = shape_list(shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{op}`: `shape` must be a tuple of non-negative integers. Received: shape={shape}"
        ) from None
    if any(d < 0 for d in dims):
        raise ValueError(
            f"`{op}`: `shape` must be a tuple of non-negative integers. Received: shape={shape}"
        )
    return dims


def float_result_dtype(dtype, op):
    """The result dtype of a float distribution (`floatx()` by default)."""
    dtype = config.floatx() if dtype is None else standardize_dtype(dtype)
    if not is_float_dtype(dtype):
        raise ValueError(
            f"`keras.random.{op}` requires a floating point `dtype`. Received: dtype={dtype} "
        )
    return dtype


def compute_dtype(dtype):
    """Sampling precision: float64 for float64 results, float32 otherwise."""
    return "float64" if dtype == "float64" else "float32"


def is_meta(x):
    return type(x) is Tensor and x.device.startswith("meta")


def meta_result(shape, dtype):
    """A data-less result for symbolic calls (shape inference on the meta device)."""
    return E.full(list(shape), 0, dtype, "meta")


def cast_result(x, dtype):
    return E.cast(x, dtype) if x.dtype != dtype else x


def parameter(value, dtype, dims, name, op):
    """A distribution parameter as a `dtype` tensor broadcast to `dims`."""
    t = tensor(value)
    t = E.cast(t, dtype) if t.dtype != dtype else t
    try:
        np.broadcast_shapes(tuple(t.shape), tuple(dims))
    except ValueError:
        raise ValueError(
            f"`{op}`: `{name}` must broadcast to `shape`. Received: {name}.shape={t.shape}, "
            f"shape={tuple(dims)}"
        ) from None
    if list(t.shape) != list(dims):
        t = E.broadcast_to(t, list(dims))
    return t


def python_scalar(value):
    """The Python float of a plain number (or 0-d array), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return float(value)
    return None


def _operand(value, dtype):
    """Python numbers stay weak (they take the sample's dtype); anything else becomes `dtype`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    t = tensor(value)
    return E.cast(t, dtype) if t.dtype != dtype else t


def _bfloat16_nearest(value):
    """`value` rounded to bfloat16 as the engine's cast does: to float32, then to nearest even."""
    with np.errstate(over="ignore"):
        single = np.float32(value)
    bits = int(np.array(single).view(np.uint32))
    if (bits & 0x7FFFFFFF) > 0x7F800000:
        return float("nan")
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return float(np.array(bits, np.uint32).view(np.float32))


def _largest_below(value, dtype):
    """The largest `dtype` number strictly below the Python float `value` (no tensor read)."""
    if dtype == "bfloat16":
        # A bfloat16 is the top half of a float32: step the float32 pattern by one bf16 ulp.
        v = np.float32(_bfloat16_nearest(value))
        if float(v) < value:
            return float(v)
        bits = int(np.array(v).view(np.uint32))
        if v > 0:
            bits -= 0x10000
        elif v < 0:
            bits += 0x10000
        else:
            bits = 0x80010000
        return float(np.array(bits, np.uint32).view(np.float32))
    kind = np.dtype(dtype).type
    v = kind(value)
    if float(v) >= value:
        v = np.nextafter(v, kind(-np.inf))
    return float(v)


# ---------------------------------------------------------------------------------------------
# Continuous distributions
# ---------------------------------------------------------------------------------------------


def normal(shape, mean, stddev, dtype, seed):
    """`keras_like.random.normal`: a normal draw, scaled by `stddev` and shifted by `mean`."""
    dims = checked_shape(shape, "normal")
    dtype = float_result_dtype(dtype, "normal")
    cd = compute_dtype(dtype)
    with Reservation(seed, blocks_for(math.prod(dims))) as reservation:
        sample = reservation.draw("normal", dims, cd)
    out = E.add(E.multiply(sample, _operand(stddev, cd)), _operand(mean, cd))
    return cast_result(out, dtype)


def uniform(shape, minval, maxval, dtype, seed):
    """`keras_like.random.uniform`: a uniform draw mapped onto `[minval, maxval)`."""
    dims = checked_shape(shape, "uniform")
    dtype = float_result_dtype(dtype, "uniform")
    cd = compute_dtype(dtype)
    with Reservation(seed, blocks_for(math.prod(dims))) as reservation:
        u = reservation.draw("uniform", dims, cd)
    low, high = _operand(minval, cd), _operand(maxval, cd)
    if isinstance(low, float) and isinstance(high, float):
        width = high - low
    else:
        width = E.subtract(tensor(high, cd), low)
    out = cast_result(E.add(E.multiply(u, width), low), dtype)
    hi, lo = python_scalar(maxval), python_scalar(minval)
    if hi is not None and math.isfinite(hi) and (lo is None or lo < hi):
        # Rounding (to the result dtype, or of minval + u * width) can land on maxval itself.
        out = E.minimum(out, _largest_below(hi, dtype))
    return out


def truncated_normal(shape, mean, stddev, dtype, seed):
    """`keras_like.random.truncated_normal`: one uniform draw through the inverse normal CDF."""
    dims = checked_shape(shape, "truncated_normal")
    dtype = float_result_dtype(dtype, "truncated_normal")
    cd = compute_dtype(dtype)
    with Reservation(seed, blocks_for(math.prod(dims))) as reservation:
        u = reservation.draw("uniform", dims, cd)
    # Phi(x) = (1 + erf(x / sqrt 2)) / 2, so a standard normal below t has erf-argument
    # 2 Phi(t) - 1 = erf(t / sqrt 2): sample that argument uniformly on [-erf(2/sqrt2), +...].
    half = math.erf(TRUNCATION / math.sqrt(2.0))
    z = E.multiply(E.erfinv(E.add(E.multiply(u, 2.0 * half), -half)), math.sqrt(2.0))
    z = E.minimum(E.maximum(z, -TRUNCATION), TRUNCATION)
    out = E.add(E.multiply(z, _operand(stddev, cd)), _operand(mean, cd))
    return cast_result(out, dtype)


# ---------------------------------------------------------------------------------------------
# Discrete distributions
# ---------------------------------------------------------------------------------------------


def randint(shape, minval, maxval, dtype, seed):
    """`keras_like.random.randint`: floor of a 53-bit uniform scaled to the span."""
    dtype = "int32" if dtype is None else dtype
    if not is_int_dtype(dtype):
        raise ValueError(
            f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype} "
        )
    dtype = standardize_dtype(dtype)
    dims = checked_shape(shape, "randint")
    lo, hi = python_scalar(minval), python_scalar(maxval)
    if lo is not None and hi is not None and not hi > lo:
        raise ValueError(
            "`keras.random.randint`: invalid value for argument `maxval`. Expected maxval > "
            f"minval. Received: minval={minval}, maxval={maxval}"
        )
    with Reservation(seed, blocks_for(math.prod(dims))) as reservation:
        # 53 random bits per value: floor(u * span) is unbiased to ~2**-20 even for 32-bit spans.
        u = reservation.draw("uniform", dims, "float64")
    low = float(math.floor(lo)) if lo is not None else E.floor(tensor(minval, "float64"))
    high = float(math.floor(hi)) if hi is not None else E.floor(tensor(maxval, "float64"))
    span = high - low if lo is not None and hi is not None else E.subtract(high, low)
    value = E.add(E.floor(E.multiply(u, span)), low)
    value = E.minimum(value, E.subtract(high, 1.0) if type(high) is Tensor else high - 1.0)
    return E.cast(value, dtype)


def categorical(logits, num_samples, dtype, seed):
    """`keras_like.random.categorical` by the Gumbel-max trick."""
    x = float_tensor(logits)
    if x.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits={logits}"
        )
    if not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool) or (
            num_samples < 0):
        raise ValueError(
            "Invalid value for argument `num_samples`. Expected a non-negative integer. "
            f"Received: num_samples={num_samples}"
        )
    dtype = standardize_dtype(dtype)
    batch, classes = x.shape
    out_shape = [batch, int(num_samples)]
    if is_meta(x):
        return meta_result(out_shape, dtype)
    if classes == 0:
        raise ValueError(
            "`logits` must have at least one class. Received: logits.shape="
            f"{tuple(x.shape)}"
        )
    cd = compute_dtype(x.dtype)
    noise_shape = [batch, int(num_samples), classes]
    with Reservation(seed, blocks_for(math.prod(noise_shape))) as reservation:
        u = reservation.draw("uniform", noise_shape, cd)
    tiny = float(np.finfo(cd).tiny)  # keeps log(u) finite, as JAX's gumbel does
    gumbel = E.negative(E.log(E.negative(E.log(E.maximum(u, tiny)))))
    scores = E.add(E.reshape(E.cast(x, cd), [batch, 1, classes]), gumbel)
    return E.cast(E.arg_reduce(scores, True, 2, False), dtype)


# ---------------------------------------------------------------------------------------------
# Tensor transforms
# ---------------------------------------------------------------------------------------------


def dropout(inputs, rate, noise_shape, seed):
    """`keras_like.random.dropout`: keep with probability `1 - rate`, scale by its inverse."""
    x = float_tensor(inputs)
    rate_value = python_scalar(rate)
    if type(rate) is not Tensor and not hasattr(rate, "_keras_like_value") and (
            rate_value is None or not 0.0 <= rate_value < 1.0):
        raise ValueError(
            f"Invalid value for argument `rate`. Expected a float in [0, 1). Received: "
            f"rate={rate}"
        )
    mask_shape = _noise_shape(x, noise_shape)
    if is_meta(x):
        return meta_result(x.shape, x.dtype)
    # A rate of 0 draws nothing but still moves a generator, so later draws do not depend
    # on whether some rate happened to be 0.
    with Reservation(seed, blocks_for(math.prod(mask_shape))) as reservation:
        if rate_value == 0.0:
            return x
        u = reservation.draw("uniform", mask_shape, "float32")
    if rate_value is not None:
        keep_prob = 1.0 - rate_value
    else:
        keep_prob = E.subtract(1.0, float_tensor(rate))
    mask = E.less(u, keep_prob)
    if mask_shape != list(x.shape):
        mask = E.broadcast_to(mask, list(x.shape))
    kept = E.divide(x, keep_prob if type(keep_prob) is float else E.cast(keep_prob, x.dtype))
    return E.where(mask, kept, 0.0)


def _noise_shape(x, noise_shape):
    if noise_shape is None:
        return list(x.shape)
    dims = list(noise_shape)
    if len(dims) != x.ndim:
        raise ValueError(
            "Invalid value for argument `noise_shape`: it must have one entry per input "
            f"dimension. Received: noise_shape={noise_shape}, inputs.shape={tuple(x.shape)}"
        )
    dims = [x.shape[i] if d is None else int(d) for i, d in enumerate(dims)]
    for d, s in zip(dims, x.shape, strict=True):
        if d not in (1, s):
            raise ValueError(
                "Invalid value for argument `noise_shape`: it must broadcast to the input "
                f"shape. Received: noise_shape={noise_shape}, inputs.shape={tuple(x.shape)}"
            )
    return dims


def shuffle(x, axis, seed):
    """`keras_like.random.shuffle`: a stable sort of 53-bit uniform keys, one per slice."""
    t = tensor(x)
    if t.ndim == 0:
        raise ValueError("`shuffle` needs a tensor with at least one dimension. Received a scalar")
    if not isinstance(axis, (int, np.integer)) or not -t.ndim <= axis < t.ndim:
        raise ValueError(
            f"Invalid value for argument `axis`: axis {axis} is out of bounds for a tensor of "
            f"rank {t.ndim}"
        )
    axis = int(axis) % t.ndim
    if is_meta(t):
        return meta_result(t.shape, t.dtype)
    size = t.shape[axis]
    with Reservation(seed, blocks_for(size)) as reservation:
        # Sorting 53-bit keys: ties (which a stable sort would resolve towards the original
        # order) are too rare to matter even for millions of slices.
        keys = reservation.draw("uniform", [size], "float64")
    perm = E.sort(keys, 0, False)[1]
    return E.take(t, perm, axis)
