"""HashedCrossing: crosses categorical features with the hashing trick, as Keras does on TF."""

import numpy as np

from keras_like import ops
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.layers.preprocessing._bin_encoding import encode_bins
from keras_like.layers.preprocessing._farmhash import fingerprint64, fingerprint_cat64
from keras_like.layers.preprocessing._packed_bytes import rows_to_bytes

# tf.sparse.cross_hashed's default `hash_key` (tensorflow/python/ops/sparse_ops.py).
_DEFAULT_HASH_KEY = 0xDECAFCAFFE


class HashedCrossing(Layer):
    """Crosses scalar categorical features into `num_bins` bins ("hashing trick").

    The bin of a sample is TensorFlow's `tf.sparse.cross_hashed` value, bit for bit: starting
    from TF's default hash key, each feature in order is folded in with `FingerprintCat64`,
    string features by their FarmHash64 fingerprint and integer features by their value, and
    the result is taken modulo `num_bins`. The crossing runs in NumPy on the host.

    Args:
        num_bins: The number of hash bins.
        output_mode: `"int"` (bin indices, int64 by default) or `"one_hot"` (a trailing axis
            of size `num_bins`, floatx by default).
        sparse: Must be False: keras_like has no sparse tensors (Keras allows True only on
            the TensorFlow backend).
        name: The layer name.
        dtype: The output dtype.

    Call arguments:
        inputs: A list or tuple of at least two features of equal shape, `()`, `(batch,)` or
            `(batch, 1)`, each of integers or strings.

    Example:
    >>> layer = HashedCrossing(num_bins=5)
    >>> feat1 = np.array(["A", "B", "A", "B", "A"])
    >>> layer((feat1, np.array([101, 101, 101, 102, 102]))).numpy()
    array([1, 4, 1, 1, 3])
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        # As in Keras, other keyword arguments are accepted and dropped.
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if not (isinstance(output_mode, str) and output_mode in ("int", "one_hot")):
            raise ValueError("Unknown value for `output_mode` argument of HashedCrossing. "
                             "Allowed values are: ('int', 'one_hot'). "
                             f"Received: output_mode={output_mode}")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple)) and any(isinstance(x, KerasTensor) for x in inputs):
            return super().__call__(inputs, *args, **kwargs)
        # Eager calls cross on the host directly: Layer.__call__ would first convert the
        # inputs to engine tensors, which cannot hold strings.
        self.built = True
        return self.call(inputs)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("`HashedCrossing` should be called on a list or tuple of "
                             f"inputs. Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError("`HashedCrossing` should be called on at least two inputs. "
                             f"Received: inputs={inputs}")
        features = [_as_numpy(x) for x in inputs]
        self._check_input_shape_and_type(features, inputs)
        shape = features[0].shape
        crossed = np.full(features[0].size, np.uint64(_DEFAULT_HASH_KEY), dtype=np.uint64)
        for feature in features:
            crossed = fingerprint_cat64(crossed, _feature_fingerprints(feature))
        bins = (crossed % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)
        return encode_bins(bins, self.output_mode, self.num_bins, self.compute_dtype)

    def _check_input_shape_and_type(self, features, inputs):
        first_shape = features[0].shape
        rank = len(first_shape)
        if rank > 2 or (rank == 2 and first_shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, "
                             f"`(batch_size)` or `(batch_size, 1)`. Received: inputs={inputs}")
        if not all(f.shape == first_shape for f in features[1:]):
            raise ValueError("All `HashedCrossing` inputs should have equal shape. "
                             f"Received: inputs={inputs}")
        if not all(f.dtype.kind in "iuOUS" for f in features):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string "
                             f"dtype. Received: inputs={inputs}")

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2 or not isinstance(input_shape[0], tuple) or \
                not isinstance(input_shape[1], tuple):
            raise ValueError("Expected as input a list/tuple of 2 tensors. "
                             f"Received input_shape={input_shape}")
        if input_shape[0][-1] != input_shape[1][-1]:
            raise ValueError("Expected the two input tensors to have identical shapes. "
                             f"Received input_shape={input_shape}")
        if self.output_mode == "int":
            return tuple(input_shape[0])
        if input_shape[0][-1] != 1:
            return tuple(input_shape[0]) + (self.num_bins,)
        return tuple(input_shape[0])[:-1] + (self.num_bins,)

    def compute_output_spec(self, inputs):
        shape = self.compute_output_shape([tuple(x.shape) for x in inputs])
        return KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self):
        # Keras writes exactly these keys (no `trainable`), the dtype as a plain name.
        return {"num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}


def _as_numpy(x):
    if ops.is_tensor(x):
        return ops.convert_to_numpy(x)
    values = np.asarray(x)
    if values.dtype.kind == "S":  # fixed-width bytes would drop trailing NUL bytes
        values = np.asarray(x, dtype=object)
    return values


def _feature_fingerprints(feature):
    """What TF's hashed cross folds in per value: FarmHash64 of a string, an integer as is."""
    if feature.dtype.kind in "iu":
        return feature.reshape(-1).astype(np.int64).view(np.uint64)
    return fingerprint64(rows_to_bytes(feature))
