"""IntegerLookup: maps integers to contiguous indices (or back) through a vocabulary."""

import numpy as np

from keras_like import ops
from keras_like.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integer terms to contiguous integer indices, or back with `invert=True`.

    Indices: the mask token (only with `mask_token` set and `output_mode="int"`) is 0, then
    come `num_oov_indices` OOV indices for unknown terms, then the vocabulary, in order. The
    lookup runs in NumPy on the host; inputs are integer arrays, tensors or lists.

    Args:
        max_tokens: The largest vocabulary size (mask and OOV indices included), or None.
        num_oov_indices: The number of OOV indices (1 by default). With 0, an OOV input is an
            error; with more than 1, an OOV term `t` goes to OOV index `t % num_oov_indices`
            (Keras's default `oov_method="floormod"`).
        mask_token: A term standing for masked input (index 0 in `"int"` mode, dropped in the
            other modes), or None for no mask.
        oov_token: The term returned for OOV indices when `invert=True`. Default -1.
        vocabulary: The terms (list, tuple, 1D array), or the path of a text file holding one
            term per line. Otherwise call `adapt()`.
        vocabulary_dtype: Must be `"int64"`, as in Keras.
        idf_weights: For `output_mode="tf_idf"` with a `vocabulary`: one weight per term.
        invert: If True, map indices to terms (an int64 tensor).
        output_mode: `"int"` (int64 indices), `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"` (encodings: int64, floatx for tf_idf, as real Keras gives; the
            multi-hot modes reduce axis 1, the sample axis of a 2D input).
        sparse: Must be False: keras_like has no sparse tensors (Keras allows True only on
            the TensorFlow backend).
        pad_to_max_tokens: Pad the encodings to `max_tokens` whatever the vocabulary size.
        oov_method: `"floormod"` (default). `"farmhash"` (and `salt`) hash OOV terms with
            TensorFlow's FarmHash64 / SipHash64, which keras_like cannot reproduce: they raise
            NotImplementedError when `num_oov_indices > 1` (they matter only then).
        salt: See `oov_method`.
        name: The layer name.

    Example:
    >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]])).numpy()
    array([[1, 3, 4],
           [4, 0, 2]], dtype=int64)
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater "
                             f"than 1. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` "
                             f"must >= 0. Received: num_oov_indices={num_oov_indices}")
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method,
                         salt=salt, name=name, **kwargs)
        if num_oov_indices > 1 and (oov_method == "farmhash" or self.salt is not None):
            raise NotImplementedError(
                "IntegerLookup with `num_oov_indices > 1` and `oov_method='farmhash'` is not "
                "supported by keras_like: Keras hashes OOV terms with TensorFlow's "
                "FarmHash64 (SipHash64 with a `salt`), which keras_like cannot reproduce. Use "
                "`oov_method='floormod'`.")

    def adapt(self, data, steps=None):
        """Learns the vocabulary: terms by count, ties broken by the terms (both descending).

        Example:
        >>> layer = IntegerLookup()
        >>> layer.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
        >>> layer.get_vocabulary()
        [-1, 42, 1138, 1000, 36, 12]
        """
        super().adapt(data, steps=steps)

    def _to_numpy(self, data):
        if ops.is_tensor(data):
            data = ops.convert_to_numpy(data)
        data = np.asarray(data)
        # Keras casts every input to the int64 vocabulary dtype.
        return data.astype("int64") if data.dtype != np.int64 else data

    def _parse_file_line(self, line):
        return int(line)

    def _oov_bucket(self, oov_inputs):
        return np.mod(oov_inputs, self.num_oov_indices)

    def _invert_output(self, values):
        return ops.convert_to_tensor(np.asarray(values.tolist(), dtype="int64"), dtype="int64")

    def get_config(self):
        config = super().get_config()
        # Keras writes the terms as plain ints.
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
