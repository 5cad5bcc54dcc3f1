"""Turns what users pass to fit/evaluate/predict into batches of tensors.

Follows `keras/src/trainers/data_adapters/` and `epoch_iterator.py`: an adapter per input kind
(arrays and tensors, Python generators, `PyDataset`) says how many batches one pass holds and
yields them; `EpochIterator` cuts that stream into epochs of `steps_per_epoch` steps, carrying
on from where the last epoch stopped when `steps_per_epoch` is set, and warning when the data
runs out first.
"""

import itertools
import math
import types
import warnings

import numpy as np

from keras_like import tree
from keras_like.backend import Tensor
from keras_like.backend.string_arrays import is_string_array, strings_to_arrays
from keras_like.trainers import resume_state


def unpack_x_y_sample_weight(data):
    """(x,), (x, y) or (x, y, sample_weight) -> a 3-tuple; anything else is `x`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of `unpack_x_y_sample_weight` (always a tuple, so a list `x` stays `x`)."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array_like(x):
    if x is None:
        return True
    if type(x) is Tensor or isinstance(x, (np.ndarray, np.generic)):
        return True
    if hasattr(x, "_keras_like_value"):  # a Variable
        return True
    return hasattr(x, "__array__") and hasattr(x, "shape") and not isinstance(x, (dict, str))


def can_convert_arrays(arrays):
    """Whether every leaf of `arrays` is an array, a tensor or None."""
    return all(_is_array_like(a) for a in tree.flatten(arrays))


def _as_numpy(x):
    if x is None:
        return None
    if type(x) is Tensor or hasattr(x, "_keras_like_value"):
        x = x.numpy()
    x = np.asarray(x)
    # Keras feeds floating data as floatx; other dtypes pass through.
    if x.dtype.kind == "f" and x.dtype != np.float32:
        from keras_like.backend.config import floatx

        if x.dtype != np.dtype(floatx()):
            x = x.astype(floatx())
    return x


def _to_tensor(x):
    if type(x) is np.ndarray:
        if x.dtype.kind in "USO" and is_string_array(x):
            return x  # strings stay NumPy until the model's string preprocessing layer
        from keras_like.backend.convert import convert_to_tensor

        return convert_to_tensor(x)
    return x


def to_tensors(structure):
    """NumPy leaves of a batch as tensors (tensors and other leaves pass through; string
    arrays, and lists of strings made into arrays, stay NumPy)."""
    if type(structure) is np.ndarray:
        return _to_tensor(structure)
    if type(structure) is tuple:
        return tuple(to_tensors(v) for v in structure)
    if isinstance(structure, (list, tuple, dict)):
        return tree.map_structure(_to_tensor, strings_to_arrays(structure))
    return structure


def class_weight_to_sample_weights(y, class_weight):
    """One weight per sample: `class_weight[label]` (1.0 for labels not in the dict)."""
    from keras_like.backend.config import floatx

    if type(y) is Tensor or hasattr(y, "_keras_like_value"):
        y = y.numpy()
    y = np.asarray(y)
    sample_weight = np.ones((y.shape[0],), dtype=floatx())
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    y = np.round(y).astype("int32")
    for cls, weight in class_weight.items():
        sample_weight[y == int(cls)] = weight
    return sample_weight


def check_data_cardinality(data):
    num_samples = {int(a.shape[0]) for a in tree.flatten(data) if a is not None}
    if len(num_samples) > 1:
        msg = "Data cardinality is ambiguous. Make sure all arrays contain the same number of " \
              "samples."
        for label, single in zip(["x", "y", "sample_weight"], data):
            sizes = ", ".join(str(a.shape[0]) for a in tree.flatten(single) if a is not None)
            msg += f"'{label}' sizes: {sizes}\n"
        raise ValueError(msg)


class DataAdapter:
    """Base: `get_iterator()` yields one pass of batches; `num_batches` may be None."""

    num_batches = None
    batch_size = None

    def get_iterator(self):
        raise NotImplementedError

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass


class ArrayDataAdapter(DataAdapter):
    """NumPy arrays / tensors / nested lists and dicts of them, batched along axis 0."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None):
        if not can_convert_arrays((x, y, sample_weight)):
            raise ValueError(
                f"Expected all elements of `x` to be array-like. Received invalid types: x={x}"
            )
        x = tree.map_structure(_as_numpy, x)
        y = None if y is None else tree.map_structure(_as_numpy, y)
        if sample_weight is not None:
            if class_weight is not None:
                raise ValueError(
                    "You cannot `class_weight` and `sample_weight` at the same time."
                )
            sample_weight = tree.map_structure(_as_numpy, sample_weight)
            if tree.is_nested(y) and not tree.is_nested(sample_weight):
                if not (sample_weight.ndim == 1 or
                        (sample_weight.ndim == 2 and sample_weight.shape[1] == 1)):
                    raise ValueError(
                        "For a model with multiple outputs, when providing a single "
                        "`sample_weight` array, it should only have one scalar score per "
                        "sample (i.e. shape `(num_samples,)`). If you want to use non-scalar "
                        "sample weights, pass a `sample_weight` argument with one array per "
                        "model output."
                    )
                sample_weight = tree.map_structure(lambda _: sample_weight, y)
        if class_weight is not None:
            if tree.is_nested(y):
                raise ValueError(
                    "`class_weight` is only supported for Models with a single output."
                )
            sample_weight = class_weight_to_sample_weights(y, class_weight)
        data = (x, y, sample_weight)
        check_data_cardinality(data[:2] if sample_weight is None else data)
        sizes = [a.shape[0] for a in tree.flatten(data) if a is not None]
        self._num_samples = sizes[0] if sizes else 0
        if not batch_size:
            batch_size = int(math.ceil(self._num_samples / steps)) if steps else 32
        self._batch_size = batch_size
        self._size = int(math.ceil(self._num_samples / batch_size))
        self._shuffle = shuffle
        # Slice flat lists of arrays and rebuild the structure, skipping the tree walk for the
        # usual plain-array x and y.
        self._packed = data[:2] if sample_weight is None else data
        if y is None:
            self._packed = (x,)
        self._flat = [a for a in tree.flatten(self._packed)]
        self._simple = all(type(v) is np.ndarray for v in self._packed)

    @property
    def num_batches(self):
        return self._size

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def num_samples(self):
        return self._num_samples

    @property
    def shapes(self):
        """The shapes of the arrays, as a string (for error messages)."""
        return ", ".join(str(tuple(a.shape)) for a in self._flat if a is not None)

    def get_iterator(self):
        n, bs = self._num_samples, self._batch_size
        permutation = None
        if self._shuffle and self._shuffle != "batch":
            permutation = np.random.permutation(n)
        packed, flat, simple = self._packed, self._flat, self._simple
        for i in range(self._size):
            start, stop = i * bs, min((i + 1) * bs, n)
            if self._shuffle == "batch":
                index = np.random.permutation(stop - start) + start
            elif permutation is not None:
                index = permutation[start:stop]
            else:
                index = slice(start, stop)
            if simple:
                yield tuple(_to_tensor(a[index]) for a in packed)
            else:
                yield tree.pack_sequence_as(
                    packed, [None if a is None else _to_tensor(a[index]) for a in flat])


