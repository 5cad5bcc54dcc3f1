"""Each loader reads small synthetic files laid out like Keras's cache in a temporary KERAS_HOME."""

import gzip
import io
import json
import os
import pickle
import struct
import tarfile

import numpy as np
import pytest

from keras_like import config
from keras_like.datasets import (
    boston_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

RNG = np.random.default_rng(0)
URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    return datasets


def permutations(n_train, n_test, seed):
    """The shuffles Keras draws: one RandomState, train indices first, then test indices."""
    rng = np.random.RandomState(seed)
    train = np.arange(n_train)
    rng.shuffle(train)
    test = np.arange(n_test)
    rng.shuffle(test)
    return train, test


# --- mnist / fashion-mnist -------------------------------------------------------------------

def test_mnist(cache):
    arrays = {
        "x_train": RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_train": RNG.integers(0, 10, 5, dtype=np.uint8),
        "x_test": RNG.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": RNG.integers(0, 10, 3, dtype=np.uint8),
    }
    np.savez(cache / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for name, got in zip(["x_train", "y_train", "x_test", "y_test"],
                         [x_train, y_train, x_test, y_test]):
        np.testing.assert_array_equal(got, arrays[name])
        assert got.dtype == np.uint8

    np.savez(cache / "other.npz", **arrays)
    np.testing.assert_array_equal(mnist.load_data(path="other.npz")[1][1], arrays["y_test"])
    with pytest.raises(ValueError, match="Paths are no longer accepted as the `fname`"):
        mnist.load_data(path=os.path.join("sub", "mnist.npz"))


def test_missing_file_names_path_and_url(cache):
    expected = str(cache / "mnist.npz")
    with pytest.raises(FileNotFoundError) as info:
        mnist.load_data()
    assert expected in str(info.value) and URL + "mnist.npz" in str(info.value)
    with pytest.raises(FileNotFoundError, match="fashion-mnist.*train-labels-idx1-ubyte.gz"):
        fashion_mnist.load_data()
    with pytest.raises(FileNotFoundError, match="cifar-10-python.tar.gz"):
        cifar10.load_data()
    with pytest.raises(FileNotFoundError, match="imdb_word_index.json"):
        imdb.get_word_index()


def write_idx(path, array):
    # IDX: magic (0x08 = ubyte, then the rank), each dimension as a big-endian int32.
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def test_fashion_mnist(cache):
    folder = cache / "fashion-mnist"
    folder.mkdir()
    x_train = RNG.integers(0, 256, (4, 28, 28), dtype=np.uint8)
    y_train = RNG.integers(0, 10, 4, dtype=np.uint8)
    x_test = RNG.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    y_test = RNG.integers(0, 10, 2, dtype=np.uint8)
    write_idx(folder / "train-labels-idx1-ubyte.gz", y_train)
    write_idx(folder / "train-images-idx3-ubyte.gz", x_train)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", y_test)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", x_test)
    (a, b), (c, d) = fashion_mnist.load_data()
    for got, want in [(a, x_train), (b, y_train), (c, x_test), (d, y_test)]:
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.uint8 and got.shape == want.shape


# --- cifar -----------------------------------------------------------------------------------

def write_batch(path, n, label_keys=("labels",), label_range=10):
    data = RNG.integers(0, 256, (n, 3072), dtype=np.uint8)
    batch = {b"data": data, b"batch_label": b"synthetic"}
    labels = {}
    for key in label_keys:
        labels[key] = [int(v) for v in RNG.integers(0, label_range, n)]
        batch[key.encode()] = labels[key]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(batch, f, protocol=2)
    return data, labels


def write_cifar10(folder, sizes=(3, 2, 4, 1, 2), n_test=3):
    train = [write_batch(folder / f"data_batch_{i + 1}", n) for i, n in enumerate(sizes)]
    test = write_batch(folder / "test_batch", n_test)
    x_train = np.concatenate([d for d, _ in train])
    y_train = np.concatenate([lab["labels"] for _, lab in train])
    return x_train, y_train, test[0], np.array(test[1]["labels"])


def check_cifar10(expected):
    x_train, y_train, x_test, y_test = expected
    (a, b), (c, d) = cifar10.load_data()
    assert a.shape == (len(x_train), 32, 32, 3) and c.shape == (len(x_test), 32, 32, 3)
    assert b.shape == (len(y_train), 1) and d.shape == (len(y_test), 1)
    assert a.dtype == c.dtype == b.dtype == d.dtype == np.uint8
    # Channels-last pixel (row, col, channel) is byte channel*1024 + row*32 + col of a row.
    np.testing.assert_array_equal(a[1, 5, 7], x_train[1, [5 * 32 + 7, 1024 + 5 * 32 + 7,
                                                           2048 + 5 * 32 + 7]])
    np.testing.assert_array_equal(a, x_train.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(c, x_test.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(b[:, 0], y_train)
    np.testing.assert_array_equal(d[:, 0], y_test)


@pytest.mark.parametrize("layout", [
    "cifar-10-batches-py-target/cifar-10-batches-py",  # Keras 3
    "cifar-10-batches-py",  # tf.keras
])
def test_cifar10_layouts(cache, layout):
    check_cifar10(write_cifar10(cache / layout))


def test_cifar10_extracts_a_cached_archive(cache, tmp_path):
    staging = tmp_path / "staging"
    expected = write_cifar10(staging / "cifar-10-batches-py")
    with tarfile.open(cache / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(staging / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    check_cifar10(expected)
    assert (cache / "cifar-10-batches-py-target" / "cifar-10-batches-py" / "test_batch").is_file()


def test_cifar10_channels_first(cache):
    x_train, *_ = write_cifar10(cache / "cifar-10-batches-py")
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        (a, _), _ = cifar10.load_data()
    finally:
        config.set_image_data_format(previous)
    np.testing.assert_array_equal(a, x_train.reshape(-1, 3, 32, 32))


def test_cifar_batches_cannot_run_code(cache, tmp_path):
    marker = tmp_path / "marker"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    write_cifar10(cache / "cifar-10-batches-py")
    with open(cache / "cifar-10-batches-py" / "data_batch_1", "wb") as f:
        pickle.dump({b"data": Exploit(), b"labels": [0]}, f)
    with pytest.raises(pickle.UnpicklingError, match="Refusing to deserialize `posix.system`"):
        cifar10.load_data()
    assert not marker.exists()


@pytest.mark.parametrize("label_mode,label_range", [("fine", 100), ("coarse", 20)])
def test_cifar100(cache, label_mode, label_range):
    folder = cache / "cifar-100-python-target" / "cifar-100-python"
    keys = ("fine_labels", "coarse_labels")
    train, train_labels = write_batch(folder / "train", 6, keys, label_range)
    test, test_labels = write_batch(folder / "test", 2, keys, label_range)
    (a, b), (c, d) = cifar100.load_data(label_mode=label_mode)
    np.testing.assert_array_equal(a, train.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(c, test.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(b[:, 0], train_labels[label_mode + "_labels"])
    np.testing.assert_array_equal(d[:, 0], test_labels[label_mode + "_labels"])
    assert b.shape == (6, 1) and d.shape == (2, 1) and a.dtype == np.uint8


def test_cifar100_label_mode_error():
    with pytest.raises(ValueError, match='`label_mode` must be one of `"fine"`, `"coarse"`'):
        cifar100.load_data(label_mode="medium")


# --- imdb / reuters --------------------------------------------------------------------------

def ragged(seqs):
    out = np.empty(len(seqs), dtype=object)
    out[:] = [list(s) for s in seqs]
    return out


TRAIN = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [10], [2, 2]]
TEST = [[3, 1], [9, 9, 9], [5]]


@pytest.fixture
def imdb_file(cache):
    np.savez(cache / "imdb.npz", x_train=ragged(TRAIN), y_train=np.array([0, 1, 0, 1, 1]),
             x_test=ragged(TEST), y_test=np.array([1, 0, 0]))


def test_imdb_defaults(imdb_file):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    train_order, test_order = permutations(5, 3, 113)
    assert x_train.dtype == object and x_train.shape == (5,) and x_test.shape == (3,)
    np.testing.assert_array_equal(y_train, np.array([0, 1, 0, 1, 1])[train_order])
    np.testing.assert_array_equal(y_test, np.array([1, 0, 0])[test_order])
    # start_char=1 first, words shifted by index_from=3; with num_words=None the cut is the
    # largest index (10 + 3 = 13), which itself becomes oov_char=2 (Keras's `w < num_words`).
    for got, order, seqs in [(x_train, train_order, TRAIN), (x_test, test_order, TEST)]:
        for seq, i in zip(got, order):
            assert seq == [1] + [w + 3 if w + 3 < 13 else 2 for w in seqs[i]]


def test_imdb_arguments(imdb_file):
    (x_train, _), (x_test, _) = imdb.load_data(
        num_words=8, skip_top=5, seed=4, start_char=None, oov_char=0, index_from=2)
    train_order, test_order = permutations(5, 3, 4)
    for got, order, seqs in [(x_train, train_order, TRAIN), (x_test, test_order, TEST)]:
        for seq, i in zip(got, order):
            assert seq == [w + 2 if 5 <= w + 2 < 8 else 0 for w in seqs[i]]

    # oov_char=None drops the cut words; maxlen keeps sequences strictly shorter than it.
    (x_train, y_train), (x_test, _) = imdb.load_data(num_words=8, oov_char=None, maxlen=3)
    train_order, _ = permutations(5, 3, 113)
    kept = [i for i in train_order if len(TRAIN[i]) + 1 < 3]
    assert [list(s) for s in x_train] == [[1] + [w + 3 for w in TRAIN[i] if w + 3 < 8]
                                          for i in kept]
    np.testing.assert_array_equal(y_train, np.array([0, 1, 0, 1, 1])[kept])
    assert all(len(s) < 3 for s in x_test)


def test_imdb_maxlen_too_small(imdb_file):
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=1)


def test_imdb_refuses_pickled_code(cache, tmp_path):
    marker = tmp_path / "marker"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    bad = np.empty(1, dtype=object)
    bad[0] = Exploit()
    np.savez(cache / "imdb.npz", x_train=bad, y_train=np.zeros(1), x_test=bad,
             y_test=np.zeros(1))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to deserialize"):
        imdb.load_data()
    assert not marker.exists()


@pytest.mark.parametrize("module,fname", [(imdb, "imdb_word_index.json"),
                                          (reuters, "reuters_word_index.json")])
def test_word_index(cache, module, fname):
    index = {"the": 1, "and": 2, "film": 17}
    (cache / fname).write_text(json.dumps(index))
    assert module.get_word_index() == index


def test_reuters(cache):
    xs = [[1, 2], [3, 4, 5], [6], [7, 8, 9, 10], [2], [4, 4], [5, 6, 7], [1], [9, 9], [3]]
    ys = np.arange(10) % 4
    np.savez(cache / "reuters.npz", x=ragged(xs), y=ys)
    order, _ = permutations(10, 0, 113)

    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.3, num_words=10)
    assert len(x_train) == 7 and len(x_test) == 3  # int(10 * (1 - 0.3))
    got = [list(s) for s in x_train] + [list(s) for s in x_test]
    assert got == [[1] + [w + 3 if w + 3 < 10 else 2 for w in xs[i]] for i in order]
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), ys[order])

    (x_train, y_train), (x_test, y_test) = reuters.load_data(maxlen=3, test_split=0.5)
    kept = [i for i in order if len(xs[i]) + 1 < 3]
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), ys[kept])
    assert len(reuters.get_label_names()) == 46


# --- boston_housing --------------------------------------------------------------------------

def test_boston_housing(cache):
    x = RNG.normal(size=(20, 13))
    y = RNG.uniform(10, 50, size=20)
    np.savez(cache / "boston_housing.npz", x=x, y=y)
    order, _ = permutations(20, 0, 7)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.25, seed=7)
    assert x_train.shape == (15, 13) and x_test.shape == (5, 13)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[order])

    (x_train, _), (x_test, _) = boston_housing.load_data()
    assert len(x_train) == 16 and len(x_test) == 4  # test_split=0.2
    with pytest.raises(ValueError, match="test_split=1.0"):
        boston_housing.load_data(test_split=1.0)


def test_npz_reader_keeps_numeric_arrays_without_pickle(cache):
    from keras_like.datasets import _cache

    buffer = io.BytesIO()
    np.savez(buffer, a=np.arange(6, dtype="int16").reshape(2, 3))
    (cache / "plain.npz").write_bytes(buffer.getvalue())
    loaded = _cache.load_npz(cache / "plain.npz", {"a": 1 << 20})
    np.testing.assert_array_equal(loaded["a"], np.arange(6).reshape(2, 3))
    assert loaded["a"].dtype == np.int16
