"""Random initializers: normal, uniform, variance scaling (Glorot, He, LeCun) and orthogonal.

Seeding follows Keras 3: an integer `seed` makes the initializer deterministic (every call
gives the same values); `seed=None` picks an integer once, at construction, from Python's
`random` (so `keras_like.utils.set_random_seed` makes it reproducible, and each call of the
same instance still gives the same values); a `SeedGenerator` gives new values on every call.
"""

import math

from keras_like import ops
from keras_like import random as _random
from keras_like.initializers.initializer import Initializer
from keras_like.random.seed_generator import SeedGenerator, make_default_seed
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

# Standard deviation of a standard normal truncated to [-2, 2]: dividing by it makes the
# truncated samples have the requested standard deviation.
_TRUNCATED_STDDEV = 0.87962566103423978


class RandomInitializer(Initializer):
    """Base of the random initializers: validates and stores `seed`."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = make_default_seed()
        elif isinstance(seed, dict):
            seed = deserialize_keras_object(seed, module_objects={"SeedGenerator": SeedGenerator})
        elif isinstance(seed, bool) or not isinstance(seed, (int, SeedGenerator)):
            raise ValueError(
                "`seed` argument should be an instance of `keras.random.SeedGenerator()` or an "
                f"integer. Received: seed={seed}"
            )
        self.seed = seed

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed)}


class RandomNormal(RandomInitializer):
    """Samples from a normal distribution `N(mean, stddev**2)`.

    Args:
        mean: Mean of the values.
        stddev: Standard deviation of the values.
        seed: An integer or a `keras_like.random.SeedGenerator` (see the module docstring).

    Example:
    >>> RandomNormal(stddev=1.0, seed=1)((2, 3)).shape
    (2, 3)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _random.normal(shape, mean=self.mean, stddev=self.stddev, seed=self.seed,
                              dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Samples from a normal distribution truncated to two standard deviations around `mean`.

    Args:
        mean: Mean of the (untruncated) distribution.
        stddev: Standard deviation of the (untruncated) distribution.
        seed: An integer or a `keras_like.random.SeedGenerator`.

    Example:
    >>> x = TruncatedNormal(stddev=1.0, seed=1)((1000,))
    >>> float(abs(x).numpy().max()) <= 2.0
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _random.truncated_normal(shape, mean=self.mean, stddev=self.stddev,
                                        seed=self.seed, dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples uniformly from `[minval, maxval)`.

    Args:
        minval: Lower bound (inclusive).
        maxval: Upper bound (exclusive).
        seed: An integer or a `keras_like.random.SeedGenerator`.

    Example:
    >>> x = RandomUniform(0.0, 1.0, seed=1)((1000,))
    >>> bool((x.numpy() >= 0).all() and (x.numpy() < 1).all())
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _random.uniform(shape, minval=self.minval, maxval=self.maxval, seed=self.seed,
                               dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def _axes_list(axes, name):
    if axes is None:
        return None
    if isinstance(axes, int) and not isinstance(axes, bool):
        return [axes]
    try:
        return [int(a) for a in axes]
    except (TypeError, ValueError):
        raise ValueError(
            f"Argument `{name}` must be an integer or a list of integers. Received: "
            f"{name}={axes}"
        ) from None


def compute_fans(shape, input_axes=None, output_axes=None):
    """The numbers of input and output units `(fan_in, fan_out)` of a weight shape.

    By default the shape is read as a dense kernel `(in, out)` or a convolution kernel
    `(*spatial, in, out)`, whose spatial size (the receptive field) multiplies both fans.
    `input_axes` / `output_axes` name the kernel axes holding the input and output units
    instead (used for einsum kernels such as attention projections); when only one list is
    given, the remaining axes are the other.

    Example:
    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(int(d) for d in shape)
    rank = len(shape)
    if input_axes is not None or output_axes is not None:
        def normalised(axes, name):
            out = []
            for a in _axes_list(axes, name):
                if not -rank <= a < rank:
                    raise ValueError(
                        f"Argument `{name}` refers to axis {a}, which is out of range for a "
                        f"weight of shape {shape}."
                    )
                out.append(a % rank)
            return out

        ins = None if input_axes is None else normalised(input_axes, "input_axes")
        outs = None if output_axes is None else normalised(output_axes, "output_axes")
        if ins is None:
            ins = [a for a in range(rank) if a not in outs]
        if outs is None:
            outs = [a for a in range(rank) if a not in ins]
        return math.prod(shape[a] for a in ins), math.prod(shape[a] for a in outs)
    if rank < 1:  # a scalar weight
        return 1, 1
    if rank == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(RandomInitializer):
    """Scales its distribution to the shape of the weight.

    With `n` the number of input units (`mode="fan_in"`), output units (`"fan_out"`) or their
    mean (`"fan_avg"`), samples come from a normal distribution truncated to two standard
    deviations (`"truncated_normal"`, standard deviation `sqrt(scale / n)` after truncation),
    an untruncated normal (`"untruncated_normal"`) or the uniform interval
    `[-sqrt(3 * scale / n), sqrt(3 * scale / n)]` (`"uniform"`).

    Args:
        scale: Scaling factor (positive float).
        mode: One of `"fan_in"`, `"fan_out"`, `"fan_avg"`.
        distribution: One of `"truncated_normal"` (also `"normal"`), `"untruncated_normal"`,
            `"uniform"`.
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units (see `compute_fans`).
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> init = VarianceScaling(scale=0.1, mode="fan_in", distribution="uniform", seed=0)
    >>> init((2, 2)).shape
    (2, 2)
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(
                f"Invalid `mode` argument: {mode}. Please use one of {allowed_modes}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed_distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed_distributions:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}. Please use one of "
                f"{allowed_distributions}"
            )
        _axes_list(input_axes, "input_axes")
        _axes_list(output_axes, "output_axes")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        if self.mode == "fan_in":
            n = fan_in
        elif self.mode == "fan_out":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return _random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype,
                                            seed=self.seed)
        if self.distribution == "untruncated_normal":
            return _random.normal(shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype,
                                  seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return _random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A named VarianceScaling preset: its config is only the seed and the axes."""

    _preset = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(seed=seed, input_axes=input_axes, output_axes=output_axes,
                         **self._preset)

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: `U(-limit, limit)` with `limit = sqrt(6 / (fan_in + fan_out))`.

    Args:
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units.
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> GlorotUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with `stddev = sqrt(2 / (fan_in + fan_out))`.

    Args:
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units.
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> GlorotNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with `stddev = sqrt(1 / fan_in)`.

    Args:
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units.
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> LecunNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: `U(-limit, limit)` with `limit = sqrt(3 / fan_in)`.

    Args:
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units.
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> LecunUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with `stddev = sqrt(2 / fan_in)`.

    Args:
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units.
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> HeNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


class HeUniform(_FixedVarianceScaling):
    """He uniform: `U(-limit, limit)` with `limit = sqrt(6 / fan_in)`.

    Args:
        seed: An integer or a `keras_like.random.SeedGenerator`.
        input_axes: Optional kernel axes holding the input units.
        output_axes: Optional kernel axes holding the output units.

    Example:
    >>> HeUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (times `gain`) from the QR decomposition of a normal sample.

    A shape `(..., n)` is filled as the matrix `(prod(shape[:-1]), n)`: its columns are
    orthonormal when it has at least as many rows as columns, its rows otherwise.

    Args:
        gain: Multiplicative factor applied to the orthogonal matrix.
        seed: An integer or a `keras_like.random.SeedGenerator`.

    Example:
    >>> q = Orthogonal(seed=0)((3, 3)).numpy()
    >>> bool(abs(q.T @ q - np.eye(3)).max() < 1e-5)
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. Received: "
                f"shape={shape} of rank {len(shape)}."
            )
        num_rows = math.prod(int(d) for d in shape[:-1])
        num_cols = int(shape[-1])
        flat_shape = (max(num_cols, num_rows), min(num_cols, num_rows))
        a = _random.normal(flat_shape, seed=self.seed, dtype=dtype)
        work = a if a.dtype in ("float32", "float64") else ops.cast(a, "float32")
        q, r = ops.qr(work)
        # Multiplying column j by sign(r_jj) makes the factorisation unique, and the result
        # uniformly distributed over the orthogonal matrices (Mezzadri, 2007).
        q = ops.multiply(q, ops.sign(ops.diag(r)))
        if num_rows < num_cols:
            q = ops.transpose(q)
        q = ops.reshape(q, tuple(shape))
        if self.gain != 1:
            q = ops.multiply(q, self.gain)
        return q if q.dtype == a.dtype else ops.cast(q, a.dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


OrthogonalInitializer = Orthogonal
