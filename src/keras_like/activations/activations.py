"""The Keras 3 activation functions, built on `keras_like.ops`.

Each is a plain function of a tensor; the common ones are one fused engine op. Defaults follow
`keras.activations`, which differ from `keras.ops` in places (`gelu` is exact here).
"""

from keras_like import ops
from keras_like.ops.operation import symbolic_aware


@symbolic_aware  # a composite: one functional-graph node when called on KerasTensors
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with optional leak, cap and threshold.

    With the defaults this is `max(x, 0)`. Otherwise values at or below `threshold` become
    `negative_slope * (x - threshold)`, values above it pass through, and `max_value` caps
    the result.

    Args:
        x: Input tensor.
        negative_slope: Slope for values below the threshold.
        max_value: Largest value returned (None: no cap).
        threshold: Values at or below it are damped or set to zero.

    Returns:
        A tensor with the shape and dtype of `x`.

    Example:
    >>> relu([-10.0, -5.0, 0.0, 5.0, 10.0], negative_slope=0.5).numpy()
    array([-5. , -2.5,  0. ,  5. , 10. ], dtype=float32)
    """
    if negative_slope == 0.0 and threshold == 0 and max_value is None:
        return ops.relu(x)  # the hot path: one engine op
    x = ops.convert_to_tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return ops.leaky_relu(x, negative_slope=negative_slope)
        negative_part = ops.relu(ops.add(ops.negative(x), threshold) if threshold != 0
                                 else ops.negative(x))
    clip_max = max_value is not None
    if threshold != 0:
        # Keras keeps x (not relu(x)) above the threshold, so a negative threshold lets
        # negative values through.
        x = ops.multiply(x, ops.cast(ops.greater(x, threshold), x.dtype))
    elif max_value == 6:
        x = ops.relu6(x)
        clip_max = False
    else:
        x = ops.relu(x)
    if clip_max:
        x = ops.clip(x, ops.cast(0.0, x.dtype), ops.cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = ops.subtract(x, ops.multiply(negative_part, negative_slope))
    return x


def leaky_relu(x, negative_slope=0.2):
    """`x` for `x >= 0`, `negative_slope * x` otherwise.

    Example:
    >>> leaky_relu([-1.0, 2.0]).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    Example:
    >>> relu6([-1.0, 8.0]).numpy()
    array([0., 6.], dtype=float32)
    """
    return ops.relu6(x)


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis`: a probability distribution over that axis.

    The output remembers its input as `_keras_logits`, so that crossentropy losses can work
    from the logits (stable) instead of the probabilities.

    Args:
        x: Input tensor.
        axis: Axis (or axes) the softmax normalises over.

    Example:
    >>> softmax([0.0, 0.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    output = ops.softmax(x, axis=axis)
    try:
        output._keras_logits = x
    except AttributeError:
        pass
    return output


def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Example:
    >>> elu([0.0, 1.0]).numpy()
    array([0., 1.], dtype=float32)
    """
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU (`scale=1.05070098`, `alpha=1.67326324`), self-normalising.

    Use it with the `LecunNormal` initializer and `AlphaDropout`.

    Example:
    >>> float(selu(0.0))
    0.0
    """
    return ops.selu(x)


def softplus(x):
    """`log(exp(x) + 1)`.

    Example:
    >>> round(float(softplus(0.0)), 4)
    0.6931
    """
    return ops.softplus(x)


def softsign(x):
    """`x / (abs(x) + 1)`.

    Example:
    >>> softsign([1.0, -3.0]).numpy()
    array([ 0.5 , -0.75], dtype=float32)
    """
    return ops.softsign(x)


def soft_shrink(x, threshold=0.5):
    """`x - threshold` above `threshold`, `x + threshold` below `-threshold`, else 0.

    Example:
    >>> soft_shrink([-1.0, 0.2, 1.0]).numpy()
    array([-0.5,  0. ,  0.5], dtype=float32)
    """
    return ops.soft_shrink(x, threshold)


def sparse_plus(x):
    """0 for `x <= -1`, `(x + 1)**2 / 4` for `-1 < x < 1`, `x` for `x >= 1`.

    Example:
    >>> sparse_plus([-2.0, 0.0, 2.0]).numpy()
    array([0.  , 0.25, 2.  ], dtype=float32)
    """
    return ops.sparse_plus(x)


def silu(x):
    """Swish / SiLU: `x * sigmoid(x)`.

    Example:
    >>> float(silu(0.0))
    0.0
    """
    return ops.silu(x)


def squareplus(x, b=4):
    """`(x + sqrt(x**2 + b)) / 2`, a smooth ReLU.

    Example:
    >>> float(squareplus(0.0))
    1.0
    """
    return ops.squareplus(x, b)


def gelu(x, approximate=False):
    """Gaussian error linear unit `x * P(X <= x)`, X ~ N(0, 1).

    Args:
        x: Input tensor.
        approximate: Use the tanh approximation (the default here is the exact erf form,
            unlike `keras_like.ops.gelu`).

    Example:
    >>> float(gelu(0.0))
    0.0
    """
    return ops.gelu(x, approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `x` for `x >= 0`, `alpha * (exp(x / alpha) - 1)`
    otherwise.

    Example:
    >>> celu([0.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
    """
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)` where `a, b` are the halves of `x` along `axis`.

    Example:
    >>> glu([[1.0, 2.0, 0.0, 0.0]]).numpy()
    array([[0.5, 1. ]], dtype=float32)
    """
    return ops.glu(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent.

    Example:
    >>> float(tanh(0.0))
    0.0
    """
    return ops.tanh(x)


def tanh_shrink(x):
    """`x - tanh(x)`.

    Example:
    >>> float(tanh_shrink(0.0))
    0.0
    """
    return ops.tanh_shrink(x)


def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`.

    Example:
    >>> threshold([-1.0, 0.0, 2.0], 1.0, 0.0).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    return ops.threshold(x, threshold, default_value)


