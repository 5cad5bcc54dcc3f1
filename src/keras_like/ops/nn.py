"""Neural-network ops (`keras.ops.nn`): activations, softmax, one-hot, losses, normalization."""

import math as _math
import warnings

from keras_like.backend import config
from keras_like.backend.dtypes import result_type, standardize_dtype
from keras_like.ops._base import E, float_tensor, operand, tensor
from keras_like.ops.complex_parts import polar  # noqa: F401 - Keras exports it from nn
from keras_like.ops.nn_conv import (  # noqa: F401
    average_pool,
    conv,
    conv_transpose,
    depthwise_conv,
    max_pool,
    separable_conv,
)
from keras_like.ops.nn_ctc import ctc_decode, ctc_loss  # noqa: F401

__all__ = [
    "relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign", "soft_shrink",
    "sparse_plus", "silu", "swish", "squareplus", "log_sigmoid", "leaky_relu", "hard_sigmoid",
    "hard_silu", "hard_swish", "elu", "selu", "gelu", "celu", "glu", "tanh_shrink", "hard_tanh",
    "hard_shrink", "threshold", "softmax", "log_softmax", "sparsemax", "one_hot", "multi_hot",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "moments", "batch_normalization", "normalize", "rms_normalization", "layer_normalization",
    "psnr", "dot_product_attention", "ctc_loss", "ctc_decode", "polar",
    "conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool", "average_pool",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38,
              "float32": 3.4028234663852886e38, "float64": 1.7976931348623157e308}


def _norm_axis(axis, ndim, op):
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"`{op}`: axis {axis} is out of bounds for a tensor of rank {ndim}.")
    return axis % ndim if ndim else 0


def _as_list(axis):
    return list(axis) if isinstance(axis, (list, tuple)) else [axis]


def _arange(n, dtype, like):
    return E.arange(0.0, 1.0, int(n), dtype, like.device)


def _reduce_mean(x, axis, keepdims):
    """Mean over `axis` (int, list or None) of a float tensor."""
    ax = None if axis is None else [int(a) for a in _as_list(axis)]
    count = 1
    for a in range(x.ndim) if ax is None else ax:
        count *= x.shape[a]
    return E.divide(E.reduce("sum", x, ax, keepdims), float(count))


# --- Activations ----------------------------------------------------------------------------


def relu(x):
    """Rectified linear unit: `max(x, 0)`.

    Example:
    >>> relu([-1.0, 0.0, 2.0]).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    return E.relu(tensor(x))


def relu6(x):
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    Example:
    >>> relu6([-1.0, 3.0, 8.0]).numpy()
    array([0., 3., 6.], dtype=float32)
    """
    return E.minimum(E.relu(tensor(x)), 6)


def sigmoid(x):
    """Logistic sigmoid `1 / (1 + exp(-x))`; integer inputs give floats.

    Example:
    >>> float(sigmoid(0.0))
    0.5
    """
    return E.sigmoid(float_tensor(x))


