"""timeseries_dataset_from_array against windows and targets written by real Keras 3.15.

The oracle (tests/data/timeseries_fixtures.*) comes from
tests/data/make_discretization_fixtures.py; rerun it with real Keras to refresh it.
"""

import json
import os

import numpy as np
import pytest

import keras_like as keras
from keras_like.utils import PyDataset, timeseries_dataset_from_array

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
FIXTURES = np.load(os.path.join(DATA_DIR, "timeseries_fixtures.npz"))
with open(os.path.join(DATA_DIR, "timeseries_fixtures.json")) as f:
    CASES = json.load(f)["cases"]


def _dataset(name, **overrides):
    case = CASES[name]
    targets = FIXTURES[f"{name}/targets"] if case["has_targets"] else None
    return timeseries_dataset_from_array(FIXTURES[f"{name}/data"], targets,
                                         **{**case["kwargs"], **overrides})


@pytest.mark.parametrize("name", sorted(CASES))
def test_windows_and_targets_match_keras(name):
    case = CASES[name]
    dataset = _dataset(name)
    assert isinstance(dataset, PyDataset)
    assert len(dataset) == case["num_batches"]
    for epoch in range(2):  # a second pass gives the same batches
        batches = list(dataset)
        assert len(batches) == case["num_batches"], epoch
        for i, batch in enumerate(batches):
            inputs, targets = batch if case["has_targets"] else (batch, None)
            expected = FIXTURES[f"{name}/batch{i}/inputs"]
            assert inputs.dtype == FIXTURES[f"{name}/data"].dtype
            np.testing.assert_array_equal(inputs, expected)
            if case["has_targets"]:
                np.testing.assert_array_equal(targets, FIXTURES[f"{name}/batch{i}/targets"])


def _all_windows(dataset):
    inputs, targets = zip(*dataset)
    return np.concatenate(inputs), np.concatenate(targets)


def test_shuffle_is_seeded_and_keeps_every_window():
    data, targets = np.arange(50.0)[:, None], np.arange(50) * 10
    kwargs = {"sequence_length": 4, "sequence_stride": 2, "batch_size": 5}
    ordered_inputs, ordered_targets = _all_windows(
        timeseries_dataset_from_array(data, targets, **kwargs))
    first = timeseries_dataset_from_array(data, targets, shuffle=True, seed=7, **kwargs)
    inputs, shuffled_targets = _all_windows(first)
    # Keras's first step: the window starts permuted by np.random.RandomState(seed).
    starts = np.arange(0, 47, 2)
    np.random.RandomState(7).shuffle(starts)
    np.testing.assert_array_equal(shuffled_targets, starts * 10)
    np.testing.assert_array_equal(inputs[:, 0, 0], starts)
    order = np.argsort(shuffled_targets)
    np.testing.assert_array_equal(inputs[order], ordered_inputs)
    np.testing.assert_array_equal(shuffled_targets[order], ordered_targets)
    # The same seed gives the same orders, epoch after epoch (reshuffled at each epoch end).
    second = timeseries_dataset_from_array(data, targets, shuffle=True, seed=7, **kwargs)
    for _ in range(2):
        a, b = _all_windows(first)[1], _all_windows(second)[1]
        np.testing.assert_array_equal(a, b)
        first.on_epoch_end()
        second.on_epoch_end()
    assert not np.array_equal(_all_windows(first)[1], shuffled_targets)
    np.testing.assert_array_equal(np.sort(_all_windows(first)[1]), ordered_targets)


def test_unbatched_dataset_yields_single_windows():
    dataset = _dataset("unbatched")
    inputs, target = dataset[0]
    assert inputs.shape == (6, 2) and np.ndim(target) == 0
    with pytest.raises(IndexError):
        dataset[len(dataset)]


def test_fit_and_predict_on_a_timeseries_dataset():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(80, 2)).astype("float32")
    sequence_length = 4
    # Predict the next value of the first feature from the previous 4 timesteps.
    dataset = timeseries_dataset_from_array(series[:-sequence_length],
                                            series[sequence_length:, :1],
                                            sequence_length=sequence_length, batch_size=16,
                                            shuffle=True, seed=3)
    model = keras.Sequential([keras.layers.Input(shape=(sequence_length, 2)),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.all(np.isfinite(history.history["loss"]))
    inputs_only = timeseries_dataset_from_array(series, None, sequence_length=sequence_length,
                                                batch_size=16)
    predictions = model.predict(inputs_only, verbose=0)
    assert predictions.shape == (80 - sequence_length + 1, 1)
    assert np.isfinite(model.evaluate(dataset, verbose=0))


def test_public_paths():
    assert keras.utils.timeseries_dataset_from_array is timeseries_dataset_from_array
    assert keras.preprocessing.timeseries_dataset_from_array is timeseries_dataset_from_array


DATA = np.zeros((10, 2))


@pytest.mark.parametrize("kwargs,message", [
    ({"start_index": -1}, "`start_index` must be 0 or greater. Received: start_index=-1"),
    ({"start_index": 10}, "`start_index` must be lower than the length of the data. "
                          "Received: start_index=10, for data of length 10"),
    ({"start_index": 5, "end_index": 5}, "`end_index` must be higher than `start_index`. "
                                         "Received: start_index=5, and end_index=5"),
    ({"end_index": 10}, "`end_index` must be lower than the length of the data. Received: "
                        "end_index=10, for data of length 10"),
    ({"end_index": -2}, "`end_index` must be higher than 0. Received: end_index=-2"),
    ({"sampling_rate": 0}, "`sampling_rate` must be higher than 0. Received: sampling_rate=0"),
    ({"sampling_rate": 10}, "`sampling_rate` must be lower than the length of the data. "
                            "Received: sampling_rate=10, for data of length 10"),
    ({"sequence_stride": -1}, "`sequence_stride` must be higher than 0. Received: "
                              "sequence_stride=-1"),
    ({"sequence_stride": 12}, "`sequence_stride` must be lower than the length of the data. "
                              "Received: sequence_stride=12, for data of length 10"),
    ({"format": "torch"}, '`format` should be either "tf" or "grain". Received: '
                          "format=torch"),
])
def test_bad_arguments_raise_keras_errors(kwargs, message):
    with pytest.raises(ValueError) as info:
        timeseries_dataset_from_array(DATA, None, sequence_length=2, **kwargs)
    assert message in str(info.value)


def test_too_long_windows_give_an_empty_dataset():
    # As in Keras: no argument error, just no windows.
    dataset = timeseries_dataset_from_array(DATA, None, sequence_length=20)
    assert len(dataset) == 0 and list(dataset) == []
