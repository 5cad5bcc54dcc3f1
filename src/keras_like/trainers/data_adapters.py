"""Turns what users pass to fit/evaluate/predict into batches of (x, y, sample_weight)."""

import math

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.utils import tree


def unpack_x_y_sample_weight(data):
    """(x,), (x, y) or (x, y, sample_weight) -> a 3-tuple."""
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
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _as_array(x):
    if x is None:
        return None
    if type(x) is Tensor:
        return x.numpy()
    if hasattr(x, "_keras_like_value"):
        return x.numpy()
    return np.asarray(x)


def _is_array_like(x):
    return type(x) is Tensor or isinstance(x, np.ndarray) or hasattr(x, "__array__") and \
        not isinstance(x, (dict, str))


def class_weight_to_sample_weights(y, class_weight):
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = y.reshape(y.shape[0], -1)[:, 0].astype(np.int64) if y.ndim > 1 else \
            y.astype(np.int64)
    weights = np.ones(labels.shape[0], dtype="float32")
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


class ArrayAdapter:
    """NumPy arrays / tensors / nested lists and dicts of them, batched along axis 0."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None):
        self._x = tree.map_structure(_as_array, x)
        self._y = tree.map_structure(_as_array, y) if y is not None else None
        sw = sample_weight
        if class_weight is not None:
            if self._y is None:
                raise ValueError("`class_weight` needs targets `y`.")
            if isinstance(self._y, (list, tuple, dict)) and len(tree.flatten(self._y)) > 1:
                raise ValueError("`class_weight` is only supported for models with a single output.")
            cw = class_weight_to_sample_weights(tree.flatten(self._y)[0], class_weight)
            sw = cw if sw is None else np.asarray(sw) * cw
        self._sw = tree.map_structure(_as_array, sw) if sw is not None else None
        sizes = {a.shape[0] for a in tree.flatten([self._x, self._y, self._sw]) if a is not None}
        if len(sizes) > 1:
            raise ValueError(
                "Data cardinality is ambiguous. Make sure all arrays contain the same number "
                f"of samples. Received sizes: {sorted(sizes)} "
                f"(x: {[a.shape[0] for a in tree.flatten(self._x)]}"
                + (f", y: {[a.shape[0] for a in tree.flatten(self._y)]}" if self._y is not None
                   else "") + ")"
            )
        self.num_samples = sizes.pop() if sizes else 0
        self.batch_size = batch_size or 32
        self.shuffle = shuffle
        self.steps = steps or math.ceil(self.num_samples / self.batch_size)

    def batches(self):
        n = self.num_samples
        if self.shuffle == "batch":
            starts = np.arange(0, n, self.batch_size)
            np.random.shuffle(starts)
            order = np.concatenate([np.arange(s, min(s + self.batch_size, n)) for s in starts]) \
                if n else np.arange(0)
        elif self.shuffle:
            order = np.random.permutation(n)
        else:
            order = None
        for step in range(self.steps):
            start = (step * self.batch_size) % max(n, 1)
            stop = min(start + self.batch_size, n)
            if order is None:
                take = lambda a, s=start, e=stop: a[s:e]  # noqa: E731
            else:
                idx = order[start:stop]
                take = lambda a, i=idx: a[i]  # noqa: E731
            x = tree.map_structure(take, self._x)
            y = tree.map_structure(take, self._y) if self._y is not None else None
            sw = tree.map_structure(take, self._sw) if self._sw is not None else None
            yield x, y, sw


class GeneratorAdapter:
    """A Python generator / iterator of batches."""

    def __init__(self, generator, steps=None):
        self._generator = generator
        self.steps = steps
        self._iterator = iter(generator) if not hasattr(generator, "__next__") else generator

    def batches(self):
        count = 0
        while self.steps is None or count < self.steps:
            try:
                data = next(self._iterator)
            except StopIteration:
                return
            count += 1
            yield unpack_x_y_sample_weight(data)


class PyDatasetAdapter:
    """A `keras_like.utils.PyDataset` (indexable batches)."""

    def __init__(self, dataset, steps=None, shuffle=False):
        self._dataset = dataset
        length = getattr(dataset, "num_batches", None)
        if length is None:
            length = len(dataset)
        self.steps = steps or length
        self.shuffle = shuffle

    def batches(self):
        order = list(range(self.steps))
        if self.shuffle:
            np.random.shuffle(order)
        for i in order:
            yield unpack_x_y_sample_weight(self._dataset[i])

    def on_epoch_end(self):
        if hasattr(self._dataset, "on_epoch_end"):
            self._dataset.on_epoch_end()


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                     class_weight=None):
    try:
        from keras_like.utils.py_dataset import PyDataset
    except ImportError:  # pragma: no cover - utils are optional here
        PyDataset = ()
    if PyDataset and isinstance(x, PyDataset):
        _no_extra(y, sample_weight, batch_size, "a PyDataset")
        return PyDatasetAdapter(x, steps=steps, shuffle=shuffle)
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not _is_array_like(x)
                                   and not isinstance(x, (list, tuple, dict))):
        _no_extra(y, sample_weight, batch_size, "a generator")
        return GeneratorAdapter(x, steps=steps)
    if isinstance(x, (list, tuple, dict)) or _is_array_like(x):
        return ArrayAdapter(x, y, sample_weight, batch_size=batch_size, steps=steps,
                            shuffle=shuffle, class_weight=class_weight)
    raise ValueError(f"Unrecognized data type: x={x} (of type {type(x)})")


def _no_extra(y, sample_weight, batch_size, what):
    if y is not None:
        raise ValueError(f"When providing `x` as {what}, `y` should not be passed. Instead, the "
                         "targets should be included as part of the data.")
    if sample_weight is not None:
        raise ValueError(f"When providing `x` as {what}, `sample_weight` should not be passed.")
    if batch_size is not None:
        raise ValueError(f"When providing `x` as {what}, `batch_size` should not be passed: "
                         "batches come from the data itself.")


def train_validation_split(arrays, validation_split):
    """Keras's split: the last `validation_split` fraction of samples, no shuffling."""
    flat = [a for a in tree.flatten(arrays) if a is not None]
    if not all(_is_array_like(a) for a in flat):
        raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, "
                         f"found following types in the input: {[type(a) for a in flat]}")
    n = _as_array(flat[0]).shape[0]
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a "
            f"validation and training set as specified by `validation_split={validation_split}`."
        )

    def part(a, s, e):
        return None if a is None else _as_array(a)[s:e]

    train = tree.map_structure(lambda a: part(a, 0, split_at), arrays)
    val = tree.map_structure(lambda a: part(a, split_at, n), arrays)
    return train, val
