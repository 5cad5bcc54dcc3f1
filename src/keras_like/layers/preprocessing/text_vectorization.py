"""TextVectorization: text to token indices or token-count vectors, as Keras 3 does.

Keras builds the layer on TensorFlow string ops and a StringLookup; here the text steps run on
the host (`_text_tokens`: bytes methods with TF's semantics) and the vocabulary lives in a
keras_like StringLookup (mask token `""`), which owns the vocabulary rules, the tf-idf weights
and the config's vocabulary. Counting and lookups use a bytes-keyed table for speed.
"""

import collections
import itertools

import numpy as np

from keras_like import ops
from keras_like.backend import config as backend_config
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.layers.preprocessing import _text_tokens
from keras_like.layers.preprocessing.index_lookup import _INT64_MAX, _listify
from keras_like.layers.preprocessing.string_lookup import StringLookup
from keras_like.saving import serialization_lib
from keras_like.utils.py_dataset import PyDataset

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class TextVectorization(Layer):
    """Maps text to integer sequences or to dense token-count vectors.

    Each string is standardized, split into tokens, optionally combined into ngrams, and looked
    up in a vocabulary (set with `vocabulary` or learned with `adapt()`). Index 0 is the padding
    (mask) token `""` in `"int"` mode and the next index is the OOV token `"[UNK]"`. Everything
    runs on the host with the semantics of Keras's TensorFlow ops: lowercasing touches ASCII
    letters only, the punctuation removed is TF's default set, and whitespace means ASCII
    whitespace. Inputs are NumPy string arrays (dtype `str_`, object or bytes), Python lists of
    strings, or a single string: a batch is `(batch,)` or `(batch, 1)`.

    Args:
        max_tokens: The largest vocabulary size (padding and OOV tokens included), or None.
        standardize: `"lower_and_strip_punctuation"` (default), `"lower"`,
            `"strip_punctuation"`, None, or a callable that takes a NumPy unicode array and
            returns an array of the same shape (as Keras passes on its non-TF backends).
        split: `"whitespace"` (default), `"character"`, None, or a callable that takes the
            1D NumPy unicode array of standardized strings and returns one sequence of tokens
            per string.
        ngrams: None, an integer n (ngrams of 1 to n tokens) or a tuple of ngram widths.
        output_mode: `"int"` (token indices, int64), `"multi_hot"`, `"count"` (int64 vectors
            of the vocabulary size) or `"tf_idf"` (floatx vectors). `"one_hot"` is accepted as
            by Keras; it needs inputs whose tokens form a dense array (no split of a batch).
        output_sequence_length: `"int"` mode only: pad or truncate the token axis to this
            length. Otherwise a batch is padded to its longest sequence.
        pad_to_max_tokens: The vector modes only: make the vectors `max_tokens` long.
        vocabulary: A list, tuple or 1D array of terms, or the path of a text file with one
            term per line.
        idf_weights: With `output_mode="tf_idf"` and a `vocabulary`: one weight per term.
        sparse: Must be False: keras_like has no sparse tensors.
        ragged: Must be False: keras_like has no ragged tensors (Keras allows True only on
            the TensorFlow backend).
        encoding: The text encoding of bytes inputs and of the tokens. Default `"utf-8"`.
        name: The layer name.

    Example:
    >>> layer = TextVectorization(max_tokens=5000, output_sequence_length=4)
    >>> layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    >>> layer([["foo qux bar"], ["qux baz"]]).numpy()
    array([[4, 1, 3, 0],
           [1, 2, 0, 0]])
    """

    # The constructor's **kwargs take only these keys (read by from_config's key filter).
    _config_kwargs = {"vocabulary_size", "has_input_vocabulary", "trainable", "dtype"}

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if ragged:
            raise ValueError("`ragged=True` can only be used with the TensorFlow backend.")
        _validate_string_arg(standardize, _STANDARDIZE, "standardize")
        _validate_string_arg(split, _SPLIT, "split")
        if output_mode == "binary":  # deprecated names
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        _validate_string_arg(output_mode, _MODES, "output_mode", allow_none_or_callable=False)
        if not (ngrams is None or isinstance(ngrams, int) or isinstance(ngrams, tuple)
                and all(isinstance(item, int) for item in ngrams)):
            raise ValueError("`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode == "int" and not (isinstance(output_sequence_length, int)
                                         or output_sequence_length is None):
            raise ValueError("`output_sequence_length` must be either None or an integer when "
                             "`output_mode` is 'int'. Received: "
                             f"output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not "
                             f"'int'. Received output_sequence_length={output_sequence_length}.")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        # Hidden options of the config, as in Keras: a layer given a vocabulary never adapts.
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=self._has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)
        self.autocast = False
        self._byte_table = None
        self._byte_table_source = None
        self.reset_state()

    @property
    def compute_dtype(self):
        return "string"

    @property
    def variable_dtype(self):
        return "string"

    def build(self, input_shape=None):
        self.built = True

    # ---- vocabulary --------------------------------------------------------------------------

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, ordered by index.

        Args:
            include_special_tokens: If True, the padding and OOV tokens come first, so that a
                term's position equals its index; if False, only the terms are returned.
        """
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The size of the vocabulary, padding and OOV indices included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and, for `"tf_idf"`, the IDF weights), replacing any other.

        Args:
            vocabulary: A list, tuple or 1D array of terms, or the path of a text file with one
                term per line.
            idf_weights: For `"tf_idf"` only (and then required): one weight per term.
        """
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ---- adapt -------------------------------------------------------------------------------

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary from `data`: tokens by count, ties by the token, descending.

        With `max_tokens`, only the most frequent tokens are kept; in `"tf_idf"` mode the
        document frequencies give the IDF weights, `log(1 + documents / (1 + frequency))`.

        Args:
            data: A NumPy array, list or tuple of strings (one batch; a 1D one is a column of
                documents), or any other iterable of batches (a generator, a `PyDataset`).
            batch_size: Unused (Keras's argument).
            steps: The number of batches to draw from an iterable (all when None).

        Example:
        >>> layer = TextVectorization()
        >>> layer.adapt(["The cat. The DOG!", "a cat", "Dog dog"])
        >>> layer.get_vocabulary()
        ['', '[UNK]', 'dog', 'the', 'cat', 'a']
        """
        self.reset_state()
        if isinstance(data, PyDataset):
            data = map(data.__getitem__, range(data.num_batches))
        if hasattr(data, "__iter__") and not isinstance(data, (list, tuple, np.ndarray, str,
                                                               bytes)) \
                and not ops.is_tensor(data):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            texts = _text_tokens.text_array(data, self._encoding)
            if texts.ndim == 1:
                texts = texts[:, None]
            self.update_state(texts)
        self.finalize_state()

    def update_state(self, data):
        if self._lookup_layer._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self._lookup_layer.name}' after setting a "
                             "static vocabulary via `vocabulary` argument or "
                             "`set_vocabulary()` method.")
        documents = self._preprocess(data).documents()
        self._token_counts.update(itertools.chain.from_iterable(documents))
        if self._output_mode == "tf_idf":
            self._document_counts.update(itertools.chain.from_iterable(
                set(document) for document in documents))
            self._num_documents += len(documents)

    def finalize_state(self):
        # The lookup layer removes the special tokens, sorts and truncates the vocabulary and
        # computes the IDF weights; it counts decoded strings.
        lookup = self._lookup_layer
        decode = self._decode
        lookup._token_counts = collections.Counter(
            {decode(t): c for t, c in self._token_counts.items()})
        lookup._token_document_counts = collections.Counter(
            {decode(t): c for t, c in self._document_counts.items()})
        lookup._num_documents = self._num_documents
        lookup.finalize_state()
        self.reset_state()

    def reset_state(self):
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0
        self._lookup_layer.reset_state()

    def _decode(self, token):
        return token.decode(self._encoding)

    # ---- call --------------------------------------------------------------------------------

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, KerasTensor):
            return super().__call__(inputs, *args, **kwargs)
        # Eager calls run on the host directly: Layer.__call__ would first convert the inputs
        # to engine tensors, which cannot hold strings.
        self.built = True
        return self.call(inputs)

    def _preprocess(self, inputs):
        if ops.is_tensor(inputs):
            inputs = ops.convert_to_numpy(inputs)
        texts = _text_tokens.text_array(inputs, self._encoding)
        texts = _text_tokens.standardize(texts, self._standardize, self._encoding)
        tokens = _text_tokens.split(texts, self._split, self._encoding)
        if self._ngrams is not None:
            tokens = _text_tokens.ngrams(tokens, self._ngrams)
        return tokens

    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        tokens = self._preprocess(inputs)
        table, oov = self._lookup_table()
        lengths = [len(row) for row in tokens.rows]
        flat = itertools.chain.from_iterable(tokens.rows)
        indices = np.fromiter(map(table.get, flat, itertools.repeat(oov)), dtype=np.int64,
                              count=sum(lengths))
        if self._output_mode == "int":
            return ops.convert_to_tensor(self._int_output(tokens, indices, lengths),
                                         dtype="int64")
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        if not tokens.ragged:
            dense = indices.reshape(() if tokens.scalar else tokens.lead_shape + (-1,))
            return ops.convert_to_tensor(lookup._encode(dense, depth))
        if self._output_mode == "one_hot":
            raise ValueError("`output_mode='one_hot'` on split text gives a ragged result, "
                             "which keras_like cannot represent (Keras returns a "
                             "tf.RaggedTensor). Use `split=None` or another output mode.")
        return ops.convert_to_tensor(self._ragged_vectors(tokens, indices, lengths, depth))

    def _lookup_table(self):
        """(bytes -> index table, OOV index), rebuilt when the vocabulary changes."""
        lookup = self._lookup_layer
        if self._byte_table_source is not lookup._table:
            encode = self._encoding
            table = {t.encode(encode): i for t, i in lookup._table.items()}
            # The padding token "" is the mask: 0 in "int" mode, dropped by the encodings.
            table[b""] = 0 if self._output_mode == "int" else _INT64_MAX
            self._byte_table = table
            self._byte_table_source = lookup._table
        return self._byte_table, lookup._oov_start_index()

    def _int_output(self, tokens, indices, lengths):
        length = self._output_sequence_length
        if not tokens.ragged:
            if tokens.scalar:
                return indices.reshape(())
            dense = indices.reshape(tokens.lead_shape + (-1,))
            if length is None:
                return dense
            dense = dense[..., :length]
            pad = [(0, 0)] * (dense.ndim - 1) + [(0, length - dense.shape[-1])]
            return np.pad(dense, pad)
        if length is None:
            length = max(lengths, default=0)
        out = np.zeros((len(lengths), length), dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        kept = np.minimum(lengths, length)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        positions = np.arange(len(indices)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        keep = positions < np.repeat(kept, lengths)
        out[rows[keep], positions[keep]] = indices[keep]
        return out.reshape(tokens.lead_shape + (length,))

    def _ragged_vectors(self, tokens, indices, lengths, depth):
        """multi_hot / count / tf_idf vectors of ragged rows (out-of-range indices dropped)."""
        rows = np.repeat(np.arange(len(lengths)), lengths)
        valid = (indices >= 0) & (indices < depth)
        counts = np.bincount(rows[valid] * depth + indices[valid],
                             minlength=len(lengths) * depth).reshape(len(lengths), depth)
        counts = counts.reshape(tokens.lead_shape + (depth,))
        if self._output_mode == "multi_hot":
            return np.minimum(counts, 1)
        if self._output_mode == "tf_idf":
            floatx = backend_config.floatx()
            return counts.astype(floatx) * self._lookup_layer.idf_weights.astype(floatx)
        return counts

    # ---- shapes and config -------------------------------------------------------------------

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = tuple(input_shape) + (1,)
        else:
            input_shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self._output_mode == "int" else backend_config.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_config(self):
        # As Keras: an adapted or file-read vocabulary is not in the config but in the
        # vocabulary.txt asset (save_assets), and its IDF weights in the weights file.
        lookup = self._lookup_layer
        config = {
            "max_tokens": lookup.max_tokens, "standardize": self._standardize,
            "split": self._split, "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse,
            "ragged": self._ragged, "vocabulary": _listify(lookup.input_vocabulary),
            "idf_weights": _listify(lookup.input_idf_weights),
            "encoding": self._encoding, "vocabulary_size": self.vocabulary_size(),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = serialization_lib.deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    # Keras writes the vocabulary both here and under the lookup sublayer's own path
    # (`<path>/_lookup_layer/`); either copy restores it.
    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        try:
            self._lookup_layer.load_assets(dir_path)
        except ValueError as e:
            raise ValueError(f"Layer '{self.name}' (TextVectorization): {e}") from None


def _validate_string_arg(value, allowed, arg_name, allow_none_or_callable=True):
    if allow_none_or_callable and (value is None or callable(value)):
        return
    if isinstance(value, str) and value in allowed:
        return
    raise ValueError(f"Unknown value for `{arg_name}` argument of TextVectorization. Allowed "
                     f"values are: {allowed}. Received: {arg_name}={value}")
