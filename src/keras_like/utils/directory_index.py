"""Listing, labelling, shuffling and splitting the files of a dataset directory, as Keras does.

These are Keras 3's `dataset_utils.index_directory`, `get_training_or_validation_split` and
`check_validation_split_arg` (keras/src/utils/dataset_utils.py), step for step, so a seed gives
the same files in the same order and the same training / validation subsets as in Keras.
The file order is: class folders in the given (or sorted) order; inside each, folders sorted
by path, each one's files sorted by name; then one global shuffle with NumPy's RandomState.
"""

import os

import numpy as np


def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Raises Keras's errors for an invalid `validation_split` / `subset` / `seed` choice."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """Lists the files of `directory` whose name ends with one of `formats`, with labels.

    Args:
        directory: The dataset folder: one subfolder per class when `labels="inferred"`.
        labels: `"inferred"` (from the subfolders), None (no labels) or one integer label per
            file, in the sorted file order.
        formats: A tuple of lowercase file name endings, e.g. `(".txt",)`.
        class_names: With `labels="inferred"`, the subfolders to use, in label order.
        shuffle: Whether to shuffle the files (with `seed`).
        seed: The shuffle seed (a random one when None).
        follow_links: Whether to descend into symlinked folders.
        verbose: Whether to print how many files and classes were found.

    Returns:
        `(file_paths, labels, class_names)`: labels as an int32 array (None without labels),
        class_names None without labels.
    """
    if labels == "inferred":
        subdirs = []
        for subdir in sorted(os.listdir(directory)):
            if os.path.isdir(os.path.join(directory, subdir)) and not subdir.startswith("."):
                subdirs.append(subdir)
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs} "
                                 f"(or a subset of it), but received: class_names={class_names}")
            subdirs = class_names  # their order gives the labels
    else:
        # Without inferred labels the whole tree is indexed from the top folder down.
        subdirs = [""]
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` "
                                 "cannot be specified.")
            raise ValueError("When argument `labels` is specified, argument `class_names` "
                             "cannot be specified (the `class_names` will be the sorted list "
                             "of labels).")
    class_indices = {name: i for i, name in enumerate(subdirs)}
    filenames, found_labels = [], []
    for subdir in subdirs:
        names = _index_subdirectory(os.path.join(directory, subdir), follow_links, formats)
        filenames += names
        found_labels += [class_indices[subdir]] * len(names)
    if labels == "inferred":
        labels = np.array(found_labels, dtype="int32")
        class_names = list(subdirs)
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError("Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(labels)} while we "
                             f"found {len(filenames)} files in directory {directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        if labels is None:
            print(f"Found {len(filenames)} files.")
        else:
            print(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        # One seed, two identical permutations: the files and their labels stay paired.
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            labels = np.array(labels)
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def _index_subdirectory(directory, follow_links, formats):
    """The matching files under `directory`, as paths starting with its own name."""
    dirname = os.path.basename(directory)
    found = []
    walk = os.walk(directory, followlinks=follow_links)
    for root, _, files in sorted(walk, key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                absolute = os.path.join(root, name)
                found.append(os.path.join(dirname, os.path.relpath(absolute, directory)))
    return found


def get_training_or_validation_split(samples, labels, validation_split, subset):
    """`samples` and `labels` restricted to the `subset` ("training" or "validation").

    The last `int(validation_split * len(samples))` samples are the validation subset. The
    message is printed whatever `verbose` is, as in Keras.
    """
    if not validation_split:
        return samples, labels
    num_val_samples = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val_samples} files for training.")
        samples = samples[:-num_val_samples]
        if labels is not None:
            labels = labels[:-num_val_samples]
    elif subset == "validation":
        print(f"Using {num_val_samples} files for validation.")
        samples = samples[-num_val_samples:]
        if labels is not None:
            labels = labels[-num_val_samples:]
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: '
                         f"{subset}")
    return samples, labels
