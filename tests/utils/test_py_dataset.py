"""PyDataset's Keras contract and the (threaded) batch iterator fit() uses."""

import itertools
import math
import threading

import numpy as np
import pytest

from keras_like import utils
from keras_like.utils.py_dataset import iterate_py_dataset


class ArrayDataset(utils.PyDataset):
    def __init__(self, n, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = np.arange(n)
        self.batch_size = batch_size
        self.threads = set()
        self.epochs_begun = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        self.threads.add(threading.get_ident())
        if idx >= len(self):
            raise IndexError(idx)
        low = idx * self.batch_size
        return self.x[low:low + self.batch_size], self.x[low:low + self.batch_size] * 2

    def on_epoch_begin(self):
        self.epochs_begun += 1


def test_defaults_and_num_batches():
    ds = ArrayDataset(10, 3)
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (1, False, 10)
    assert ds.num_batches == 4
    ds.on_epoch_begin()
    ds.on_epoch_end()
    assert ds.epochs_begun == 1
    assert utils.Sequence is utils.PyDataset


def test_warns_when_super_init_not_called():
    class NoSuper(utils.PyDataset):
        def __init__(self):
            pass

    ds = NoSuper()
    with pytest.warns(UserWarning, match=r"should call `super\(\).__init__\(\*\*kwargs\)`"):
        assert ds.workers == 1


def test_num_batches_needs_len_or_override():
    with pytest.raises(NotImplementedError, match="implement the `num_batches` property"):
        _ = utils.PyDataset().num_batches
    with pytest.raises(NotImplementedError):
        utils.PyDataset()[0]


@pytest.mark.parametrize("workers", [1, 4])
def test_iterate_in_order(workers):
    ds = ArrayDataset(23, 4, workers=workers, max_queue_size=2)
    batches = list(iterate_py_dataset(ds))
    assert len(batches) == 6
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), np.arange(23))
    if workers > 1:
        assert threading.get_ident() not in ds.threads


def test_iterate_shuffled_visits_every_batch_once():
    ds = ArrayDataset(40, 4, workers=3)
    firsts = [int(b[0][0]) for b in iterate_py_dataset(ds, shuffle=True)]
    assert sorted(firsts) == list(range(0, 40, 4))


def test_infinite_dataset_and_early_stop():
    class Endless(utils.PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, idx):
            return np.array([idx])

    for workers in (1, 2):
        it = iterate_py_dataset(Endless(workers=workers, max_queue_size=3))
        assert [int(b[0]) for b in itertools.islice(it, 7)] == list(range(7))
        it.close()


def test_errors_in_getitem_propagate():
    class Broken(ArrayDataset):
        def __getitem__(self, idx):
            if idx == 2:
                raise RuntimeError("bad batch 2")
            return super().__getitem__(idx)

    with pytest.raises(RuntimeError, match="bad batch 2"):
        list(iterate_py_dataset(Broken(20, 4, workers=2)))
