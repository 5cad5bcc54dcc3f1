"""`text_dataset_from_directory`: a folder of class subfolders of `.txt` files as batches of
(texts, labels).

Keras returns a `tf.data.Dataset`; keras_like returns a `PyDataset` (as
`image_dataset_from_directory` does here) that iterates as `for texts, labels in dataset`
and has `map` and `take`. Texts are NumPy object arrays of Python strings. Files are indexed,
shuffled and split exactly as Keras does (same seed, same files in each subset, in the same
order); Keras then also shuffles the samples with a tf.data buffer (all but the validation half
of `subset="both"`), which keras_like replaces with a seeded reshuffle of its samples at the
end of every epoch.
"""

import math

import numpy as np

from keras_like.utils import directory_index
from keras_like.utils.dataset_views import DatasetViews
from keras_like.utils.py_dataset import PyDataset


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None,
                                shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """Batches of texts (the contents of `.txt` files) and labels from a directory tree.

    With `labels="inferred"` the directory holds one subfolder per class (sorted by name
    unless `class_names` gives the order); `labels` may also be None (texts only) or a list
    with one integer label per file in sorted file order. Labels are int32 (`"int"`), float32
    one-hot vectors (`"categorical"`) or float32 `(batch, 1)` (`"binary"`).

    Args:
        directory: The dataset folder.
        labels: `"inferred"`, None, or a list/tuple of integer labels.
        label_mode: `"int"`, `"categorical"`, `"binary"` or None (texts only).
        class_names: With `labels="inferred"`: the subfolders to use, in label order.
        batch_size: The batch size, or None for single samples.
        max_length: Texts longer than this many bytes are cut (as TF's substr does; a
            character split by the cut is dropped).
        shuffle: Whether to shuffle (otherwise files come in sorted order).
        seed: The shuffle seed.
        validation_split: The fraction of files kept for validation.
        subset: `"training"`, `"validation"` or `"both"` (a list of the two datasets).
        follow_links: Whether to descend into symlinked folders.
        format: `"tf"` or `"grain"` as in Keras; both give the keras_like dataset.
        verbose: Whether to print how many files and classes were found.

    Example:
    >>> train, val = keras_like.utils.text_dataset_from_directory(
    ...     "reviews/", validation_split=0.2, subset="both", seed=1337)
    >>> vectorizer.adapt(train.map(lambda x, y: x))
    """
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                "as the number of text files in the target directory. If you wish to infer the "
                "labels from the subdirectory names in the target directory, pass "
                '`labels="inferred"`. If you wish to get a dataset that only contains text '
                f"samples (no labels), pass `labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError('You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = directory_index.index_directory(
        directory, labels, formats=(".txt",), class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    options = dict(label_mode=label_mode, num_classes=len(class_names) if class_names else 0,
                   batch_size=batch_size, max_length=max_length, class_names=class_names)
    subsets = ["training", "validation"] if subset == "both" else [subset]
    parts = [directory_index.get_training_or_validation_split(file_paths, labels,
                                                              validation_split, name)
             for name in subsets]
    for name, (paths, _) in zip(subsets, parts):
        if not paths:
            which = f"{name} " if subset == "both" else ""
            raise ValueError(f"No {which}text files found in directory {directory}. "
                             "Allowed format: .txt")
    datasets = []
    for name, (paths, part_labels) in zip(subsets, parts):
        # As in Keras, shuffled data is shuffled again between epochs, except the validation
        # half of `subset="both"`.
        reshuffle_seed = seed if shuffle and not (subset == "both" and name == "validation") \
            else None
        datasets.append(TextFileDataset(paths, part_labels, reshuffle_seed=reshuffle_seed,
                                        **options))
    return datasets if subset == "both" else datasets[0]


class TextFileDataset(DatasetViews, PyDataset):
    """Batches of texts read on request from a list of files (see the module docstring).

    Attributes:
        file_paths: The files, in the current sample order.
        class_names: The class names, in label order (None without labels).
    """

    def __init__(self, file_paths, labels, label_mode, num_classes, batch_size, max_length,
                 class_names, reshuffle_seed=None):
        super().__init__()
        self.file_paths = list(file_paths)
        self.class_names = class_names
        self._labels = None if labels is None else np.asarray(labels)
        self._label_mode, self._num_classes = label_mode, num_classes
        self._batch_size, self._max_length = batch_size, max_length
        self._order = np.arange(len(self.file_paths))
        self._rng = None if reshuffle_seed is None else np.random.RandomState(reshuffle_seed)

    def __len__(self):
        if self._batch_size is None:
            return len(self.file_paths)
        return math.ceil(len(self.file_paths) / self._batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        size = 1 if self._batch_size is None else self._batch_size
        chosen = self._order[index * size:(index + 1) * size]
        texts = np.empty(len(chosen), dtype=object)
        texts[:] = [_read_text(self.file_paths[i], self._max_length) for i in chosen]
        if self._batch_size is None:
            texts = texts[0]
        if self._label_mode is None:
            return texts
        labels = self._encode(self._labels[chosen])
        return texts, (labels[0] if self._batch_size is None else labels)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def on_epoch_end(self):
        if self._rng is not None:
            self._order = self._rng.permutation(len(self.file_paths))

    def _encode(self, labels):
        if self._label_mode == "int":
            return labels.astype("int32")
        if self._label_mode == "binary":
            return labels.astype("float32")[:, None]
        return np.eye(self._num_classes, dtype="float32")[labels.astype("int64")]


def _read_text(path, max_length):
    with open(path, "rb") as f:
        data = f.read() if max_length is None else f.read(max_length)
    if max_length is not None and len(data) == max_length:
        data = _without_partial_last_character(data)
    return data.decode("utf-8", errors="replace")


def _without_partial_last_character(data):
    """`data` less a UTF-8 sequence that a byte-count cut left incomplete at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:  # ASCII: nothing is cut
            return data
        if byte >= 0xC0:  # the lead byte of the last sequence
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data[:-back] if back < needed else data
    return data