def _peek_and_restore(generator):
    first = list(itertools.islice(generator, 1))
    return first, itertools.chain(first, generator)


class GeneratorDataAdapter(DataAdapter):
    """A Python generator (or iterator) of batches: one pass, of unknown length."""

    def __init__(self, generator):
        first, self._generator = _peek_and_restore(generator)
        if not first:
            raise ValueError(
                "When passing a Python generator to a Keras model, the generator must yield "
                "at least one batch. Received an empty generator."
            )
        if not isinstance(first[0], tuple):
            raise ValueError(
                "When passing a Python generator to a Keras model, the generator must return "
                "a tuple, either (input,) or (inputs, targets) or (inputs, targets, "
                f"sample_weights). Received: {first[0]}"
            )
        self.exhausted = False

    def get_iterator(self):
        for batch in self._generator:
            yield to_tensors(batch)
        self.exhausted = True


class PyDatasetAdapter(DataAdapter):
    """A `keras_like.utils.PyDataset`: indexable batches, optionally prepared by threads."""

    def __init__(self, dataset, class_weight=None, shuffle=False):
        self._dataset = dataset
        self._class_weight = class_weight
        self._shuffle = shuffle
        self._within_epoch = False

    @property
    def num_batches(self):
        return self._dataset.num_batches

    def _standardize_batch(self, batch):
        if isinstance(batch, dict):
            return to_tensors(batch)
        if isinstance(batch, np.ndarray):
            batch = (batch,)
        if isinstance(batch, list):
            batch = tuple(batch)
        if not isinstance(batch, tuple) or len(batch) not in (1, 2, 3):
            raise ValueError(
                "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must be "
                "ordered either (input,) or (inputs, targets) or (inputs, targets, "
                f"sample_weights). Received: {str(batch)[:100]}... of type {type(batch)}"
            )
        if self._class_weight is not None:
            if len(batch) == 3:
                raise ValueError(
                    "You cannot specify `class_weight` and `sample_weight` at the same time."
                )
            if len(batch) == 2:
                batch = batch + (class_weight_to_sample_weights(batch[1], self._class_weight),)
        return to_tensors(batch)

    def get_iterator(self):
        from keras_like.utils.py_dataset import iterate_py_dataset

        # iterate_py_dataset shuffles with Python's `random`, as Keras does.
        for batch in iterate_py_dataset(self._dataset, shuffle=self._shuffle):
            yield self._standardize_batch(batch)

    def on_epoch_begin(self):
        if self._within_epoch:
            raise ValueError("`on_epoch_begin` was called twice without `on_epoch_end` having "
                             "been called.")
        self._within_epoch = True
        self._dataset.on_epoch_begin()

    def on_epoch_end(self):
        self._dataset.on_epoch_end()
        self._within_epoch = False


