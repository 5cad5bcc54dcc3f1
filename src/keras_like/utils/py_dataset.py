"""`keras_like.utils.PyDataset` (alias `Sequence`) and the iterator `fit()` draws batches from."""

import collections
import itertools
import random
import warnings
from concurrent.futures import ThreadPoolExecutor


class PyDataset:
    """Base class for defining a parallel dataset using Python code.

    Every `PyDataset` must implement `__getitem__()` and `__len__()` (or the `num_batches`
    property). `__getitem__(index)` returns a complete batch (not a single sample) and
    `__len__()` the number of batches. Override `on_epoch_begin()` / `on_epoch_end()` to
    change the dataset between epochs.

    Args:
        workers: Number of workers that prepare batches in parallel during `fit()`.
            keras_like uses threads, which pays off when `__getitem__` waits on I/O or on
            NumPy code that releases the GIL.
        use_multiprocessing: Accepted for Keras compatibility. keras_like always uses
            threads: tensors and engine state are not shared across processes.
        max_queue_size: Maximum number of batches prepared ahead of the one in use when
            `workers > 1`. Defaults to 10.

    Notes:
        `workers`, `use_multiprocessing` and `max_queue_size` configure how `fit()` iterates;
        indexing the dataset yourself applies no parallelism.

    Example:

    ```python
    import math

    class ArrayDataset(keras_like.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self):
            return math.ceil(len(self.x) / self.batch_size)

        def __getitem__(self, idx):
            low = idx * self.batch_size
            high = min(low + self.batch_size, len(self.x))
            return self.x[low:high], self.y[low:high]
    ```
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        warn = False
        if not hasattr(self, "_workers"):
            self._workers = 1
            warn = True
        if not hasattr(self, "_use_multiprocessing"):
            self._use_multiprocessing = False
            warn = True
        if not hasattr(self, "_max_queue_size"):
            self._max_queue_size = 10
            warn = True
        if warn:
            warnings.warn(
                "Your `PyDataset` class should call "
                "`super().__init__(**kwargs)` in its constructor. "
                "`**kwargs` can include `workers`, "
                "`use_multiprocessing`, `max_queue_size`. Do not pass "
                "these arguments to `fit()`, as they will be ignored.",
                stacklevel=2,
            )

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """Gets the batch at position `index`.

        Args:
            index: Position of the batch in the PyDataset.

        Returns:
            A batch.
        """
        raise NotImplementedError

    @property
    def num_batches(self):
        """Number of batches in the PyDataset, or `None` for an infinite dataset."""
        # Datasets written before `num_batches` existed define `__len__`.
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            "You need to implement the `num_batches` property:\n\n"
            "@property\ndef num_batches(self):\n  return ..."
        )

    def on_epoch_begin(self):
        """Method called at the beginning of every epoch."""
        pass

    def on_epoch_end(self):
        """Method called at the end of every epoch."""
        pass


Sequence = PyDataset


def iterate_py_dataset(py_dataset, shuffle=False):
    """Yields the batches of one epoch of `py_dataset`, in index order (or shuffled).

    With `workers > 1` (or `use_multiprocessing=True` and `workers > 0`) a thread pool
    prepares up to `max_queue_size` batches ahead; batches still come out in order. An
    infinite dataset (`num_batches is None`) yields until the caller stops iterating.
    Closing the generator early cancels the batches not yet started.

    Args:
        py_dataset: A `PyDataset`.
        shuffle: Whether to visit the batch indices in a random order (Python's `random`,
            as Keras does).

    Example:
    >>> for batch in iterate_py_dataset(dataset):
    ...     train_on(batch)
    """
    num_batches = py_dataset.num_batches
    if num_batches is None:
        indices = itertools.count()
    else:
        indices = range(num_batches)
        if shuffle:
            indices = list(indices)
            random.shuffle(indices)

    workers = py_dataset.workers
    if not (workers > 1 or (workers > 0 and py_dataset.use_multiprocessing)):
        for i in indices:
            yield py_dataset[i]
        return

    ahead = max(int(py_dataset.max_queue_size), 1)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="PyDataset")
    pending = collections.deque()
    indices = iter(indices)
    try:
        for i in itertools.islice(indices, ahead):
            pending.append(pool.submit(py_dataset.__getitem__, i))
        while pending:
            batch = pending.popleft().result()
            for i in itertools.islice(indices, 1):
                pending.append(pool.submit(py_dataset.__getitem__, i))
            yield batch
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