def sparse_sigmoid(x):
    """0 for `x <= -1`, 1 for `x >= 1`, `(x + 1) / 2` in between.

    Example:
    >>> sparse_sigmoid([-2.0, 0.0, 2.0]).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    x = float_tensor(x)
    mid = E.multiply(E.add(x, 1.0), 0.5)
    return E.where(E.less_equal(x, -1.0), 0.0, E.where(E.greater_equal(x, 1.0), 1.0, mid))


def softplus(x):
    """`log(1 + exp(x))`, computed without overflow.

    Example:
    >>> round(float(softplus(0.0)), 4)
    0.6931
    """
    return E.softplus(float_tensor(x))


def softsign(x):
    """`x / (|x| + 1)`.

    Example:
    >>> softsign([1.0, -3.0]).numpy()
    array([ 0.5 , -0.75], dtype=float32)
    """
    x = float_tensor(x)
    return E.divide(x, E.add(E.abs(x), 1.0))


def soft_shrink(x, threshold=0.5):
    """Moves values towards zero by `threshold`; values within it become 0.

    Example:
    >>> soft_shrink([-1.0, 0.2, 1.0]).numpy()
    array([-0.5,  0. ,  0.5], dtype=float32)
    """
    x = float_tensor(x)
    t = float(threshold)
    return E.where(E.greater(x, t), E.subtract(x, t),
                   E.where(E.less(x, -t), E.add(x, t), 0.0))


def sparse_plus(x):
    """0 for `x <= -1`, `x` for `x >= 1`, `(x + 1)**2 / 4` in between.

    Example:
    >>> sparse_plus([-1.0, 0.0, 1.0]).numpy()
    array([0.  , 0.25, 1.  ], dtype=float32)
    """
    x = float_tensor(x)
    mid = E.multiply(E.square(E.add(x, 1.0)), 0.25)
    return E.where(E.less_equal(x, -1.0), 0.0, E.where(E.greater_equal(x, 1.0), x, mid))


def silu(x):
    """Sigmoid linear unit (swish): `x * sigmoid(x)`.

    Example:
    >>> float(silu(0.0))
    0.0
    """
    x = float_tensor(x)
    return E.multiply(x, E.sigmoid(x))


swish = silu


def squareplus(x, b=4):
    """`(x + sqrt(x**2 + b)) / 2`, a smooth ReLU.

    Example:
    >>> float(squareplus(0.0))
    1.0
    """
    x = float_tensor(x)
    return E.multiply(E.add(x, E.sqrt(E.add(E.square(x), float(b)))), 0.5)


def log_sigmoid(x):
    """`log(sigmoid(x)) = -softplus(-x)`, stable for large `|x|`.

    Example:
    >>> round(float(log_sigmoid(0.0)), 4)
    -0.6931
    """
    return E.negative(E.softplus(E.negative(float_tensor(x))))


def leaky_relu(x, negative_slope=0.2):
    """`x` for `x >= 0`, `negative_slope * x` otherwise.

    Example:
    >>> leaky_relu([-1.0, 2.0]).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    x = float_tensor(x)
    return E.where(E.greater_equal(x, 0.0), x, E.multiply(x, float(negative_slope)))


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: `relu6(x + 3) / 6`.

    Example:
    >>> hard_sigmoid([-4.0, 0.0, 4.0]).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    x = float_tensor(x)
    return E.divide(E.minimum(E.relu(E.add(x, 3.0)), 6.0), 6.0)


def hard_silu(x):
    """Hard swish: `x * relu6(x + 3) / 6`.

    Example:
    >>> hard_silu([-4.0, 0.0, 4.0]).numpy()
    array([-0.,  0.,  4.], dtype=float32)
    """
    x = float_tensor(x)
    return E.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def elu(x, alpha=1.0):
    """`x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Example:
    >>> elu([0.0, 1.0]).numpy()
    array([0., 1.], dtype=float32)
    """
    x = float_tensor(x)
    positive = E.greater(x, 0.0)
    # expm1 only sees non-positive values, so the unused branch cannot overflow.
    neg = E.multiply(E.expm1(E.where(positive, 0.0, x)), float(alpha))
    return E.where(positive, x, neg)


def selu(x):
    """Scaled ELU with the self-normalizing constants of Klambauer et al. (2017).

    Example:
    >>> float(selu(0.0))
    0.0
    """
    return E.multiply(elu(x, _SELU_ALPHA), _SELU_SCALE)


