"""StringLookup: maps strings to integer indices (or back) through a vocabulary."""

import numpy as np

from keras_like import ops
from keras_like.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps string terms to integer indices, or back with `invert=True`.

    Indices: the mask token (only with `mask_token` set and `output_mode="int"`) is 0, then
    come `num_oov_indices` OOV indices for unknown terms, then the vocabulary, in order. The
    lookup runs in NumPy on the host; inputs are NumPy string arrays (dtype `str_` or object,
    bytes are decoded with `encoding`), Python lists of strings, or a single string.

    Args:
        max_tokens: The largest vocabulary size (mask and OOV indices included), or None.
        num_oov_indices: The number of OOV indices (1 by default). With 0, an OOV input is an
            error. More than 1 is not supported: Keras hashes OOV strings into the buckets with
            TensorFlow's FarmHash64, which keras_like does not have (NotImplementedError).
        mask_token: A term standing for masked input (index 0 in `"int"` mode, dropped in the
            other modes), or None for no mask.
        oov_token: The term returned for OOV indices when `invert=True`. Default `"[UNK]"`.
        vocabulary: The terms (list, tuple, 1D array), or the path of a text file holding one
            term per line. Otherwise call `adapt()`.
        idf_weights: For `output_mode="tf_idf"` with a `vocabulary`: one weight per term.
        invert: If True, map indices to terms. The output is then a NumPy array of Python
            strings (dtype object): the engine's tensors have no string dtype.
        output_mode: `"int"` (int64 indices), `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"` (encodings: int64, floatx for tf_idf, as real Keras gives; the
            multi-hot modes reduce axis 1, the sample axis of a 2D input).
        pad_to_max_tokens: Pad the encodings to `max_tokens` whatever the vocabulary size.
        sparse: Must be False: keras_like has no sparse tensors (Keras allows True only on
            the TensorFlow backend).
        encoding: The text encoding of bytes inputs. Default `"utf-8"`.
        name: The layer name.

    Example:
    >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer(np.array([["a", "c", "d"], ["d", "z", "b"]])).numpy()
    array([[1, 3, 4],
           [4, 0, 2]], dtype=int64)
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None,
                 salt=None, **kwargs):
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if num_oov_indices > 1:
            raise NotImplementedError(
                "StringLookup with `num_oov_indices > 1` is not supported by keras_like: "
                "Keras assigns OOV strings to buckets with TensorFlow's FarmHash64 (or "
                "SipHash64 with a `salt`), which keras_like cannot reproduce. Use "
                f"`num_oov_indices=1` or 0. Received: num_oov_indices={num_oov_indices}")
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def adapt(self, data, steps=None):
        """Learns the vocabulary: terms by count, ties broken by the terms (both descending).

        Example:
        >>> layer = StringLookup()
        >>> layer.adapt(np.array([["b", "a", "c", "a"], ["b", "c", "d", "e"]]))
        >>> layer.get_vocabulary()
        ['[UNK]', 'c', 'b', 'a', 'e', 'd']
        """
        super().adapt(data, steps=steps)

    def _as_text(self, x):
        return x.decode(self.encoding) if isinstance(x, bytes) else x

    def _to_numpy(self, data):
        if ops.is_tensor(data):
            data = ops.convert_to_numpy(data)
        data = np.asarray(data, dtype=object)
        return np.vectorize(self._as_text, otypes=[object])(data) if data.size else data

    def _invert_output(self, values):
        return values

    def get_config(self):
        config = {**super().get_config(), "encoding": self.encoding}
        # There is only one valid dtype for strings, so Keras does not write it.
        del config["vocabulary_dtype"]
        return config
