"""IndexLookup: the shared NumPy logic of StringLookup and IntegerLookup (not exported).

Keras builds these layers on TensorFlow hash tables; here the table is a Python dict and
every step (adapt counts, lookups, encodings) runs on the host in NumPy. The semantics follow
keras/src/layers/preprocessing/index_lookup.py (Keras 3.15) step for step.
"""

import collections
import os

import numpy as np

from keras_like import ops
from keras_like.backend import config as backend_config
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.layers.preprocessing import _vocabulary_assets
from keras_like.saving import serialization_lib

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_INT64_MAX = np.iinfo(np.int64).max


class IndexLookup(Layer):
    """Maps values from a vocabulary to integer indices (or back, with `invert=True`).

    See `StringLookup` and `IntegerLookup` for the arguments. Index layout, as in Keras: the
    mask token (only in `"int"` mode) at 0, then `num_oov_indices` OOV indices, then the
    vocabulary terms.
    """

    # The constructor's **kwargs take only these keys (read by from_config's key filter).
    _config_kwargs = {"vocabulary_size", "has_input_vocabulary", "trainable", "dtype"}

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", name=None,
                 salt=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("If pad_to_max_tokens is True, must set `max_tokens`. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        _validate_string_arg(oov_method, ("floormod", "farmhash"), type(self).__name__,
                             "oov_method")
        salt = self._check_salt(salt, vocabulary_dtype, oov_method)
        if output_mode == "binary":  # deprecated names
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        _validate_string_arg(output_mode, _MODES, type(self).__name__, "output_mode")
        if invert and output_mode != "int":
            raise ValueError("`output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `'one_hot'`, "
                             "`'multi_hot'`, `'count'` or `'tf_idf'`. "
                             f"Received: sparse={sparse} and output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is "
                             f"`'tf_idf'`. Received: idf_weights={idf_weights} and "
                             f"output_mode={output_mode}")
        frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        # As in Keras, the layer keeps the default dtype policy and is always trainable=True.
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        self.autocast = False
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_vocab_size
        # A file path is not kept for the config: the vocabulary read from it is (see
        # get_config).
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens = []
        self._table = {}
        self.idf_weights = None
        if output_mode == "tf_idf":
            if self._has_input_vocabulary and idf_weights is None:
                raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output "
                                 "mode, the `idf_weights` argument must also be provided.")
            if idf_weights is not None:
                self.idf_weights = np.asarray(idf_weights, dtype=backend_config.floatx())
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()

    def _check_salt(self, salt, vocabulary_dtype, oov_method):
        if salt is None:
            return None
        if vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError("`salt` can only be used when `oov_method='farmhash'`. "
                             f"Received: oov_method={oov_method}")
        if isinstance(salt, (tuple, list)) and len(salt) == 2:
            return list(salt)
        if isinstance(salt, int):
            return [salt, salt]
        raise ValueError("The `salt` argument for `IndexLookup` can only be a tuple of 2 "
                         f"integers, or a single integer. Received: salt={salt}.")

    @property
    def compute_dtype(self):
        # As Keras: the layer reads its vocabulary's dtype (a string input for StringLookup).
        return self.vocabulary_dtype

    @property
    def variable_dtype(self):
        return self.vocabulary_dtype

    # ---- overridden by StringLookup / IntegerLookup -----------------------------------------

    def _to_numpy(self, data):
        """`data` as a NumPy array of the layer's token type (str or int64)."""
        raise NotImplementedError

    def _parse_file_line(self, line):
        return line

    # ---- index layout ------------------------------------------------------------------------

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The size of the vocabulary, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, ordered by index.

        Args:
            include_special_tokens: If True, the mask and OOV tokens come first, so that a
                term's position equals its index; if False, only the terms are returned.
        """
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    # ---- vocabulary --------------------------------------------------------------------------

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and, for `"tf_idf"`, the IDF weights), replacing any other.

        Args:
            vocabulary: A list, tuple, 1D array or tensor of terms, or the path of a text file
                with one term per line. The mask and OOV tokens may lead it, in the layer's
                index order; otherwise they are added.
            idf_weights: For `"tf_idf"` only (and then required): one weight per entry of
                `vocabulary`.
        """
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            self._set_vocabulary_file(vocabulary)
            return
        tokens = [_python_value(t) for t in self._to_numpy(vocabulary).reshape(-1)]
        if not tokens:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={tokens}")
        token_start = self._token_start_index()
        special_tokens = [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices
        found_special_tokens = tokens[:token_start] == special_tokens
        all_tokens = tokens
        if found_special_tokens:
            tokens = tokens[token_start:]
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        for token, what, check in ((self.mask_token, "mask_token", True),
                                   (self.oov_token, "oov_token", self.invert)):
            # Keras refuses the OOV token among the terms only when inverting.
            if token is not None and check and token in tokens:
                index = [i for i, t in enumerate(all_tokens) if t == token][-1]
                raise ValueError(
                    f"Found reserved {'mask' if what == 'mask_token' else 'OOV'} token at "
                    "unexpected location in `vocabulary`. Note that passed `vocabulary` does "
                    "not need to include the OOV and mask tokens. Either remove all mask and "
                    "OOV tokens, or include them only at the start of the vocabulary in "
                    f"precisely this order: {special_tokens}. Received: {what}={token} at "
                    f"vocabulary index [{index}]")
        new_vocab_size = token_start + len(tokens)
        if self.max_tokens is not None and new_vocab_size > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {new_vocab_size}; "
                             f"`max_tokens` is {self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            self._set_idf_weights(idf_weights, len(all_tokens), found_special_tokens)

    def _set_vocabulary_file(self, path):
        if serialization_lib.in_safe_mode():
            raise ValueError(
                "Requested the loading of a vocabulary file outside of the model archive. "
                "This carries a potential risk of loading arbitrary and sensitive files and "
                "thus it is disallowed by default. If you trust the source of the artifact, "
                "you can override this error by passing `safe_mode=False` to the loading "
                "function, or calling `keras.config.enable_unsafe_deserialization(). "
                f"Vocabulary file: '{path}'")
        if not os.path.exists(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary "
                             "from file.")
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        # As TF's text-file table: every line is a term, with no special-token detection.
        self._set_tokens([self._parse_file_line(line) for line in lines])

    def _set_tokens(self, tokens):
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._table = {t: start + i for i, t in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _set_idf_weights(self, idf_weights, vocab_length, found_special_tokens):
        idf_weights = np.asarray(_numpy(idf_weights))
        if vocab_length != len(idf_weights):
            raise ValueError("`idf_weights` must be the same length as vocabulary. "
                             f"len(idf_weights) is {len(idf_weights)}; "
                             f"len(vocabulary) is {vocab_length}")
        if idf_weights.ndim != 1:
            raise ValueError("TF-IDF data must be a 1-index array. "
                             f"Received: type(idf_weights)={type(idf_weights)}")
        # Special tokens get the average weight (no real document frequency is known for
        # them); pad_to_max_tokens pads the back with zeros.
        front = 0 if found_special_tokens else self._token_start_index()
        front_value = 0 if found_special_tokens else np.average(idf_weights)
        back = self.max_tokens - front - len(idf_weights) if self.pad_to_max_tokens else 0
        weights = np.pad(idf_weights, (front, back), "constant",
                         constant_values=(front_value, 0))
        self.idf_weights = weights.astype(backend_config.floatx())

    def _record_vocabulary_size(self):
        new_size = self.vocabulary_size()
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                self._frozen_vocab_size is not None and new_size != self._frozen_vocab_size:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "the vocabulary size cannot be changed after the layer is called. Old vocab "
                f"size is {self._frozen_vocab_size}, new vocab size is {new_size}")
        self._frozen_vocab_size = new_size

    # ---- adapt -------------------------------------------------------------------------------

    def adapt(self, data, steps=None):
        """Learns the vocabulary from `data`: terms by count, ties by the term, descending.

        Args:
            data: A NumPy array, list, tuple or tensor (one batch; a 1D one is a column of
                one-term documents), or any other iterable of batches (e.g. a generator).
            steps: The number of batches to draw from an iterable (all when None).
        """
        self.reset_state()
        if hasattr(data, "__iter__") and not isinstance(data, (list, tuple, np.ndarray)) \
                and not ops.is_tensor(data):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            data = self._to_numpy(data)
            if data.ndim == 1:
                data = data[:, None]
            self.update_state(data)
        self.finalize_state()

    def update_state(self, data):
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via `vocabulary` argument or `set_vocabulary()` "
                             "method.")
        data = self._to_numpy(data)
        if data.ndim < 2:  # a vector is one document
            data = data.reshape(1, -1)
        self._token_counts.update(_python_value(t) for t in data.reshape(-1))
        if self.output_mode == "tf_idf":
            for row in data:
                self._token_document_counts.update({_python_value(t) for t in row.reshape(-1)})
            self._num_documents += data.shape[0]

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        for special in (self.mask_token, self.oov_token):
            self._token_counts.pop(special, None)
        tokens = list(self._token_counts)
        counts = [self._token_counts[t] for t in tokens]
        # Keras's deterministic order: by count, ties by the token itself, both descending.
        order = np.lexsort((np.array(tokens), np.array(counts)))[::-1]
        if self.max_tokens:
            order = order[:self.max_tokens - self._token_start_index()]
        tokens = [tokens[i] for i in order]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            doc_counts = np.array([self._token_document_counts[t] for t in tokens],
                                  dtype="float64")
            idf = np.log(1 + self._num_documents / (1 + doc_counts))
            idf = idf.astype(backend_config.floatx())
            back = self.max_tokens - self._token_start_index() - len(idf) \
                if self.pad_to_max_tokens and self.max_tokens is not None else 0
            self.idf_weights = np.pad(idf, (self._token_start_index(), back), "constant",
                                      constant_values=(np.mean(idf), 0)).astype(idf.dtype)
        self.reset_state()

    def reset_state(self):
        # Adapt state; as in Keras a layer with a constructor vocabulary never adapts.
        self._token_counts = collections.Counter()
        self._token_document_counts = collections.Counter()
        self._num_documents = 0

    # ---- call --------------------------------------------------------------------------------

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, KerasTensor):
            return super().__call__(inputs, *args, **kwargs)
        # Eager calls run the host-side lookup directly: Layer.__call__ would first convert
        # the inputs to engine tensors, which cannot hold strings.
        self.built = True
        return self.call(inputs)

    def call(self, inputs):
        self._ensure_known_vocab_size()
        inputs = self._to_numpy(inputs)
        scalar = inputs.ndim == 0
        if scalar:
            inputs = inputs.reshape(1)
        lookups = self._lookup(inputs)
        if self.invert:
            return self._invert_output(lookups.reshape(()) if scalar else lookups)
        if self.output_mode == "int":
            return ops.convert_to_tensor(lookups[0] if scalar else lookups, dtype="int64")
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return ops.convert_to_tensor(self._encode(lookups, depth))

    def _invert_output(self, values):
        """The looked-up terms (an object array shaped like the input) as the layer's output."""
        raise NotImplementedError

    def _lookup(self, inputs):
        flat = [_python_value(t) for t in inputs.reshape(-1)]
        if self.invert:
            values = np.empty(len(flat), dtype=object)
            values[:] = [self._inverse_lookup(i) for i in flat]
            return values.reshape(inputs.shape)
        mask_value = 0 if self.output_mode == "int" else _INT64_MAX
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        lookups = np.array([mask_value if self.mask_token is not None and t == self.mask_token
                            else self._table.get(t, default) for t in flat],
                           dtype="int64").reshape(inputs.shape)
        if self.num_oov_indices == 0:
            oov = [t for t, i in zip(flat, lookups.reshape(-1)) if i == -1]
            if oov:
                raise ValueError("When `num_oov_indices=0` all inputs should be in "
                                 f"vocabulary, found OOV values {oov}, consider setting "
                                 "`num_oov_indices=1`.")
        elif self.num_oov_indices > 1:
            oov = lookups == -1
            lookups[oov] = self._oov_bucket(inputs[oov]) + self._oov_start_index()
        return lookups

    def _inverse_lookup(self, index):
        if self.mask_token is not None and index == 0:
            return self.mask_token
        start = self._token_start_index()
        if start <= index < start + len(self._tokens):
            return self._tokens[index - start]
        return self.oov_token

    def _oov_bucket(self, oov_inputs):
        raise NotImplementedError

    def _encode(self, lookups, depth):
        """Keras's encode_categorical_inputs in NumPy: out-of-range indices (the dropped mask)
        encode to zeros.

        As in real Keras, "one_hot", "multi_hot" and "count" give int64 (the table's value
        dtype; Keras's compute_output_spec says floatx but its eager outputs are int64) and
        "tf_idf" gives floatx.
        """
        if lookups.ndim == 0:
            lookups = lookups.reshape(1)
        if self.output_mode == "one_hot" and lookups.ndim > 1 and lookups.shape[-1] == 1:
            lookups = lookups[..., 0]
        encoded = (lookups[..., None] == np.arange(depth)).astype("int64")
        if self.output_mode == "one_hot":
            return encoded
        # multi_hot / count / tf_idf reduce axis 1 (axis 0 of a vector), as Keras does: for
        # inputs of rank 2 that is the last axis, the sample axis.
        counts = encoded.sum(axis=1 if lookups.ndim > 1 else 0)
        if self.output_mode == "multi_hot":
            return np.minimum(counts, 1)
        if self.output_mode == "tf_idf":
            if self.idf_weights is None:
                raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be "
                                 "provided.")
            floatx = backend_config.floatx()
            return counts.astype(floatx) * self.idf_weights.astype(floatx)
        return counts

    def _ensure_known_vocab_size(self):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data.")

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:  # axis 1 is reduced (see _encode)
            return (input_shape[0], *input_shape[2:], depth)
        return (depth,)

    def compute_output_spec(self, inputs):
        dtype = backend_config.floatx() if self.output_mode == "tf_idf" else "int64"
        if self.invert:
            dtype = self.vocabulary_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # ---- config ------------------------------------------------------------------------------

    def get_config(self):
        # As Keras: the config holds only a vocabulary given to the constructor; an adapted
        # or file-read one is the layer's vocabulary.txt asset (save_assets) and its IDF
        # weights a weights-file entry (save_own_variables).
        config = {
            "invert": self.invert, "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
            "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method, "salt": self.salt,
        }
        return {**super().get_config(), **config}

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        # Keras stores the (padded) IDF weights as the entry "idf_weights" of the layer's
        # weights group.
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = self.idf_weights

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], dtype=backend_config.floatx())

    def save_assets(self, dir_path):
        """Writes the vocabulary to `dir_path/vocabulary.txt` unless the config holds it."""
        if self.input_vocabulary is None:
            _vocabulary_assets.write_vocabulary(dir_path, self.get_vocabulary())

    def load_assets(self, dir_path):
        """Reads the vocabulary `save_assets` wrote (after `load_own_variables`, which
        restores the IDF weights it needs in `"tf_idf"` mode)."""
        if self.input_vocabulary is not None:
            return
        lines = _vocabulary_assets.read_vocabulary(dir_path, self)
        if len(lines) <= self._token_start_index():
            return  # only the special tokens: the layer was saved before any vocabulary
        values = [self._parse_file_line(line) for line in lines]
        if self.output_mode != "tf_idf":
            self.set_vocabulary(values)
            return
        idf_weights = self.idf_weights
        if idf_weights is not None and self.pad_to_max_tokens:
            # The stored weights are padded to max_tokens; set_vocabulary pads them again.
            # (Keras 3.15 fails to load its own files here: the lengths differ.)
            idf_weights = idf_weights[:len(values)]
        self.set_vocabulary(values, idf_weights=idf_weights)


def _validate_string_arg(value, allowed, caller_name, arg_name):
    if isinstance(value, str) and value in allowed:
        return
    raise ValueError(f"Unknown value for `{arg_name}` argument of {caller_name}. Allowed "
                     f"values are: {allowed}. Received: {arg_name}={value}")


def _numpy(x):
    return ops.convert_to_numpy(x) if ops.is_tensor(x) else x


def _python_value(x):
    """NumPy scalars as plain Python values, so dict lookups and configs see str / int."""
    return x.item() if isinstance(x, np.generic) else x


def _listify(x):
    x = _numpy(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return list(x) if isinstance(x, tuple) else x
