"""Normalization: `(x - mean) / sqrt(variance)`, with statistics given or learned by `adapt`."""

import itertools
import math

import numpy as np

from keras_like import ops
from keras_like.backend import config as backend_config
from keras_like.layers.layer import Layer


def _first_input(batch):
    """The inputs of a batch that may be `(x, y)` or `(x, y, sample_weight)`."""
    return batch[0] if isinstance(batch, tuple) else batch


def _as_float64(x):
    return np.asarray(ops.convert_to_numpy(x) if ops.is_tensor(x) else x, dtype=np.float64)


class Normalization(Layer):
    """Shifts and scales inputs to mean 0 and standard deviation 1, per feature.

    The statistics are either passed (`mean`, `variance`) or computed from data with
    `adapt()` before training; adapted statistics live in the non-trainable weights `mean`,
    `variance` (and `count`, kept for Keras compatibility) and are saved with the model.

    Args:
        axis: Integer, tuple of integers, or None: the axes that keep a separate mean and
            variance per index (`-1`: one per feature of the last axis; None: one scalar
            mean and variance for everything).
        mean: Optional mean value(s), broadcast to the kept axes; needs `variance` too.
        variance: Optional variance value(s), broadcast like `mean`.
        invert: If True, applies the inverse: `x * sqrt(variance) + mean`.

    Example:
    >>> layer = Normalization(axis=None)
    >>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))
    >>> layer(np.array([1.0, 2.0, 3.0], dtype="float32")).numpy()
    array([-1.4142135 , -0.70710677,  0.        ], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self.autocast = False
        self._build_input_shape = None
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(d if d >= 0 else d + ndim for d in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    "All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={input_shape}, with unknown axis at "
                    f"index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1
                                      for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance",
                                                  shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            # Never updated (as in Keras); kept so weight files line up with Keras's.
            self.count = self.add_weight(name="count", shape=(), dtype="int",
                                         initializer="zeros", trainable=False)
        else:
            mean = np.asarray(self.input_mean, dtype=np.float64)
            variance = np.asarray(self.input_variance, dtype=np.float64)
            # Align the given values with the kept axes from the right, then broadcast.
            expanded = [1] * ndim
            for i in range(1, mean.ndim + 1):
                expanded[self._keep_axis[-i]] = mean.shape[-i]
            try:
                mean = np.broadcast_to(mean.reshape(expanded), self._broadcast_shape)
                variance = np.broadcast_to(variance.reshape(expanded), self._broadcast_shape)
            except ValueError:
                raise ValueError(
                    f"`mean` and `variance` of shape {np.shape(self.input_mean)} cannot be "
                    f"broadcast to the kept axes {self._keep_axis} of inputs of shape "
                    f"{input_shape}"
                ) from None
            self._constants = (ops.convert_to_tensor(mean, dtype=self.compute_dtype),
                               ops.convert_to_tensor(variance, dtype=self.compute_dtype))
        self.built = True

    @property
    def mean(self):
        """The mean, broadcastable against the inputs (None before the layer is built)."""
        return self._statistics()[0] if self.built else None

    @property
    def variance(self):
        """The variance, broadcastable against the inputs (None before the layer is built)."""
        return self._statistics()[1] if self.built else None

    def _statistics(self):
        if self.input_mean is not None:
            return self._constants
        # Read the variables on every call, so set_weights / loading / adapt take effect.
        mean = ops.reshape(self.adapt_mean.value, self._broadcast_shape)
        variance = ops.reshape(self.adapt_variance.value, self._broadcast_shape)
        if mean.dtype != self.compute_dtype:
            mean, variance = ops.cast(mean, self.compute_dtype), ops.cast(variance,
                                                                           self.compute_dtype)
        return mean, variance

    def call(self, inputs):
        if inputs.dtype != self.compute_dtype:
            inputs = ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        std = ops.maximum(ops.sqrt(variance), backend_config.epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, std))
        return ops.divide(ops.subtract(inputs, mean), std)

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of `data` and stores them in the layer's weights.

        Args:
            data: A NumPy array or tensor (statistics over all of it), a
                `keras_like.utils.PyDataset`, or any iterable of batches (a list of arrays, a
                generator); batches may be `(x, y[, sample_weight])` tuples, only `x` is used.
                Batched statistics are merged with Keras's running (Chan et al.) formula.
            batch_size: For an array or tensor, adapt on batches of this many samples (the
                result is the same up to rounding; it only bounds memory).
            steps: Number of batches to draw from a dataset or iterable (all when None).

        Example:
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]], dtype="float32"))
        >>> layer.mean.numpy()
        array([[1., 8.]], dtype=float32)
        """
        from keras_like.utils.py_dataset import PyDataset

        if self.input_mean is not None:
            raise ValueError(
                "`adapt()` cannot be used on a Normalization layer that was given `mean` and "
                "`variance` directly."
            )
        if isinstance(data, (list, tuple)) and data and \
                all(isinstance(v, (int, float)) for v in data):
            data = np.asarray(data)
        if isinstance(data, np.ndarray) or ops.is_tensor(data):
            array = _as_float64(data)
            if batch_size is None:
                self._adapt_shape(array.shape)
                self._assign_statistics(array.mean(axis=self._reduce_axis),
                                        array.var(axis=self._reduce_axis))
                return
            if not isinstance(batch_size, int) or batch_size < 1:
                raise ValueError(
                    f"Argument `batch_size` must be a positive integer. Received: "
                    f"batch_size={batch_size}"
                )
            batches = (array[i:i + batch_size] for i in range(0, len(array), batch_size))
        elif isinstance(data, PyDataset):
            count = len(data) if steps is None else min(steps, len(data))
            batches = (_first_input(data[i]) for i in range(count))
            steps = None
        elif hasattr(data, "__iter__"):
            batches = (_first_input(b) for b in data)
        else:
            raise TypeError(
                f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, "
                "tensors, `keras_like.utils.PyDataset`, and iterables of batches (e.g. list, "
                "generator)."
            )
        if steps is not None:
            batches = itertools.islice(batches, steps)
        self._adapt_batches(batches)

    def _adapt_shape(self, shape):
        shape = tuple(shape)
        if not self.built:
            self.build(shape)
            self._build_shapes_dict = {"input_shape": shape}
            return
        expected = self._build_input_shape
        if len(shape) != len(expected) or any(shape[d] != expected[d] for d in self._keep_axis):
            raise ValueError(
                f"The layer was built with input_shape={expected}, but adapt() is being "
                f"called with data with an incompatible shape, data.shape={shape}"
            )

    def _adapt_batches(self, batches):
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            batch = _as_float64(batch)
            if total_mean is None:
                self._adapt_shape(batch.shape)
                total_mean = np.zeros(self._mean_and_var_shape)
                total_var = np.zeros(self._mean_and_var_shape)
            elif any(batch.shape[d] != self._build_input_shape[d] for d in self._keep_axis) \
                    or batch.ndim != len(self._build_input_shape):
                raise ValueError(
                    f"adapt() yielded a batch with incompatible shape. Expected "
                    f"{self._build_input_shape}, got {batch.shape}."
                )
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if batch_count == 0:
                continue
            batch_mean = batch.mean(axis=self._reduce_axis)
            batch_var = batch.var(axis=self._reduce_axis)
            total_count += batch_count
            batch_weight = batch_count / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            # Lack-of-fit sum of squares: each part's variance about the new mean.
            total_var = ((total_var + (total_mean - new_mean) ** 2) * existing_weight
                         + (batch_var + (batch_mean - new_mean) ** 2) * batch_weight)
            total_mean = new_mean
        if total_mean is None:
            raise ValueError(
                "adapt() received an empty iterable (no batches). Expected at least one batch."
            )
        self._assign_statistics(total_mean, total_var)

    def _assign_statistics(self, mean, variance):
        dtype = self.adapt_mean.dtype
        self.adapt_mean.assign(np.asarray(mean, dtype=dtype).reshape(self._mean_and_var_shape))
        self.adapt_variance.assign(
            np.asarray(variance, dtype=dtype).reshape(self._mean_and_var_shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config):
        if config and not self.built:
            self.build(config["input_shape"])
            self._build_shapes_dict = {"input_shape": tuple(config["input_shape"])}
