"""Math ops outside NumPy (`keras.ops.math`): segments, top-k, logsumexp, erf, sequences."""

import numpy as np

from keras_like.backend.dtypes import INT_BOUNDS, result_type
from keras_like.ops._base import E, float_tensor, reduce_axes, tensor
from keras_like.ops.complex_parts import view_as_complex, view_as_real  # noqa: F401
from keras_like.ops.math_fft import fft, fft2, ifft2, irfft, istft, rfft, stft  # noqa: F401

__all__ = [
    "segment_sum", "segment_max", "segment_min", "segment_prod", "top_k", "in_top_k",
    "logsumexp", "erf", "erfc", "erfinv", "rsqrt", "extract_sequences", "cdist", "logdet",
    "fft", "fft2", "ifft2", "rfft", "irfft", "stft", "istft", "view_as_complex", "view_as_real",
]

_LOWEST = {d: low for d, (low, _) in INT_BOUNDS.items()}
_HIGHEST = {d: high for d, (_, high) in INT_BOUNDS.items()}
_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _segment_operands(data, segment_ids, num_segments, op):
    data = tensor(data)
    ids = tensor(segment_ids)
    if ids.dtype in _FLOATS or ids.dtype == "bool":
        raise TypeError(
            f"{op}: `segment_ids` must be an integer tensor. Received dtype: {ids.dtype}"
        )
    if data.ndim < 1 or ids.ndim != 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(
            f"{op}: `segment_ids` must be a 1-D tensor with one id per row of `data`. "
            f"Received: data.shape={data.shape}, segment_ids.shape={ids.shape}"
        )
    if num_segments is None:
        # Inferring the count needs the ids' values: one host synchronisation.
        num_segments = int(E.reduce("max", ids, None, False).item()) + 1 if ids.size else 0
    n = int(num_segments)
    if n < 0:
        raise ValueError(f"{op}: `num_segments` must be >= 0. Received: num_segments={n}")
    # Ids outside [0, n) are dropped (JAX semantics): they go to a spare row sliced off later.
    valid = E.logical_and(E.greater_equal(ids, 0), E.less(ids, n))
    safe = E.where(valid, ids, n)
    return data, safe, valid, n


def _rows(x, n):
    return E.slice(x, [0] * x.ndim, [n] + list(x.shape[1:]), [1] * x.ndim)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Sums the rows of `data` that share a segment id.

    Args:
        data: Tensor whose leading axis is segmented.
        segment_ids: 1-D integer ids, one per row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: Number of output rows; inferred as `max(segment_ids) + 1` when None.
        sorted: Accepted for compatibility; the result does not depend on it.

    Example:
    >>> segment_sum([1, 2, 10, 20], [0, 0, 1, 1], num_segments=2).numpy()
    array([ 3, 30], dtype=int32)
    """
    data, safe, _, n = _segment_operands(data, segment_ids, num_segments, "segment_sum")
    base = E.full([n + 1] + list(data.shape[1:]), 0.0, data.dtype, data.device)
    return _rows(E.scatter(base, safe, data, 0, "add"), n)


def _segment_extreme(data, segment_ids, num_segments, op, mode):
    data, safe, valid, n = _segment_operands(data, segment_ids, num_segments, op)
    is_float = data.dtype in _FLOATS
    if is_float:
        start = float("-inf") if mode == "max" else float("inf")
    else:
        start = float((_LOWEST if mode == "max" else _HIGHEST)[data.dtype])
    shape = [n + 1] + list(data.shape[1:])
    values = data.detach() if is_float else data
    best = E.scatter(E.full(shape, start, data.dtype, data.device), safe, values, 0, mode)
    tracked = is_float and E.is_recording() and (data.requires_grad or data.has_grad_node)
    if not tracked:
        return _rows(best, n)
    # The engine's max/min scatter has no vjp. Add a term that is exactly zero in value but
    # routes the gradient to the winning rows, split evenly among ties (as JAX does).
    winner = E.take(best, safe, 0)
    valid = E.reshape(valid, [valid.shape[0]] + [1] * (data.ndim - 1))
    hit = E.logical_and(E.equal(values, winner), valid)
    zeros = E.full(shape, 0.0, data.dtype, data.device)
    counts = E.scatter(zeros, safe, E.cast(hit, data.dtype), 0, "add")
    delta = E.where(hit, E.subtract(data, values), 0.0)
    share = E.divide(E.scatter(zeros, safe, delta, 0, "add"), E.maximum(counts, 1.0))
    return _rows(E.add(best, share), n)


def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Maximum of the rows of `data` that share a segment id.

    Empty segments hold the dtype's lowest value (`-inf` for floats), like JAX. Ids outside
    `[0, num_segments)` are dropped; `num_segments` defaults to `max(segment_ids) + 1`.

    Example:
    >>> segment_max([1, 2, 10, 20], [0, 0, 1, 1], num_segments=2).numpy()
    array([ 2, 20], dtype=int32)
    """
    return _segment_extreme(data, segment_ids, num_segments, "segment_max", "max")


