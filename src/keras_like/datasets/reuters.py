"""Reuters newswire topic classification dataset (`keras_like.datasets.reuters`)."""

import json

import numpy as np

from keras_like.datasets import _bounded, _cache

# A genuine reuters.npz: 11,228 newswires (about 1.6 million word indexes, under 16 MB even
# as int64 arrays) and their int64 topic labels.
_LIMITS = {
    "x": 64 << 20,
    "y": _bounded.npy_bytes((11228,), "int64"),
}


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the Reuters newswire dataset from Keras's cache (`~/.keras/datasets/reuters.npz`).

    11,228 newswires labeled over 46 topics, each a list of word indexes (words indexed by
    overall frequency; "0" encodes an unknown word). Nothing is downloaded: a missing file
    raises `FileNotFoundError` naming the path and URL.

    Args:
        path: File name of the dataset in the cache (relative to `~/.keras/datasets`).
        num_words: Integer or None. Only the `num_words` most frequent words are kept; the
            others become `oov_char`.
        skip_top: Skip the top N most frequent words (they become `oov_char`).
        maxlen: Int or None. Sequences of `maxlen` or more items (after `start_char` is
            added) are dropped.
        test_split: Float in `[0, 1]`: the fraction of the data used as test data.
        seed: Int. Seed for the reproducible shuffle of the data.
        start_char: Int. The start of a sequence is marked with this character.
        oov_char: Int. The out-of-vocabulary character; `None` drops such words instead.
        index_from: Int. Actual words are indexed from this index upward.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: object arrays of
        lists of ints and integer topic labels.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = keras_like.datasets.reuters.load_data()
    >>> len(x_train), len(x_test)
    (8982, 2246)
    """
    path = _cache.find_file(path, origin=f"{_cache.ORIGIN_FOLDER}reuters.npz")
    f = _cache.load_npz(path, _LIMITS)
    xs, labels = f["x"], f["y"]

    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs = xs[indices]
    labels = labels[indices]

    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]

    if maxlen:
        xs, labels = _cache.remove_long_seq(maxlen, xs, labels)

    if not num_words:
        num_words = max(max(x) for x in xs)

    # Indices below `index_from` are reserved: 0 padding, 1 start, 2 out-of-vocabulary.
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]

    idx = int(len(xs) * (1 - test_split))
    x_train, y_train = np.array(xs[:idx], dtype="object"), np.array(labels[:idx])
    x_test, y_test = np.array(xs[idx:], dtype="object"), np.array(labels[idx:])
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="reuters_word_index.json"):
    """Returns the dict mapping words to their index in the Reuters dataset.

    Read from Keras's cache (`~/.keras/datasets/reuters_word_index.json`). Indices in the
    data returned by `load_data` are these plus `index_from` (3 by default): 0, 1 and 2 are
    reserved for padding, start and out-of-vocabulary.

    Args:
        path: File name in the cache (relative to `~/.keras/datasets`).

    Returns:
        The word index dictionary: word strings to their index.

    Example:
    >>> keras_like.datasets.reuters.get_word_index()["the"]
    1
    """
    path = _cache.find_file(path, origin=f"{_cache.ORIGIN_FOLDER}reuters_word_index.json")
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """Returns the 46 topic names, indexed like the labels of `load_data`.

    Example:
    >>> keras_like.datasets.reuters.get_label_names()[3]
    'earn'
    """
    return (
        "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
        "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
        "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
        "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
        "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
        "dlr", "gas", "silver", "wpi", "hog", "lead",
    )