def sigmoid(x):
    """`1 / (1 + exp(-x))`.

    The output remembers its input as `_keras_logits` (see `softmax`).

    Example:
    >>> float(sigmoid(0.0))
    0.5
    """
    output = ops.sigmoid(x)
    try:
        output._keras_logits = x
    except AttributeError:
        pass
    return output


def sparse_sigmoid(x):
    """0 for `x <= -1`, `(x + 1) / 2` for `-1 < x < 1`, 1 for `x >= 1`.

    Example:
    >>> sparse_sigmoid([-2.0, 0.0, 2.0]).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    return ops.sparse_sigmoid(x)


def exponential(x):
    """`exp(x)`.

    Example:
    >>> float(exponential(0.0))
    1.0
    """
    return ops.exp(x)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: 0 for `x <= -3`, 1 for `x >= 3`, `x / 6 + 0.5` between.

    Example:
    >>> hard_sigmoid([-4.0, 0.0, 4.0]).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """Hard swish: 0 for `x < -3`, `x` for `x > 3`, `x * (x + 3) / 6` between.

    Example:
    >>> hard_silu([-4.0, 0.0, 4.0]).numpy()
    array([-0.,  0.,  4.], dtype=float32)
    """
    return ops.hard_silu(x)


def hard_tanh(x):
    """Clips to [-1, 1].

    Example:
    >>> hard_tanh([-2.0, 0.5, 2.0]).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    return ops.hard_tanh(x)


def hard_shrink(x, threshold=0.5):
    """`x` where `abs(x) > threshold`, else 0.

    Example:
    >>> hard_shrink([-0.5, 0.0, 1.0]).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    return ops.hard_shrink(x, threshold)


def linear(x):
    """The identity: returns `x` unchanged.

    Example:
    >>> linear(3.0)
    3.0
    """
    return x


@symbolic_aware
def mish(x):
    """`x * tanh(softplus(x))`.

    Example:
    >>> float(mish(0.0))
    0.0
    """
    x = ops.convert_to_tensor(x)
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_softmax(x, axis=-1):
    """`x - logsumexp(x)` along `axis`.

    Example:
    >>> round(float(log_softmax([0.0, 0.0])[0]), 4)
    -0.6931
    """
    return ops.log_softmax(x, axis=axis)


def log_sigmoid(x):
    """`log(1 / (1 + exp(-x)))`.

    Example:
    >>> round(float(log_sigmoid(0.0)), 4)
    -0.6931
    """
    return ops.log_sigmoid(x)


def sparsemax(x, axis=-1):
    """Euclidean projection of `x` onto the probability simplex along `axis`.

    Example:
    >>> sparsemax([-1.0, 0.0, 1.0]).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    return ops.sparsemax(x, axis=axis)


swish = silu
hard_swish = hard_silu
