"""Discretization: buckets continuous values by ranges, with boundaries given or adapted."""

import numpy as np

from keras_like import ops
from keras_like.backend import config as backend_config
from keras_like.layers.layer import Layer

_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Places each input value in one of several contiguous ranges (bins).

    A value `v` goes to bin `i` when `bin_boundaries[i - 1] <= v < bin_boundaries[i]`: the
    leftmost and rightmost bins extend to `-inf` and `+inf`, so `bin_boundaries=[0., 1., 2.]`
    gives the bins `(-inf, 0)`, `[0, 1)`, `[1, 2)` and `[2, +inf)`.

    Args:
        bin_boundaries: A list of increasing bin boundaries. If set, `adapt()` must not be
            called.
        num_bins: The number of bins to learn with `adapt()` (which sets `bin_boundaries` to
            approximate quantiles of the data). Exclusive with `bin_boundaries`.
        epsilon: Error tolerance of the quantile approximation (e.g. 0.01); larger values give
            less equal bins but a smaller summary.
        output_mode: `"int"` (default): the bin indices (int32); `"one_hot"`: one vector per
            element (a trailing axis of size 1 is replaced); `"multi_hot"`: one vector per
            sample with a 1 for each bin present; `"count"`: like multi_hot, counting.
        sparse: Must be False: keras_like has no sparse tensors.
        dtype: The dtype of the encoded outputs (`"int"` mode always returns int32).
        name: The layer name.

    Example:
    >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])).numpy()
    array([[0, 2, 3, 1],
           [1, 3, 2, 1]], dtype=int32)
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None, **kwargs):
        super().__init__(dtype=dtype, name=name, **kwargs)
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse=True` may only be used if `output_mode` is `'one_hot'`, "
                f"`'multi_hot'`, or `'count'`. Received: sparse={sparse} and "
                f"output_mode={output_mode}"
            )
        if sparse:
            # Keras allows it only on the TensorFlow backend, which keras_like is not.
            raise ValueError(
                "keras_like has no sparse tensors: `Discretization` needs `sparse=False`. "
                f"Received: sparse={sparse}"
            )
        if output_mode not in _MODES:
            raise ValueError(
                "Unknown value for `output_mode` argument of Discretization. Allowed values "
                f"are: {_MODES}. Received: output_mode={output_mode}"
            )
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                "`num_bins` must be greater than or equal to 0. "
                f"Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        # Inputs are compared as floatx values whatever the layer dtype (Keras's input_dtype).
        self.autocast = False
        self.summary = None if self.bin_boundaries else _empty_summary()

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    # ---- adapt -------------------------------------------------------------------------------

    def adapt(self, data, steps=None):
        """Computes bin boundaries from approximate quantiles of `data`.

        Args:
            data: A NumPy array or tensor (summarized at once), or any other iterable of
                batches (a list of arrays, a generator). As in Keras, a plain list is an
                iterable: each of its items is one batch.
            steps: The number of batches to draw from an iterable (all when None).

        Example:
        >>> layer = Discretization(num_bins=4, epsilon=0.01)
        >>> layer.adapt(np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]))
        >>> layer.bin_boundaries
        [0.0, 0.5, 1.2999999523162842]
        """
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        self.reset_state()
        if _is_single_batch(data):
            self.update_state(data)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        if ops.is_tensor(data):
            data = ops.convert_to_numpy(data)
        data = np.array(data).astype("float32")
        batch_summary = summarize(data, self.epsilon)
        self.summary = merge_summaries(batch_summary, self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = get_bin_boundaries(self.summary, self.num_bins).tolist()

    def reset_state(self):
        if self.num_bins is None:
            return
        self.summary = _empty_summary()

    # ---- call --------------------------------------------------------------------------------

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time "
                "or call `adapt(dataset)` before you can start using the `Discretization` "
                "layer."
            )
        floatx = backend_config.floatx()
        if inputs.dtype != floatx:
            inputs = ops.cast(inputs, floatx)
        boundaries = ops.convert_to_tensor(np.asarray(self.bin_boundaries, dtype=floatx))
        # The boundaries increase, so this is np.digitize(inputs, boundaries).
        indices = ops.searchsorted(boundaries, inputs, side="right")
        return self._encode(indices, len(self.bin_boundaries) + 1)

    def _encode(self, indices, depth):
        """Keras's encode_categorical_inputs (which also takes inputs of rank > 2)."""
        if self.output_mode == "int":
            return ops.cast(indices, "int32")
        if indices.ndim == 0:
            indices = ops.expand_dims(indices, -1)
        if self.output_mode == "one_hot":
            if indices.ndim > 1 and indices.shape[-1] == 1:
                indices = ops.squeeze(indices, axis=-1)
            return ops.one_hot(indices, depth, dtype=self.output_dtype)
        # multi_hot and count reduce axis 1 (axis 0 for a vector), as Keras does.
        encoded = ops.one_hot(indices, depth, dtype=self.output_dtype)
        reduction_axis = 1 if indices.ndim > 1 else 0
        if self.output_mode == "multi_hot":
            return ops.max(encoded, axis=reduction_axis)
        return ops.sum(encoded, axis=reduction_axis)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None \
            else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return (*input_shape[:-1], depth)
            return (*input_shape, depth)
        if input_shape and len(input_shape) >= 2:
            return (input_shape[0], *input_shape[2:], depth)
        return (depth,)

    # ---- config ------------------------------------------------------------------------------

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries,
                "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # An adapted layer's config holds both, which __init__ refuses: as Keras does,
            # build from num_bins and set the learned boundaries afterwards.
            config = dict(config)
            bin_boundaries = config.pop("bin_boundaries")
            layer = super().from_config(config)
            layer.bin_boundaries = bin_boundaries
            return layer
        return super().from_config(config)


def _empty_summary():
    return np.array([[], []], dtype="float32")


def _is_single_batch(data):
    """Arrays and tensors are one batch; any other iterable yields batches (Keras's rule)."""
    return isinstance(data, np.ndarray) or ops.is_tensor(data) or not hasattr(data, "__iter__")


# The quantile summary below is Keras's algorithm (keras/src/layers/preprocessing/
# discretization.py), kept step for step, dtypes included, so adapted boundaries match.


def summarize(values, epsilon):
    """Reduces values to a 2-row summary: sampled sorted values and their weights (counts).

    About `1 / epsilon` values spaced evenly through the sorted data are kept, each with the
    weight of the values it stands for; small inputs are kept whole (weight 1).
    """
    values = np.sort(np.reshape(values, [-1]))
    num_buckets = 1.0 / epsilon
    step = max(values.size / num_buckets, 1)
    start = step - 1
    boundaries = values[int(start)::int(step)]
    weights = np.ones_like(boundaries) * step
    return np.stack([boundaries, weights])


def merge_summaries(prev_summary, next_summary, epsilon):
    """Weighted merge sort of two summaries, compressed back to `epsilon` accuracy."""
    merged = np.concatenate((prev_summary, next_summary), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


def get_bin_boundaries(summary, num_bins):
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]


def compress_summary(summary, epsilon):
    """Re-bins a summary at cumulative-weight fractions `epsilon, 2 * epsilon, ..., 1`.

    New values and cumulative weights are interpolated from the summary's cumulative weight
    fractions; a summary with fewer than `1 / epsilon` entries is returned as it is.
    """
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")