def segment_min(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Minimum of the rows of `data` that share a segment id (empty segments: `+inf`/highest).

    Example:
    >>> segment_min([1, 2, 10, 20], [0, 0, 1, 1], num_segments=2).numpy()
    array([ 1, 10], dtype=int32)
    """
    return _segment_extreme(data, segment_ids, num_segments, "segment_min", "min")


def segment_prod(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Multiplies the rows of `data` that share a segment id (empty segments give 1).

    The rows of each segment are gathered into a padded block (padding with ones) and
    reduced, so the product is differentiable. Grouping reads the ids on the host.

    Args:
        data: Tensor whose leading axis is segmented.
        segment_ids: 1-D integer ids, one per row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: Number of output rows; inferred as `max(segment_ids) + 1` when None.
        sorted: Accepted for compatibility; the result does not depend on it.

    Example:
    >>> segment_prod([1, 2, 3, 4], [0, 0, 1, 1], num_segments=2).numpy()
    array([ 2, 12], dtype=int32)
    """
    data, safe, _, n = _segment_operands(data, segment_ids, num_segments, "segment_prod")
    ids = np.asarray(safe.numpy()).astype(np.int64)
    rows = data.shape[0]
    counts = np.bincount(ids, minlength=n + 1)[:n]
    width = int(counts.max()) if n and counts.size else 0
    # gather[s, r] is the r-th row of segment s, or the extra row of ones past the end.
    gather = np.full((n, max(width, 1)), rows, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    for s in range(n):
        members = order[starts[s]:starts[s + 1]]
        gather[s, :members.size] = members
    ones = E.full([1] + list(data.shape[1:]), 1.0, data.dtype, data.device)
    extended = E.concatenate([data, ones], 0)
    block = E.take(extended, tensor(gather), 0)  # (n, width, ...)
    return E.reduce("prod", block, [1], False)


def top_k(x, k, sorted=True):  # noqa: A002
    """The `k` largest values along the last axis and their int32 indices.

    Ties keep the lower index first. With `sorted=False` the values come sorted anyway (the
    order is unspecified in that case).

    Example:
    >>> values, indices = top_k([5, 2, 7, 1, 9, 3], k=3)
    >>> values.numpy(), indices.numpy()
    (array([9, 7, 5], dtype=int32), array([4, 2, 0], dtype=int32))
    """
    x = tensor(x)
    if x.ndim < 1:
        raise ValueError(f"top_k: input must have rank >= 1. Received: x.shape={x.shape}")
    k = int(k)
    n = x.shape[-1]
    if not 0 <= k <= n:
        raise ValueError(
            f"top_k: `k` must be in [0, {n}] (the size of the last axis). Received: k={k}, "
            f"x.shape={x.shape}"
        )
    values, indices = E.sort(x, -1, True)
    starts, stops, steps = [0] * x.ndim, list(x.shape), [1] * x.ndim
    stops[-1] = k
    return E.slice(values, starts, stops, steps), E.slice(indices, starts, stops, steps)


def in_top_k(targets, predictions, k):
    """Whether each target's prediction ranks among the `k` largest of its row.

    A target whose score is tied with others counts as in the top k when fewer than `k`
    scores are strictly larger. NaN scores and out-of-range targets are never in the top k.

    Example:
    >>> in_top_k([2, 0], [[0.1, 0.2, 0.7], [0.1, 0.5, 0.4]], k=1).numpy()
    array([ True, False])
    """
    predictions = tensor(predictions)
    targets = E.cast(tensor(targets), "int32")
    if predictions.ndim < 1 or tuple(targets.shape) != tuple(predictions.shape[:-1]):
        raise ValueError(
            "in_top_k: `targets` must have the shape of `predictions` without its last axis. "
            f"Received: targets.shape={targets.shape}, predictions.shape={predictions.shape}"
        )
    n = predictions.shape[-1]
    valid = E.logical_and(E.greater_equal(targets, 0), E.less(targets, n))
    index = E.reshape(E.where(valid, targets, 0), list(targets.shape) + [1])
    picked = E.reshape(E.take_along_axis(predictions, index, -1), list(targets.shape))
    if predictions.dtype in _FLOATS:
        picked = E.where(E.logical_or(E.isnan(picked), E.logical_not(valid)),
                         float("-inf"), picked)
    else:
        picked = E.where(valid, picked, _LOWEST[predictions.dtype])
    larger = E.greater(predictions, E.reshape(picked, list(targets.shape) + [1]))
    rank = E.add(E.reduce("sum", E.cast(larger, "int32"), [-1], False), 1)
    result = E.less_equal(rank, int(k))
    if predictions.dtype not in _FLOATS:
        result = E.logical_and(result, valid)
    return result


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed without overflow.

    Example:
    >>> round(float(logsumexp([1.0, 2.0, 3.0])), 4)
    3.4076
    """
    x = float_tensor(x)
    ax = reduce_axes(axis, x.ndim, "logsumexp")
    # The shift is a constant for differentiation; its gradient terms cancel exactly anyway.
    if x.size == 0:
        m = 0.0  # max has no identity; exp of nothing sums to 0 and log gives -inf
    else:
        m = E.reduce("max", x.detach(), ax, True)
        m = E.where(E.isfinite(m), m, 0.0)
    out = E.add(E.log(E.reduce("sum", E.exp(E.subtract(x, m)), ax, True)), m)
    if keepdims:
        return out
    if ax is None:
        return E.reshape(out, [])
    drop = {a % x.ndim for a in ax}
    return E.reshape(out, [d for i, d in enumerate(x.shape) if i not in drop])


def erf(x):
    """The error function `2/sqrt(pi) * integral_0^x exp(-t**2) dt`.

    Example:
    >>> float(erf(0.0))
    0.0
    """
    return E.erf(float_tensor(x))


def erfc(x):
    """The complementary error function `1 - erf(x)` (evaluated in float64, then cast).

    Example:
    >>> float(erfc(0.0))
    1.0
    """
    x = tensor(x)
    dtype = result_type(x.dtype, float)
    return E.cast(E.subtract(1.0, E.erf(E.cast(x, "float64"))), dtype)


def logdet(x):
    """Log-determinant of Hermitian positive-definite matrices `(..., M, M)`.

    Example:
    >>> round(float(logdet([[2.0, 0.0], [0.0, 3.0]])), 5)
    1.79176
    """
    from keras_like.ops.linalg import slogdet

    return slogdet(x)[1]


def erfinv(x):
    """Inverse of `erf` on (-1, 1).

    Example:
    >>> float(erfinv(0.0))
    0.0
    """
    return E.erfinv(float_tensor(x))


def rsqrt(x):
    """`1 / sqrt(x)`.

    Example:
    >>> float(rsqrt(4.0))
    0.5
    """
    return E.rsqrt(float_tensor(x))


def extract_sequences(x, sequence_length, sequence_stride):
    """Slides a window over the last axis: `(..., N)` becomes `(..., num_sequences, length)`.

    `num_sequences = 1 + (N - sequence_length) // sequence_stride`.

    Example:
    >>> extract_sequences([1, 2, 3, 4, 5, 6], 3, 2).numpy()
    array([[1, 2, 3],
           [3, 4, 5]], dtype=int32)
    """
    x = tensor(x)
    if x.ndim < 1:
        raise ValueError(f"Input should have rank >= 1. Received: input.shape = {x.shape}")
    length, stride = int(sequence_length), int(sequence_stride)
    if length < 1 or stride < 1:
        raise ValueError(
            "extract_sequences: `sequence_length` and `sequence_stride` must be positive. "
            f"Received: sequence_length={sequence_length}, sequence_stride={sequence_stride}"
        )
    count = max(0, 1 + (x.shape[-1] - length) // stride)
    starts = E.reshape(E.arange(0.0, float(stride), count, "int64", x.device), [count, 1])
    offsets = E.reshape(E.arange(0.0, 1.0, length, "int64", x.device), [1, length])
    return E.take(x, E.add(starts, offsets), x.ndim - 1)


def cdist(x, y):
    """Pairwise Euclidean distances: `(..., M, D)` and `(..., N, D)` give `(..., M, N)`.

    Example:
    >>> cdist([[0.0, 0.0]], [[3.0, 4.0], [0.0, 1.0]]).numpy()
    array([[5., 1.]], dtype=float32)
    """
    x, y = float_tensor(x), float_tensor(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(
            f"`cdist` inputs must have rank >= 2. Received: x.shape={x.shape}, y.shape={y.shape}"
        )
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            "Last dimension of inputs to `cdist` must match. Received: "
            f"x.shape={x.shape}, y.shape={y.shape}"
        )
    xs = E.reshape(x, list(x.shape[:-1]) + [1, x.shape[-1]])
    ys = E.reshape(y, list(y.shape[:-2]) + [1] + list(y.shape[-2:]))
    return E.sqrt(E.reduce("sum", E.square(E.subtract(xs, ys)), [-1], False))
