"""Writes the real-Keras oracle for keras_like's Discretization and timeseries dataset tests.

Run with real Keras 3.15 (no TensorFlow or Grain needed):

    KERAS_BACKEND=jax /work/venv-interop/bin/python tests/data/make_discretization_fixtures.py

Keras's `Discretization.adapt` only touches TensorFlow for an `isinstance(data,
tf.data.Dataset)` check, and `timeseries_dataset_from_array(format="grain")` only uses Grain
to hold and batch the windows it has already computed. Both get tiny list-based stand-ins
below, so every boundary, window and target is computed by Keras's own code.
Writes discretization_fixtures.npz and timeseries_fixtures.npz (+ .json case lists) here.
"""

import json
import os
import types

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _install_stand_ins():
    """Replaces the lazy `tf` / `grain` references of just the two Keras modules used."""
    from keras.src.layers.preprocessing import discretization
    from keras.src.utils import timeseries_dataset_utils

    discretization.tf = types.SimpleNamespace(
        data=types.SimpleNamespace(Dataset=type("Dataset", (), {})), is_tensor=lambda x: False)

    class ListDataset:
        def __init__(self, items):
            self.items = list(items)

        @staticmethod
        def source(items):
            return ListDataset(items)

        def to_iter_dataset(self):
            return self

        def batch(self, batch_size, batch_fn):
            return ListDataset(batch_fn(self.items[i:i + batch_size])
                               for i in range(0, len(self.items), batch_size))

    timeseries_dataset_utils.grain = types.SimpleNamespace(
        MapDataset=ListDataset,
        experimental=types.SimpleNamespace(
            ZipMapDataset=lambda parts: ListDataset(zip(*(p.items for p in parts)))))


_install_stand_ins()

RNG = np.random.RandomState(1234)
DOC_INPUT = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])

# name -> (layer kwargs, input). Inputs sit on, between and beyond the boundaries.
FIXED_CASES = {
    "doc": ({"bin_boundaries": [0.0, 1.0, 2.0]}, DOC_INPUT),
    "ties": ({"bin_boundaries": [-1.0, 0.0, 0.0, 2.5]},
             np.array([[-2.0, -1.0, -0.5, 0.0], [0.1, 2.5, 2.6, 9.0]])),
    "column": ({"bin_boundaries": [0.0, 1.0]}, np.array([[-1.0], [0.5], [1.0]])),
    "vector": ({"bin_boundaries": [0.0, 1.0]}, np.array([-1.0, 0.5, 1.0, 0.2])),
    "int_input": ({"bin_boundaries": [1.0, 3.0]}, np.array([[0, 1, 2], [3, 4, 1]])),
    "rank3": ({"bin_boundaries": [-0.5, 0.0, 0.5]}, RNG.uniform(-1, 1, (2, 3, 4))),
}
MODES = ("int", "one_hot", "multi_hot", "count")

NORMAL = RNG.normal(size=(500, 2))
# name -> (layer kwargs, adapt data as a list of arrays (batches) or an array, adapt steps)
ADAPT_CASES = {
    "doc": ({"num_bins": 4, "epsilon": 0.01}, DOC_INPUT, None),
    "arange": ({"num_bins": 4}, np.arange(10.0), None),
    "one_bin": ({"num_bins": 1}, np.arange(10.0), None),
    "normal_5": ({"num_bins": 5}, NORMAL, None),
    "normal_coarse": ({"num_bins": 3, "epsilon": 0.1}, NORMAL, None),
    "normal_fine": ({"num_bins": 7, "epsilon": 0.001}, NORMAL, None),
    "batches": ({"num_bins": 5, "epsilon": 0.05}, [NORMAL[:200], NORMAL[200:350], NORMAL[350:]],
                None),
    "batches_steps": ({"num_bins": 4}, [NORMAL[:100], NORMAL[100:300], NORMAL[300:]], 2),
    "skewed": ({"num_bins": 6}, RNG.exponential(size=(300,)) ** 3, None),
}

