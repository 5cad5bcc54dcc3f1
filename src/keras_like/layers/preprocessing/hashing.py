"""Hashing: hashes strings or integers into a fixed number of bins, as Keras does on TF."""

import numpy as np

from keras_like import ops
from keras_like.backend import config as backend_config
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.layers.preprocessing._bin_encoding import encode_bins
from keras_like.layers.preprocessing._farmhash import fingerprint64
from keras_like.layers.preprocessing._packed_bytes import rows_to_bytes
from keras_like.layers.preprocessing._siphash import siphash

_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(Layer):
    """Hashes and bins categorical features (strings or integers).

    Each value goes to bin `hash(value) % num_bins`, with the hash real Keras uses (through
    TensorFlow), bit for bit: FarmHash64 (`farmhash::Fingerprint64`) by default, SipHash-2-4
    keyed by the two `salt` integers when a salt is given. Integers are hashed as their decimal
    text and floats are truncated to integers first, as in Keras. The hashing runs in NumPy on
    the host; inputs are NumPy arrays (strings, bytes or numbers), lists, tensors of integers,
    or a single value.

    Args:
        num_bins: The number of bins, the mask bin included when `mask_value` is set (the
            other values then go to bins 1 to `num_bins - 1`).
        mask_value: A value mapped to bin 0, or None for no mask.
        salt: None (FarmHash64), one integer (the SipHash key `[salt, salt]`) or a pair of
            integers (the SipHash key).
        output_mode: `"int"` (bin indices), `"one_hot"` (a trailing axis of size `num_bins`;
            a trailing axis of size 1 is replaced), `"multi_hot"` or `"count"` (one vector per
            sample: axis 1 is reduced, axis 0 of a vector).
        sparse: Must be False: keras_like has no sparse tensors (Keras allows True only on
            the TensorFlow backend).
        **kwargs: Base layer arguments (`name`, `dtype`: int64 by default in `"int"` mode,
            floatx otherwise).

    Example:
    >>> layer = Hashing(num_bins=3)
    >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel()
    array([1, 0, 1, 1, 2])
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else backend_config.floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             f"values. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError('When `output_mode="int"`, `dtype` should be an integer type, '
                             f"'int32' or 'in64'. Received: dtype={kwargs['dtype']}")
        if output_mode not in _MODES:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{_MODES}. Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError('`sparse` may only be true if `output_mode` is `"one_hot"`, '
                             f'`"multi_hot"`, or `"count"`. Received: sparse={sparse} and '
                             f"output_mode={output_mode}")
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of "
                                 "size 2 integers, or a single integer. "
                                 f"Received: salt={salt}.")
        # Bin indices are integers: keep them away from float autocasting.
        self.autocast = False

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, KerasTensor):
            return super().__call__(inputs, *args, **kwargs)
        # Eager calls hash on the host directly: Layer.__call__ would first convert the
        # inputs to engine tensors, which cannot hold strings.
        self.built = True
        return self.call(inputs)

    def call(self, inputs):
        values = _as_numpy(inputs)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        bins = self._hash_values_to_bins(values)
        return encode_bins(bins, self.output_mode, self.num_bins, self.dtype)

    def _hash_values_to_bins(self, values):
        hash_bins = self.num_bins
        mask = None
        # With a mask value, bin 0 is the mask's and the others share the remaining bins.
        if self.mask_value is not None and hash_bins > 1:
            hash_bins -= 1
            mask = _equal(values, self.mask_value)
        data = rows_to_bytes(values)
        hashes = siphash(data, self.salt) if self.strong_hash else fingerprint64(data)
        bins = (hashes % np.uint64(hash_bins)).astype(np.int64).reshape(values.shape)
        if mask is not None:
            bins = np.where(mask, 0, bins + 1)
        return bins

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.dtype)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode,
                "sparse": self.sparse}


def _as_numpy(inputs):
    if ops.is_tensor(inputs):
        return ops.convert_to_numpy(inputs)
    values = np.asarray(inputs)
    if values.dtype.kind == "S":  # fixed-width bytes would drop trailing NUL bytes
        values = np.asarray(inputs, dtype=object)
    return values


def _equal(values, mask_value):
    """`values == mask_value` elementwise, as TF compares a string tensor with a string."""
    if values.dtype.kind in "OUS":
        if isinstance(mask_value, bytes):
            mask_value = mask_value.decode("utf-8")
        flat = [v.decode("utf-8") if isinstance(v, bytes) else v
                for v in values.reshape(-1).tolist()]
        return np.array([v == mask_value for v in flat], dtype=bool).reshape(values.shape)
    return values == mask_value
