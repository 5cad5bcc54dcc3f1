"""IMDB sentiment classification dataset (`keras_like.datasets.imdb`)."""

import json

import numpy as np

from keras_like.datasets import _bounded, _cache

# A genuine imdb.npz: 25,000 reviews per split, pickled lists of about 6 million word
# indexes in all (under 50 MB even as int64 arrays), and int64 labels.
_LIMITS = {
    "x_train": 128 << 20,
    "y_train": _bounded.npy_bytes((25000,), "int64"),
    "x_test": 128 << 20,
    "y_test": _bounded.npy_bytes((25000,), "int64"),
}


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the IMDB dataset from Keras's cache (`~/.keras/datasets/imdb.npz`).

    25,000 movie reviews for training and 25,000 for testing, labeled by sentiment
    (positive/negative). Each review is a list of word indexes; words are indexed by
    overall frequency, so index 3 is the 3rd most frequent word. "0" encodes no word (it is
    the pad token). Nothing is downloaded: a missing file raises `FileNotFoundError`
    naming the path and URL.

    Args:
        path: File name of the dataset in the cache (relative to `~/.keras/datasets`).
        num_words: Integer or None. Only the `num_words` most frequent words are kept; the
            others become `oov_char`. None keeps all words (as in Keras, this makes the
            single highest index `oov_char` too).
        skip_top: Skip the top N most frequent words (they become `oov_char`).
        maxlen: Int or None. Sequences of `maxlen` or more items (after `start_char` is
            added) are dropped.
        seed: Int. Seed for the reproducible shuffle of the data.
        start_char: Int. The start of a sequence is marked with this character.
        oov_char: Int. The out-of-vocabulary character; `None` drops such words instead.
        index_from: Int. Actual words are indexed from this index upward.
        **kwargs: Accepted and ignored, as in Keras 3.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: object arrays of
        lists of ints and integer label arrays (0 or 1).

    Example:
    >>> (x_train, y_train), _ = keras_like.datasets.imdb.load_data(num_words=10000)
    >>> max(max(seq) for seq in x_train) < 10000
    True
    """
    path = _cache.find_file(path, origin=f"{_cache.ORIGIN_FOLDER}imdb.npz")
    f = _cache.load_npz(path, _LIMITS)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train = x_train[indices]
    labels_train = labels_train[indices]

    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test = x_test[indices]
    labels_test = labels_test[indices]

    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [list(x) for x in x_train]
        x_test = [list(x) for x in x_test]

    if maxlen:
        x_train, labels_train = _cache.remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = _cache.remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                "After filtering for sequences shorter than maxlen="
                f"{str(maxlen)}, no sequence was kept. Increase maxlen."
            )

    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])

    if not num_words:
        num_words = max(max(x) for x in xs)

    # Indices below `index_from` are reserved: 0 padding, 1 start, 2 out-of-vocabulary.
    if oov_char is not None:
        xs = [[w if (skip_top <= w < num_words) else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]

    idx = len(x_train)
    x_train, y_train = np.array(xs[:idx], dtype="object"), labels[:idx]
    x_test, y_test = np.array(xs[idx:], dtype="object"), labels[idx:]
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="imdb_word_index.json"):
    """Returns the dict mapping words to their index in the IMDB dataset.

    Read from Keras's cache (`~/.keras/datasets/imdb_word_index.json`). Indices in the
    data returned by `load_data` are these plus `index_from` (3 by default).

    Args:
        path: File name in the cache (relative to `~/.keras/datasets`).

    Returns:
        The word index dictionary: word strings to their index.

    Example:
    >>> word_index = keras_like.datasets.imdb.get_word_index()
    >>> inverted = {i + 3: word for word, i in word_index.items()}
    """
    path = _cache.find_file(path, origin=f"{_cache.ORIGIN_FOLDER}imdb_word_index.json")
    with open(path) as f:
        return json.load(f)