def _unsupported_arg(arg_name, arg_description, input_type):
    return ValueError(
        f"When providing `x` as a {input_type}, `{arg_name}` should not be passed. Instead, "
        f"{arg_description} should be included as part of the {input_type}."
    )


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                     shuffle=False, class_weight=None):
    """The adapter for `x` (arrays, a generator or a `PyDataset`)."""
    from keras_like.utils.py_dataset import PyDataset

    if isinstance(x, DataAdapter):
        return x
    # A list of strings is one array of samples (a string input's data), not many leaves.
    x = strings_to_arrays(x)
    if can_convert_arrays((x, y, sample_weight)):
        return ArrayDataAdapter(x, y, sample_weight=sample_weight, class_weight=class_weight,
                                shuffle=shuffle, batch_size=batch_size, steps=steps_per_epoch)
    if isinstance(x, PyDataset):
        if y is not None:
            raise _unsupported_arg("y", "the targets", "PyDataset")
        if sample_weight is not None:
            raise _unsupported_arg("sample_weights", "the sample weights", "PyDataset")
        if getattr(x, "num_batches", None) is None and shuffle:
            warnings.warn(
                "`shuffle=True` was passed, but will be ignored since the data `x` was provided "
                "as an infinite PyDataset. The PyDataset is expected to already be shuffled.",
                stacklevel=2,
            )
            shuffle = False
        return PyDatasetAdapter(x, class_weight=class_weight, shuffle=shuffle)
    if isinstance(x, types.GeneratorType) or (
            hasattr(x, "__next__") and hasattr(x, "__iter__")):
        if y is not None:
            raise _unsupported_arg("y", "the targets", "generator")
        if sample_weight is not None:
            raise _unsupported_arg("sample_weights", "the sample weights", "generator")
        if class_weight is not None:
            raise ValueError(
                "Argument `class_weight` is not supported for Python generator inputs. "
                f"Received: class_weight={class_weight}"
            )
        if shuffle:
            warnings.warn(
                "`shuffle=True` was passed, but will be ignored since the data `x` was provided "
                "as a generator. The generator is expected to yield already-shuffled data.",
                stacklevel=2,
            )
        return GeneratorDataAdapter(x)
    raise ValueError(f"Unrecognized data type: x={x} (of type {type(x)})")


def _interrupted_warning():
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset or "
        "generator can generate at least `steps_per_epoch * epochs` batches. You may need to "
        "use the `.repeat()` function when building your dataset.",
        stacklevel=3,
    )


