"""`timeseries_dataset_from_array`: sliding windows over a timeseries, as batches.

Keras returns a `tf.data.Dataset`; keras_like returns a `PyDataset` (like
`image_dataset_from_directory`) that `fit`, `evaluate` and `predict` take directly and that
iterates as `for inputs, targets in dataset`. Windows are gathered from `data` when a batch
is requested, so the windows never exist all at once in memory.
"""

import math

import numpy as np

from keras_like.utils.py_dataset import PyDataset


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None, format="tf"):
    """Creates a dataset of sliding windows over a timeseries provided as an array.

    Window `i` holds the timesteps `s, s + sampling_rate, ..., s + (sequence_length - 1) *
    sampling_rate` with `s = start_index + i * sequence_stride`; its target is
    `targets[s]` (pass targets shifted by the horizon you want to predict).

    Args:
        data: Array (or list) of timesteps; axis 0 is time.
        targets: Targets for the windows (`targets[s]` for the window starting at `s`), or
            None to yield the windows alone.
        sequence_length: Number of timesteps in each window.
        sequence_stride: Distance between the starts of successive windows.
        sampling_rate: Distance between the timesteps inside a window.
        batch_size: Windows per batch (the last batch may be smaller); None yields single
            windows.
        shuffle: Whether to shuffle the windows. The start positions are permuted with
            `np.random.RandomState(seed)` exactly as Keras does; after every `fit` epoch
            (`on_epoch_end`) they are permuted again by the same seeded generator.
        seed: Random seed for shuffling.
        start_index: First timestep of `data` windows may use (default 0).
        end_index: Timestep of `data` before which windows must end (default `len(data)`).
        format: `"tf"` or `"grain"`, accepted for Keras compatibility; both give the same
            `PyDataset` here.

    Returns:
        A `TimeseriesDataset` (a `keras_like.utils.PyDataset`) of `(inputs, targets)` batches
        (`inputs` alone when `targets` is None) as NumPy arrays; inputs have the shape
        `(batch_size, sequence_length, *data.shape[1:])`.

    Example:
    >>> data = np.arange(10)
    >>> dataset = timeseries_dataset_from_array(data[:-3], data[3:], sequence_length=3)
    >>> inputs, targets = dataset[0]
    >>> inputs[0].tolist(), targets[0].tolist()
    ([0, 1, 2], 3)
    """
    _check_arguments(len(data), sequence_stride, sampling_rate, start_index, end_index, format)
    start_index = 0 if start_index is None else start_index
    end_index = len(data) if end_index is None else end_index
    num_windows = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_windows = min(num_windows, len(targets))
    start_positions = np.arange(0, num_windows, sequence_stride, dtype="int64")
    rng = None
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        rng = np.random.RandomState(seed)
        rng.shuffle(start_positions)
    return TimeseriesDataset(data, targets, start_positions + start_index, sequence_length,
                             sampling_rate, batch_size, rng)


def _check_arguments(length, sequence_stride, sampling_rate, start_index, end_index, format):
    """Keras's checks, in Keras's order (a zero start or end index is not checked)."""
    if start_index:
        if start_index < 0:
            raise ValueError(
                f"`start_index` must be 0 or greater. Received: start_index={start_index}"
            )
        if start_index >= length:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {length}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= length:
            raise ValueError(
                "`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {length}"
            )
        if end_index <= 0:
            raise ValueError(
                f"`end_index` must be higher than 0. Received: end_index={end_index}"
            )
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= length:
            raise ValueError(
                f"`{name}` must be lower than the length of the data. Received: "
                f"{name}={value}, for data of length {length}"
            )
    if format not in ("tf", "grain"):
        raise ValueError(
            f'`format` should be either "tf" or "grain". Received: format={format}'
        )


class TimeseriesDataset(PyDataset):
    """Batches of windows gathered on request (see `timeseries_dataset_from_array`)."""

    def __init__(self, data, targets, window_starts, sequence_length, sampling_rate,
                 batch_size, rng=None):
        super().__init__()
        self._data = data if isinstance(data, np.ndarray) else np.asarray(data)
        self._targets = None if targets is None else np.asarray(targets)
        # Absolute timesteps: window s reads data[s + offsets] and has the target targets[s].
        self._window_starts = window_starts
        self._offsets = np.arange(sequence_length, dtype="int64") * sampling_rate
        self._batch_size = batch_size
        self._rng = rng

    def __len__(self):
        if self._batch_size is None:
            return len(self._window_starts)
        return math.ceil(len(self._window_starts) / self._batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        if self._batch_size is None:
            starts = self._window_starts[index:index + 1]
        else:
            starts = self._window_starts[index * self._batch_size:(index + 1) * self._batch_size]
        inputs = self._data[starts[:, None] + self._offsets]
        if self._batch_size is None:
            inputs = inputs[0]
        if self._targets is None:
            return inputs
        targets = self._targets[starts]
        return inputs, (targets[0] if self._batch_size is None else targets)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def on_epoch_end(self):
        # tf.data reshuffles every pass; the seeded generator keeps the orders reproducible.
        if self._rng is not None:
            self._rng.shuffle(self._window_starts)