DATA = np.arange(60, dtype="float64").reshape(30, 2) + 0.25
TARGETS = np.arange(30) * 10
# name -> kwargs for timeseries_dataset_from_array(DATA, targets, ...)
TIMESERIES_CASES = {
    "basic": {"sequence_length": 5},
    "stride": {"sequence_length": 4, "sequence_stride": 3, "batch_size": 4},
    "sampling": {"sequence_length": 3, "sampling_rate": 2, "batch_size": 5},
    "start_end": {"sequence_length": 4, "start_index": 3, "end_index": 20, "batch_size": 3},
    "everything": {"sequence_length": 3, "sequence_stride": 2, "sampling_rate": 3,
                   "start_index": 2, "end_index": 27, "batch_size": 2},
    "unbatched": {"sequence_length": 6, "sequence_stride": 5, "batch_size": None},
    "no_targets": {"sequence_length": 7, "sequence_stride": 4, "batch_size": 3,
                   "targets": None},
    "short_targets": {"sequence_length": 2, "batch_size": 4, "targets": TARGETS[:9]},
    "vector_data": {"sequence_length": 5, "sequence_stride": 2, "batch_size": 6,
                    "data": np.arange(40.0)},
}


def discretization_fixtures():
    arrays, cases = {}, {"fixed": {}, "adapt": {}}
    for name, (kwargs, x) in FIXED_CASES.items():
        arrays[f"fixed/{name}/input"] = x
        for mode in MODES:
            layer = keras.layers.Discretization(**kwargs, output_mode=mode)
            arrays[f"fixed/{name}/{mode}"] = keras.ops.convert_to_numpy(layer(x))
        cases["fixed"][name] = kwargs
    for name, (kwargs, data, steps) in ADAPT_CASES.items():
        layer = keras.layers.Discretization(**kwargs)
        layer.adapt(data, steps=steps)
        for i, batch in enumerate(data if isinstance(data, list) else [data]):
            arrays[f"adapt/{name}/data/{i}"] = batch
        arrays[f"adapt/{name}/boundaries"] = np.asarray(layer.bin_boundaries, "float64")
        arrays[f"adapt/{name}/output"] = keras.ops.convert_to_numpy(layer(DOC_INPUT))
        cases["adapt"][name] = {"kwargs": kwargs, "batched": isinstance(data, list),
                                "steps": steps, "config": layer.get_config()}
    cases["output_shapes"] = [
        {"kwargs": kwargs, "input_shape": shape,
         "output_shape": keras.layers.Discretization(**kwargs).compute_output_shape(shape)}
        for kwargs in ({"bin_boundaries": [0.0, 1.0]}, {"num_bins": 5})
        for kwargs in ({**kwargs, "output_mode": mode} for mode in MODES)
        for shape in ((None, 3), (None, 1), (None, 3, 4), (None, 3, 1), (7,))]
    return arrays, cases


def timeseries_fixtures():
    arrays, cases = {}, {}
    for name, kwargs in TIMESERIES_CASES.items():
        kwargs = dict(kwargs)
        data = kwargs.pop("data", DATA)
        targets = kwargs.pop("targets", TARGETS)
        arrays[f"{name}/data"] = data
        if targets is not None:
            arrays[f"{name}/targets"] = targets
        dataset = keras.utils.timeseries_dataset_from_array(data, targets, format="grain",
                                                            **kwargs)
        batches = list(dataset.items)
        for i, batch in enumerate(batches):
            inputs, batch_targets = batch if targets is not None else (batch, None)
            arrays[f"{name}/batch{i}/inputs"] = np.asarray(inputs)
            if batch_targets is not None:
                arrays[f"{name}/batch{i}/targets"] = np.asarray(batch_targets)
        cases[name] = {"kwargs": kwargs, "has_targets": targets is not None,
                       "num_batches": len(batches)}
    return arrays, cases


def main():
    for stem, (arrays, cases) in (("discretization", discretization_fixtures()),
                                  ("timeseries", timeseries_fixtures())):
        np.savez(os.path.join(HERE, f"{stem}_fixtures.npz"), **arrays)
        with open(os.path.join(HERE, f"{stem}_fixtures.json"), "w") as f:
            json.dump({"keras_version": keras.__version__, "cases": cases}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