class EpochIterator:
    """Yields `(step, batch)` for one epoch at a time (`for step, batch in iterator`).

    Without `steps_per_epoch` an epoch is one pass over the data. With it, an epoch is that
    many steps drawn from one continuing pass; when the pass ends first, the epoch stops early
    with a warning and the next epoch starts a new pass. A generator can only be walked once:
    `exhausted` says so after it ran dry.

    `pass_position` tells a backup where the data stands and `resume_at` makes a restarted
    run go on from there with the same batches (see `resume_state`).
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None):
        self.steps_per_epoch = steps_per_epoch
        self.data_adapter = get_data_adapter(
            x, y=y, sample_weight=sample_weight, batch_size=batch_size,
            steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
        self._num_batches = self.data_adapter.num_batches
        self._current_iterator = None
        self._steps_seen = 0  # batches read from the current pass
        self._pass_rng = None  # the host random state when the current pass started
        self._resume = None

    @property
    def num_batches(self):
        """Steps of one epoch (None while unknown)."""
        if self.steps_per_epoch:
            return self.steps_per_epoch
        return self._num_batches

    @property
    def exhausted(self):
        return getattr(self.data_adapter, "exhausted", False)

    def reset(self):
        self._current_iterator = None
        self._num_batches = self.data_adapter.num_batches
        self._steps_seen = 0

    def pass_position(self):
        """`(batches read, host random state at its start)` of the pass the next epoch goes
        on with, or None when the next epoch starts a new pass."""
        if not self._steps_seen or self._pass_rng is None:
            return None
        return self._steps_seen, self._pass_rng

    def resume_at(self, step, batches, pass_rng, after_replay=None):
        """Makes the next epoch start at `step`, `batches` into a pass replayed from the
        host random state `pass_rng` (see `pass_position`).

        The replayed batches are read, not yielded; `after_replay(last_batch)` runs once they
        are (`last_batch` is None when there were none).
        """
        self._resume = (step, batches, pass_rng, after_replay)

    def __iter__(self):
        adapter = self.data_adapter
        adapter.on_epoch_begin()
        try:
            yield from self._steps(adapter)
        finally:
            # Also runs when the caller stops early and closes this generator.
            adapter.on_epoch_end()

    def _start_pass(self, adapter, skip=0, pass_rng=None, after_replay=None):
        """A new pass over the data; with `skip`, the replay of an interrupted pass."""
        current = resume_state.host_rng_state()
        if not skip:
            pass_rng = None
        # The state just before the pass draws its order (the adapters shuffle on the first
        # batch, which the caller reads next).
        self._pass_rng = current if pass_rng is None else pass_rng
        if pass_rng is not None:
            resume_state.set_host_rng_state(pass_rng)
        iterator = iter(adapter.get_iterator())
        last_batch = None
        for _ in range(skip):
            try:
                last_batch = next(iterator)
            except StopIteration:
                raise ValueError(
                    f"Cannot resume training {skip} batches into a pass over the data: the "
                    "data now has fewer batches. Resume with the data the backup was made "
                    "with.") from None
        if pass_rng is not None:
            resume_state.set_host_rng_state(current)
        if after_replay is not None:
            after_replay(last_batch)
        self._steps_seen = skip
        return iterator

    def _steps(self, adapter):
        first_step, skip, pass_rng, after_replay = self._resume or (0, 0, None, None)
        self._resume = None
        steps = self.steps_per_epoch or self._num_batches or -1
        if steps > 0:
            if (self._current_iterator is None or self.steps_per_epoch is None
                    or skip or after_replay is not None):
                self._current_iterator = self._start_pass(adapter, skip, pass_rng,
                                                          after_replay)
            iterator = self._current_iterator
            for step in range(first_step, steps):
                if self._num_batches and self._steps_seen >= self._num_batches:
                    if self.steps_per_epoch:
                        _interrupted_warning()
                    break
                try:
                    batch = next(iterator)
                except StopIteration:
                    if self._num_batches is None:
                        self._num_batches = self._steps_seen
                    _interrupted_warning()
                    self._current_iterator = None
                    self._steps_seen = 0
                    break
                self._steps_seen += 1
                yield step, batch
            if self._num_batches and self._steps_seen >= self._num_batches:
                self._current_iterator = None
                self._steps_seen = 0
        else:
            step = first_step - 1
            for step, batch in enumerate(self._start_pass(adapter, skip, pass_rng,
                                                          after_replay), start=first_step):
                self._steps_seen += 1
                yield step, batch
            self._steps_seen = 0
            if self._num_batches is None and step >= 0:
                self._num_batches = step + 1


def train_validation_split(arrays, validation_split):
    """Keras's split: the last `validation_split` fraction of samples, no shuffling."""
    # (x, y, sample_weight): a list of strings in any of them is one array of samples.
    arrays = tuple(strings_to_arrays(a) for a in arrays)
    flat = tree.flatten(arrays)
    unsplitable = [type(t) for t in flat if not _is_array_like(t)]
    if unsplitable:
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy arrays."
            f"Found incompatible type in the input: {unsplitable}"
        )
    if all(t is None for t in flat):
        return arrays, arrays
    first = next(t for t in flat if t is not None)
    n = int(first.shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a "
            "validation and training set as specified by "
            f"`validation_split={validation_split}`. Either provide more data, or a different "
            "value for the `validation_split` argument."
        )

    def split(t, start, stop):
        return None if t is None else _as_numpy(t)[start:stop]

    train = tree.map_structure(lambda t: split(t, 0, split_at), arrays)
    val = tree.map_structure(lambda t: split(t, split_at, n), arrays)
    return train, val


__all__ = [
    "ArrayDataAdapter", "DataAdapter", "EpochIterator", "GeneratorDataAdapter",
    "PyDatasetAdapter", "can_convert_arrays", "check_data_cardinality",
    "class_weight_to_sample_weights", "get_data_adapter", "pack_x_y_sample_weight",
    "to_tensors", "train_validation_split", "unpack_x_y_sample_weight",
]
