"""Shared pieces of the legacy-HDF5 tests: fixture paths, the fixture architectures built in
keras_like, models for round trips, and a plain-h5py view of a file (the tests' oracle for what
a file holds, independent of the code under test)."""

import os
import shutil

import h5py
import numpy as np

import keras_like as keras

DATA = os.path.join(os.path.dirname(__file__), "data", "legacy_h5")


def data(name):
    return os.path.join(DATA, name)


def writable_copy(name, tmp_path):
    target = os.path.join(tmp_path, name)
    shutil.copyfile(data(name), target)
    os.chmod(target, 0o644)
    return target


def f1_architecture(names=("hidden", "drop", "probs"), units=(64, 3), name="f1_mlp"):
    """The fixtures' f1 model (see PROVENANCE.txt), freshly initialized."""
    return keras.Sequential([
        keras.Input((20,), name="features"),
        keras.layers.Dense(units[0], activation="relu", name=names[0]),
        keras.layers.Dropout(0.25, name=names[1]),
        keras.layers.Dense(units[1], activation="softmax", name=names[2]),
    ], name=name)


def two_input_model():
    a = keras.Input((6,), name="in_a")
    b = keras.Input((4,), name="in_b")
    x = keras.layers.Dense(6, activation="relu", name="dense_a")(a)
    x = keras.layers.Add(name="residual")([a, x])
    y = keras.layers.Dense(5, name="dense_b")(b)
    x = keras.layers.Concatenate(name="concat")([x, y])
    out = keras.layers.Dense(3, name="out")(x)
    return keras.Model([a, b], out, name="two_inputs")


def nested_model():
    inner_seq = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, name="seq_dense")],
                                 name="inner_seq")
    x_in = keras.Input((4,), name="inner_in")
    inner_fn = keras.Model(x_in, keras.layers.Dense(2, activation="tanh", name="fn_dense")(x_in),
                           name="inner_fn")
    inputs = keras.Input((6,), name="outer_in")
    x = inner_seq(inputs)
    x = inner_fn(x)
    out = keras.layers.Dense(3, name="head")(keras.layers.Concatenate(name="cat")([x, inputs]))
    return keras.Model(inputs, out, name="outer")


def model_inputs(model, batch=5, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [tuple(t.shape[1:]) for t in model.inputs]
    arrays = [rng.standard_normal((batch, *s)).astype("float32") for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def _names(value):
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in value]


def file_weights(path, group="model_weights"):
    """{layer name: [arrays in weight_names order]} read with plain h5py."""
    with h5py.File(path, "r") as f:
        g = f[group] if group else f
        return {layer: [np.asarray(g[layer][w]) for w in _names(g[layer].attrs["weight_names"])]
                for layer in _names(g.attrs["layer_names"])}


def file_optimizer_weights(path):
    with h5py.File(path, "r") as f:
        g = f["optimizer_weights"]
        return [np.asarray(g[w]) for w in _names(g.attrs["weight_names"])]


def h5_layout(path):
    """Every group's attributes (name, string kind, dtype, shape) and every dataset's storage,
    as a sorted list."""
    entries = []

    def attributes(obj):
        result = []
        for key in sorted(obj.attrs):
            aid = h5py.h5a.open(obj.id, key.encode())
            kind = aid.get_type()
            if isinstance(kind, h5py.h5t.TypeStringID):
                text = ("vlen" if kind.is_variable_str() else "fixed",
                        "utf8" if kind.get_cset() == h5py.h5t.CSET_UTF8 else "ascii")
            else:
                text = None
            result.append((key, text, str(aid.dtype), aid.shape))
        return result

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            entries.append((name, "dataset", str(obj.dtype), obj.shape, obj.chunks,
                            obj.compression))
        else:
            entries.append((name, "group", attributes(obj)))

    with h5py.File(path, "r") as f:
        entries.append(("/", "group", attributes(f)))
        f.visititems(visit)
    return sorted(entries, key=lambda e: e[0])