def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation by default (like Keras).

    Example:
    >>> float(gelu(0.0))
    0.0
    """
    x = float_tensor(x)
    if approximate:
        inner = E.multiply(E.add(x, E.multiply(E.power(x, 3), 0.044715)),
                           _math.sqrt(2.0 / _math.pi))
        return E.multiply(x, E.multiply(E.add(E.tanh(inner), 1.0), 0.5))
    cdf = E.multiply(E.add(E.erf(E.multiply(x, 1.0 / _math.sqrt(2.0))), 1.0), 0.5)
    return E.multiply(x, cdf)


def celu(x, alpha=1.0):
    """`x` for `x > 0`, `alpha * (exp(x / alpha) - 1)` otherwise.

    Example:
    >>> celu([0.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
    """
    x = float_tensor(x)
    positive = E.greater(x, 0.0)
    safe = E.where(positive, 0.0, x)
    return E.where(positive, x, E.multiply(E.expm1(E.divide(safe, float(alpha))), float(alpha)))


def glu(x, axis=-1):
    """Gated linear unit: splits `x` in halves `a, b` along `axis`; returns `a * sigmoid(b)`.

    Example:
    >>> glu([[1.0, 2.0, 0.0, 0.0]]).numpy()
    array([[0.5, 1. ]], dtype=float32)
    """
    x = float_tensor(x)
    ax = _norm_axis(axis, x.ndim, "glu")
    n = x.shape[ax]
    if n % 2:
        raise ValueError(
            "glu: the size of the split axis must be even. "
            f"Received: x.shape={x.shape}, axis={axis}"
        )
    starts, stops, steps = [0] * x.ndim, list(x.shape), [1] * x.ndim
    stops[ax] = n // 2
    a = E.slice(x, starts, stops, steps)
    starts[ax], stops[ax] = n // 2, n
    b = E.slice(x, starts, stops, steps)
    return E.multiply(a, E.sigmoid(b))


def tanh_shrink(x):
    """`x - tanh(x)`.

    Example:
    >>> float(tanh_shrink(0.0))
    0.0
    """
    x = float_tensor(x)
    return E.subtract(x, E.tanh(x))


def hard_tanh(x):
    """Clips to [-1, 1].

    Example:
    >>> hard_tanh([-2.0, 0.5, 2.0]).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    x = float_tensor(x)
    return E.minimum(E.maximum(x, -1.0), 1.0)


def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0.

    Example:
    >>> hard_shrink([-0.5, 0.0, 1.0]).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    x = float_tensor(x)
    return E.where(E.greater(E.abs(x), float(threshold)), x, 0.0)


def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`.

    Example:
    >>> threshold([-1.0, 0.0, 2.0], 1, 0).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    x = float_tensor(x)
    return E.where(E.greater(x, operand(threshold)), x, operand(default_value))


def _over_axes(fn, x, axis, op):
    """Applies a last-axis engine kernel over one axis, several axes, or all of them."""
    if axis is None:
        return E.reshape(fn(E.reshape(x, [-1]), 0), list(x.shape))
    if isinstance(axis, int):
        return fn(x, _norm_axis(axis, x.ndim, op))
    ax = [_norm_axis(a, x.ndim, op) for a in axis]
    keep = [i for i in range(x.ndim) if i not in ax]
    perm = keep + ax
    moved = E.transpose(x, perm)
    flat = E.reshape(moved, [x.shape[i] for i in keep] + [-1])
    out = E.reshape(fn(flat, -1), list(moved.shape))
    inverse = [perm.index(i) for i in range(x.ndim)]
    return E.transpose(out, inverse)


def _warn_size_one(x, axis):
    if isinstance(axis, int) and -x.ndim <= axis < x.ndim and x.shape[axis] == 1:
        warnings.warn(
            f"You are using a softmax over axis {axis} of a tensor of shape {x.shape}. This "
            "axis has size 1. The softmax operation will always return the value 1, which is "
            "likely not what you intended. Did you mean to use a sigmoid instead?",
            stacklevel=3,
        )


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis` (an int, a tuple of ints, or None for all).

    Example:
    >>> softmax([0.0, 0.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    x = float_tensor(x)
    _warn_size_one(x, axis)
    return _over_axes(E.softmax, x, axis, "softmax")


def log_softmax(x, axis=-1):
    """`x - logsumexp(x)` along `axis`, computed by one fused, stable kernel.

    Example:
    >>> round(float(log_softmax([0.0, 0.0])[0]), 4)
    -0.6931
    """
    x = float_tensor(x)
    return _over_axes(E.log_softmax, x, axis, "log_softmax")


def sparsemax(x, axis=-1):
    """Euclidean projection onto the probability simplex (Martins & Astudillo, 2016).

    Example:
    >>> sparsemax([-1.0, 0.0, 1.0]).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    x = float_tensor(x)
    ax = _norm_axis(axis, x.ndim, "sparsemax")
    n = x.shape[ax]
    ranked = E.sort(x, ax, True)[0]
    cumsum = E.cumulative("sum", ranked, ax, False)
    shape = [1] * x.ndim
    shape[ax] = n
    r = E.reshape(E.arange(1.0, 1.0, n, x.dtype, x.device), shape)
    support = E.greater(ranked, E.divide(E.subtract(cumsum, 1.0), r))
    k = E.reduce("sum", E.cast(support, x.dtype), [ax], True)
    # The support is a prefix of the sorted values, so this sum is the cumsum at position k.
    # (Keras 3.15's backends sum the cumsums instead, which zeroes rows with k > 1.)
    tau = E.divide(E.subtract(E.reduce("sum", E.where(support, ranked, 0.0), [ax], True), 1.0),
                   k)
    return E.relu(E.subtract(x, tau))


# --- Encodings ------------------------------------------------------------------------------


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer labels; negative or out-of-range labels give all-zero rows.

    Args:
        x: Integer tensor of labels.
        num_classes: Length of the encoding axis.
        axis: Where the new axis goes in the output (-1: last).
        dtype: Output dtype (default floatx).
        sparse: Unsupported (keras_like tensors are dense); must be False.

    Example:
    >>> one_hot([1, 0], 3).numpy()
    array([[0., 1., 0.],
           [1., 0., 0.]], dtype=float32)
    """
    if sparse:
        raise ValueError("one_hot: `sparse=True` is not supported: keras_like tensors are dense")
    x = tensor(x)
    out_ndim = x.ndim + 1
    if not -out_ndim <= axis < out_ndim:
        raise ValueError(
            f"one_hot: axis must be in [{-out_ndim}, {out_ndim}). Received: axis={axis} for "
            f"x.shape={x.shape}"
        )
    ax = axis % out_ndim
    shape = list(x.shape)
    shape.insert(ax, 1)
    classes_shape = [1] * out_ndim
    classes_shape[ax] = int(num_classes)
    classes = E.reshape(_arange(num_classes, "int32", x), classes_shape)
    hot = E.equal(E.reshape(x, shape), classes)
    return E.cast(hot, standardize_dtype(dtype) if dtype is not None else config.floatx())


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Encodes integer labels as multi-hot vectors (1 for every class present).

    For a 2-D `inputs` of shape `(batch, labels)` the result is `(batch, num_classes)`; for a
    1-D `inputs` it is `(num_classes,)`.

    Example:
    >>> multi_hot([0, 2], num_classes=4).numpy()
    array([1., 0., 1., 0.], dtype=float32)
    """
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    x = E.cast(tensor(inputs), "int32")
    reduction_axis = 1 if x.ndim > 1 else 0
    hot = one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return E.reduce("max", hot, [reduction_axis], False)


# --- Losses ---------------------------------------------------------------------------------


def _loss_operands(target, output):
    output = float_tensor(output)
    target = tensor(target)
    if target.dtype != output.dtype:
        target = E.cast(target, output.dtype)
    return target, output


def _clip_probs(p):
    eps = config.epsilon()
    return E.minimum(E.maximum(p, eps), 1.0 - eps)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy.

    With `from_logits=True` it is computed as `softplus(o) - t * o`, which never overflows;
    probabilities are clipped to `[epsilon, 1 - epsilon]` first, like Keras.

    Example:
    >>> binary_crossentropy([1.0], [0.5]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    target, output = _loss_operands(target, output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        return E.subtract(E.softplus(output), E.multiply(target, output))
    p = _clip_probs(output)
    pos = E.multiply(target, E.log(p))
    neg = E.multiply(E.subtract(1.0, target), E.log(E.subtract(1.0, p)))
    return E.negative(E.add(pos, neg))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and predicted distributions.

    Probabilities are renormalised along `axis` and clipped to `[epsilon, 1 - epsilon]`;
    logits go through a fused log-softmax.

    Example:
    >>> categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    target, output = _loss_operands(target, output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    if output.ndim < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    ax = _norm_axis(axis, output.ndim, "categorical_crossentropy")
    if from_logits:
        log_prob = E.log_softmax(output, ax)
    else:
        p = E.divide(output, E.reduce("sum", output, [ax], True))
        log_prob = E.log(_clip_probs(p))
    return E.negative(E.reduce("sum", E.multiply(target, log_prob), [ax], False))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class targets.

    `target` has the shape of `output` without `axis` (a trailing axis of size 1 is squeezed).
    Labels outside `[0, num_classes)` contribute zero loss, like JAX's one-hot.

    Example:
    >>> sparse_categorical_crossentropy([1], [[0.5, 0.5]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    output = float_tensor(output)
    target = E.cast(tensor(target), "int32")
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = E.reshape(target, list(target.shape[:-1]))
    if output.ndim < 1:
        raise ValueError(
            f"Argument `output` must be at least rank 1. Received: output.shape={output.shape}"
        )
    ax = _norm_axis(axis, output.ndim, "sparse_categorical_crossentropy")
    expected = tuple(output.shape[:ax]) + tuple(output.shape[ax + 1:])
    if tuple(target.shape) != expected:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        log_prob = E.log_softmax(output, ax)
    else:
        p = E.divide(output, E.reduce("sum", output, [ax], True))
        log_prob = E.log(_clip_probs(p))
    n = output.shape[ax]
    valid = E.logical_and(E.greater_equal(target, 0), E.less(target, n))
    index = E.reshape(E.where(valid, target, 0), list(output.shape[:ax]) + [1]
                      + list(output.shape[ax + 1:]))
    picked = E.reshape(E.take_along_axis(log_prob, index, ax), list(target.shape))
    return E.negative(E.where(valid, picked, 0.0))


# --- Statistics and normalization -----------------------------------------------------------


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of `x` over `axes`.

    float16/bfloat16 inputs are reduced in float32 (their range is too small for the sums).

    Example:
    >>> m, v = moments([0.0, 2.0], axes=[0])
    >>> float(m), float(v)
    (1.0, 1.0)
    """
    x = float_tensor(x)
    original = x.dtype
    if original in ("float16", "bfloat16"):
        x = E.cast(x, "float32")
    ax = [_norm_axis(int(a), x.ndim, "moments") for a in _as_list(axes)]
    mean = _reduce_mean(x, ax, True)
    variance = _reduce_mean(E.square(E.subtract(x, mean)), ax, True)
    if not keepdims:
        shape = [d for i, d in enumerate(x.shape) if i not in ax]
        mean, variance = E.reshape(mean, shape), E.reshape(variance, shape)
    if original != x.dtype:
        big = _FLOAT_MAX[original]
        mean = E.cast(E.minimum(E.maximum(mean, -big), big), original)
        variance = E.cast(E.minimum(variance, big), original)
    return mean, variance


def _channel_param(name, value, x, ax):
    value = tensor(value)
    n = x.shape[ax]
    if value.size != n or (value.ndim == 1 and value.shape[0] != n):
        raise ValueError(
            f"Arguments `{name}` must be a vector of length `x.shape[axis]`. "
            f"Expected: `{(n,)}`. Received: `{tuple(value.shape)}`."
        )
    shape = [1] * x.ndim
    shape[ax] = n
    return E.reshape(value, shape)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, parameters along `axis`.

    Example:
    >>> batch_normalization([[1.0, 2.0]], [1.0, 2.0], [1.0, 1.0], axis=-1).numpy()
    array([[0., 0.]], dtype=float32)
    """
    x = float_tensor(x)
    ax = _norm_axis(axis, x.ndim, "batch_normalization")
    mean = _channel_param("mean", mean, x, ax)
    variance = _channel_param("variance", variance, x, ax)
    inv = E.rsqrt(E.add(variance, float(epsilon)))
    if scale is not None:
        inv = E.multiply(inv, _channel_param("scale", scale, x, ax))
    res = E.multiply(E.negative(mean), inv)
    if offset is not None:
        res = E.add(res, _channel_param("offset", offset, x, ax))
    return E.add(E.multiply(x, inv), res)


def normalize(x, axis=-1, order=2, epsilon=None):
    """Divides `x` by its `order`-norm along `axis` (at least `epsilon`).

    Example:
    >>> normalize([3.0, 4.0]).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = float_tensor(x)
    if x.ndim == 0:
        x = E.reshape(x, [1])
    eps = config.epsilon() if epsilon is None else float(epsilon)
    ax = None if axis is None else [int(a) for a in _as_list(axis)]  # None: all axes
    if order == 2:
        inv = E.rsqrt(E.reduce("sum", E.square(x), ax, True))
        return E.multiply(x, E.minimum(inv, 1.0 / eps))
    a = E.abs(x)
    if order == 1:
        norm = E.reduce("sum", a, ax, True)
    else:
        norm = E.power(E.reduce("sum", E.power(a, order), ax, True), 1.0 / order)
    return E.divide(x, E.maximum(norm, eps))


def rms_normalization(x, scale=1, axis=-1, epsilon=None):
    """`x * rsqrt(mean(x**2) + epsilon) * scale` along `axis` (Zhang & Sennrich, 2019).

    Example:
    >>> rms_normalization([3.0, 3.0], epsilon=0.0).numpy()
    array([1., 1.], dtype=float32)
    """
    x = float_tensor(x)
    if x.ndim == 0:
        x = E.reshape(x, [1])
    eps = config.epsilon() if epsilon is None else epsilon
    scale = tensor(scale, x.dtype)
    rrms = E.rsqrt(E.add(_reduce_mean(E.square(x), axis, True), operand(eps)))
    return E.multiply(E.multiply(x, rrms), scale)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, rms_scaling=False):
    """Normalizes each example over `axis` to zero mean and unit variance (Ba et al., 2016).

    `gamma` scales and `beta` shifts the result; `rms_scaling=True` skips the centering.

    Example:
    >>> layer_normalization([1.0, 3.0], epsilon=0.0).numpy()
    array([-1.,  1.], dtype=float32)
    """
    x = float_tensor(x)
    eps = config.epsilon() if epsilon is None else float(epsilon)
    ax = [_norm_axis(int(a), x.ndim, "layer_normalization") for a in _as_list(axis)]
    bshape = [1] * x.ndim
    for a in ax:
        bshape[a] = x.shape[a]

    def broadcast(v):
        if v is None:
            return None
        v = E.cast(tensor(v), x.dtype)
        if v.ndim != x.ndim and ax != [x.ndim - 1]:
            v = E.reshape(v, bshape)
        return v

    gamma, beta = broadcast(gamma), broadcast(beta)
    mean, variance = moments(x, ax, keepdims=True)
    inv = E.rsqrt(E.add(variance, eps))
    if rms_scaling:
        out = E.multiply(x, inv)
        return out if gamma is None else E.multiply(out, gamma)
    if gamma is not None:
        inv = E.multiply(inv, gamma)
    res = E.multiply(E.negative(mean), inv)
    if beta is not None:
        res = E.add(res, beta)
    return E.add(E.multiply(x, inv), res)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio `20 log10(max_val) - 10 log10(mse)` in decibels.

    Example:
    >>> round(float(psnr([0.0, 0.0], [0.1, 0.1], 1.0)), 3)
    20.0
    """
    x1, x2 = float_tensor(x1), float_tensor(x2)
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(f"Input shapes {x1.shape} and {x2.shape} must match for PSNR calculation.")
    max_val = tensor(max_val, x2.dtype)
    mse = _reduce_mean(E.square(E.subtract(x1, x2)), None, False)
    to_db = 1.0 / _math.log(10.0)
    return E.subtract(E.multiply(E.log(max_val), 20.0 * to_db),
                      E.multiply(E.log(mse), 10.0 * to_db))


# --- Attention ------------------------------------------------------------------------------


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention `softmax(Q K^T * scale + bias) V`.

    Args:
        query: `(B, T, N, H)`.
        key: `(B, S, K, H)`; `N` must be a multiple of `K` (grouped-query attention).
        value: `(B, S, K, Hv)`; the head size may differ from the key's.
        bias: Added to the logits; broadcastable to `(B, N, T, S)`.
        mask: Boolean, broadcastable to `(B, N, T, S)`; True marks positions that take part.
        scale: Logit scale (default `1 / sqrt(H)`).
        is_causal: Applies a lower-triangular mask.
        flash_attention: Only `None` or `False`: keras_like has no flash kernel.
        attn_logits_soft_cap: Unsupported (JAX-on-TPU only in Keras).

    Returns:
        `(B, T, N, Hv)`: like `query`, with the value's head size.

    Example:
    >>> import numpy as np
    >>> q = np.ones((1, 2, 1, 4), "float32")
    >>> dot_product_attention(q, q, q).shape
    (1, 2, 1, 4)
    """
    if attn_logits_soft_cap is not None:
        raise ValueError(
            "attn_logits_soft_cap is only supported for JAX on TPU. Set "
            "attn_logits_soft_cap=None."
        )
    if flash_attention:
        raise ValueError(
            "Flash attention is not supported by keras_like. Received: flash_attention=True"
        )
    q, k, v = float_tensor(query), float_tensor(key), float_tensor(value)
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs. Received: "
            f"query.shape={q.shape}, key.shape={k.shape}, value.shape={v.shape}."
        )
    n_heads, kv_heads = q.shape[2], k.shape[2]
    # The value's head size may differ from the key's (MultiHeadAttention's value_dim), as
    # with Keras's TensorFlow and PyTorch backends.
    if tuple(k.shape[:3]) != tuple(v.shape[:3]) or n_heads % kv_heads or \
            q.shape[3] != k.shape[3]:
        raise ValueError(
            "`dot_product_attention`: key and value must agree in all but the last axis, the "
            "query's head count must be a multiple of the key's, and the query's and key's "
            f"head sizes must match. Received: query.shape={q.shape}, key.shape={k.shape}, "
            f"value.shape={v.shape}."
        )
    out_dtype = result_type(q.dtype, k.dtype)  # Keras: float16 with bfloat16 gives float32
    q, k, v = (t if t.dtype == out_dtype else E.cast(t, out_dtype) for t in (q, k, v))
    if scale is None:
        scale = 1.0 / _math.sqrt(q.shape[3])
    if out_dtype in ("float32", "float64"):
        logits_shape = (q.shape[0], n_heads, q.shape[1], k.shape[1])
        if bias is not None:
            bias = _logits_operand(bias, out_dtype, logits_shape, "bias")
        if mask is not None:
            mask = _logits_operand(mask, "bool", logits_shape, "mask")
        return E.dot_product_attention(q, k, v, bias, mask, float(scale), bool(is_causal))
    return _unfused_attention(q, k, v, bias, mask, scale, is_causal, out_dtype)


def _logits_operand(x, dtype, logits_shape, what):
    """`bias` or `mask` as the rank-4 operand the fused kernel broadcasts against the logits
    `(B, N, T, S)`: NumPy's rules, leading axes added as needed."""
    x = tensor(x)
    if x.dtype != dtype:
        x = E.cast(x, dtype)
    shape = tuple(x.shape)
    padded = (1,) * (4 - len(shape)) + shape
    if len(shape) > 4 or any(d not in (1, full) for d, full in zip(padded, logits_shape)):
        raise ValueError(
            f"`dot_product_attention`: the {what} must broadcast to the logits' shape "
            f"(batch, num_heads, query_len, key_len) = {logits_shape}. Received: "
            f"{what}.shape={shape}."
        )
    return x if shape == padded else E.reshape(x, list(padded))


def _unfused_attention(q, k, v, bias, mask, scale, is_causal, out_dtype):
    """float16/bfloat16 attention from primitives, softmax in float32 as Keras does."""
    n_heads, kv_heads = q.shape[2], k.shape[2]
    q = E.transpose(q, [0, 2, 1, 3])  # B N T H
    k = E.transpose(k, [0, 2, 3, 1])  # B K H S
    v = E.transpose(v, [0, 2, 1, 3])  # B K S H
    if kv_heads != n_heads:
        group = E.floor_divide(_arange(n_heads, "int32", k), n_heads // kv_heads)
        k, v = E.take(k, group, 1), E.take(v, group, 1)
    logits = E.multiply(E.matmul(q, k), float(scale))
    if logits.dtype in ("float16", "bfloat16"):
        logits = E.cast(logits, "float32")
    if bias is not None:
        logits = E.add(logits, E.cast(tensor(bias), logits.dtype))
    keep = None if mask is None else E.cast(tensor(mask), "bool")
    if is_causal:
        t, s = logits.shape[2], logits.shape[3]
        rows = E.reshape(_arange(t, "int32", logits), [t, 1])
        causal = E.less_equal(E.reshape(_arange(s, "int32", logits), [1, s]), rows)
        keep = causal if keep is None else E.logical_and(keep, causal)
    if keep is not None:
        logits = E.where(keep, logits, -0.7 * _FLOAT_MAX[logits.dtype])
    probs = E.softmax(logits, -1)
    if probs.dtype != out_dtype:
        probs = E.cast(probs, out_dtype)
    out = E.matmul(probs, v)  # B N T H
    return E.transpose(out, [0, 2, 1, 3])
