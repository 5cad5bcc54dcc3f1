"""`image_dataset_from_directory`: a folder of class subfolders as batches of (images, labels).

Keras returns a `tf.data.Dataset`; keras_like returns a `PyDataset` that `fit`, `evaluate`
and `predict` take directly and that iterates as `for images, labels in dataset`. Files are
indexed, shuffled and split exactly as Keras does (same seed, same files in each subset);
images are decoded by Pillow when a batch is requested.
"""

import math
import os

import numpy as np

from keras_like.utils.image_utils import (
    img_to_array,
    load_img,
    pad_to_aspect_ratio,
    resize_img,
)
from keras_like.utils.py_dataset import PyDataset

ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """Batches of images (float32, values 0..255) and labels from a directory tree.

    With `labels="inferred"` the directory holds one subfolder per class (sorted by name
    unless `class_names` gives the order); `labels` may also be None (images only) or a list
    with one label per file in sorted file order. `subset="both"` returns the training and
    validation datasets as a tuple. Other arguments are Keras's.

    Example:
    >>> train, val = keras_like.utils.image_dataset_from_directory(
    ...     "photos/", image_size=(64, 64), validation_split=0.2, subset="both", seed=1)
    >>> model.fit(train, validation_data=val)
    """
    _check_arguments(labels, label_mode, class_names, color_mode, validation_split, subset,
                     shuffle, seed, crop_to_aspect_ratio, pad_to_aspect_ratio)
    if not os.path.isdir(directory):
        raise ValueError(f"`directory` must be an existing folder. Received: "
                         f"directory={directory}")
    paths, found_labels, names = _index_directory(directory, labels, class_names,
                                                  follow_links)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={names}")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        np.random.RandomState(seed).shuffle(found_labels)
    if verbose:
        if labels == "inferred" or isinstance(labels, (list, tuple)):
            print(f"Found {len(paths)} files belonging to {len(names)} classes.")
        else:
            print(f"Found {len(paths)} files.")
    options = dict(label_mode=None if labels is None else label_mode, num_classes=len(names),
                   color_mode=color_mode, batch_size=batch_size, image_size=tuple(image_size),
                   interpolation=interpolation, crop_to_aspect_ratio=crop_to_aspect_ratio,
                   pad_to_aspect_ratio=pad_to_aspect_ratio, data_format=data_format,
                   class_names=names)
    if not validation_split:
        return ImageFileDataset(paths, found_labels, **options)
    count = int(validation_split * len(paths))
    parts = {"training": (paths[:len(paths) - count], found_labels[:len(paths) - count]),
             "validation": (paths[len(paths) - count:], found_labels[len(paths) - count:])}
    chosen = ["training", "validation"] if subset == "both" else [subset]
    datasets = []
    for name in chosen:
        part_paths, part_labels = parts[name]
        if verbose:
            print(f"Using {len(part_paths)} files for {name}.")
        datasets.append(ImageFileDataset(part_paths, part_labels, **options))
    return tuple(datasets) if subset == "both" else datasets[0]


def _check_arguments(labels, label_mode, class_names, color_mode, validation_split, subset,
                     shuffle, seed, crop, pad):
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError("`labels` argument should be a list/tuple of integer labels, of the "
                         "same size as the number of image files in the target directory. If "
                         "you wish to infer the labels from the subdirectory names in the "
                         'target directory, pass `labels="inferred"`. If you wish to get a '
                         f"dataset that only contains images (no labels), pass `labels=None`. "
                         f"Received: labels={labels}")
    if class_names and labels != "inferred":
        raise ValueError('You can only pass `class_names` if `labels="inferred"`. '
                         f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", '
                         f'"binary", or None. Received: label_mode={label_mode}')
    if color_mode not in _CHANNELS:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and subset not in ("training", "validation", "both"):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if subset and not validation_split:
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must "
                         "provide a `seed` argument, to make sure that there is no overlap "
                         "between the training and validation subset.")
    if crop and pad:
        raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can "
                         "be set to `True`.")


def _index_directory(directory, labels, class_names, follow_links):
    """(file paths, integer labels, class names) in Keras's order: classes sorted by name,
    files sorted within each class."""
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            if sorted(class_names) != sorted(set(class_names)) or \
                    not set(class_names) <= set(subdirs):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}")
            subdirs = list(class_names)
        paths, found = [], []
        for index, name in enumerate(subdirs):
            files = _image_files(os.path.join(directory, name), follow_links)
            paths.extend(files)
            found.extend([index] * len(files))
        return paths, np.array(found, dtype="int32"), list(subdirs)
    paths = _image_files(directory, follow_links)
    if labels is None:
        return paths, np.zeros(len(paths), dtype="int32"), []
    if len(labels) != len(paths):
        raise ValueError("Expected the lengths of `labels` to match the number of files in "
                         f"the target directory. len(labels) is {len(labels)} while we found "
                         f"{len(paths)} files in directory {directory}.")
    values = np.asarray(labels)
    names = [str(c) for c in sorted(set(values.tolist()))]
    return paths, values, names


def _image_files(folder, follow_links):
    found = []
    for root, _, files in os.walk(folder, followlinks=follow_links):
        for name in files:
            if name.lower().endswith(ALLOWED_FORMATS):
                found.append(os.path.join(root, name))
    return sorted(found)


class ImageFileDataset(PyDataset):
    """Batches decoded on request from a list of image files (see the module docstring)."""

    def __init__(self, file_paths, labels, label_mode, num_classes, color_mode, batch_size,
                 image_size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio,
                 data_format, class_names):
        super().__init__()
        self.file_paths = list(file_paths)
        self.class_names = class_names
        self._labels = np.asarray(labels)
        self._label_mode, self._num_classes = label_mode, num_classes
        self._color_mode, self._batch_size = color_mode, batch_size
        self._image_size, self._interpolation = image_size, interpolation
        self._crop, self._pad, self._data_format = (crop_to_aspect_ratio, pad_to_aspect_ratio,
                                                    data_format)

    def __len__(self):
        if self._batch_size is None:
            return len(self.file_paths)
        return math.ceil(len(self.file_paths) / self._batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        if self._batch_size is None:
            chosen = slice(index, index + 1)
        else:
            chosen = slice(index * self._batch_size, (index + 1) * self._batch_size)
        images = np.stack([self._load(p) for p in self.file_paths[chosen]])
        if self._batch_size is None:
            images = images[0]
        if self._label_mode is None:
            return images
        labels = self._encode(self._labels[chosen])
        return images, (labels[0] if self._batch_size is None else labels)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def _load(self, path):
        height, width = self._image_size
        img = load_img(path, color_mode=self._color_mode)
        if self._pad:
            img = pad_to_aspect_ratio(img, width / height)
        img = resize_img(img, (height, width), self._interpolation, self._crop)
        return img_to_array(img, data_format=self._data_format)

    def _encode(self, labels):
        if self._label_mode == "int":
            return labels.astype("int32")
        if self._label_mode == "binary":
            return labels.astype("float32")[:, None]
        return np.eye(self._num_classes, dtype="float32")[labels.astype("int64")]
