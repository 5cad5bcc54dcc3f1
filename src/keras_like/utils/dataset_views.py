"""`map` and `take` for keras_like's file datasets, the two `tf.data` methods Keras text code
uses most (`raw_ds.map(lambda x, y: x)`, `for x, y in ds.take(1)`)."""

from keras_like.utils.py_dataset import PyDataset


class DatasetViews:
    """Mixin for a `PyDataset` subclass: lazy `map` and `take` views of its batches."""

    def map(self, function):
        """A dataset whose batches are `function(*batch)` (tuples are unpacked, as in tf.data).

        Example:
        >>> texts = dataset.map(lambda x, y: x)
        >>> layer.adapt(texts)
        """
        return _MappedDataset(self, function)

    def take(self, count):
        """A dataset of the first `count` batches (all of them when `count` is -1)."""
        return _TakenDataset(self, count)

    def as_numpy_iterator(self):
        """Iterates over the batches (they already are NumPy data)."""
        return iter(self)


class _MappedDataset(DatasetViews, PyDataset):
    def __init__(self, source, function):
        super().__init__()
        self._source, self._function = source, function

    def __len__(self):
        return len(self._source)

    def __getitem__(self, index):
        batch = self._source[index]
        return self._function(*batch) if isinstance(batch, tuple) else self._function(batch)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def on_epoch_end(self):
        self._source.on_epoch_end()


class _TakenDataset(DatasetViews, PyDataset):
    def __init__(self, source, count):
        super().__init__()
        self._source = source
        self._count = len(source) if count < 0 else min(count, len(source))

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if not 0 <= index < self._count:
            raise IndexError(f"batch index {index} out of range for {self._count} batches")
        return self._source[index]

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def on_epoch_end(self):
        self._source.on_epoch_end()
