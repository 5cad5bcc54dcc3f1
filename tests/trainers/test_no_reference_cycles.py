"""Training steps leave no reference cycles behind.

A cycle holding engine tensors keeps their (native) memory until the cyclic garbage collector's
next full pass, which looked like a leak of ~20 bytes a step: a self-calling closure in
`pack_sequence_as` held every step's gradients. With the collector off, a step must leave
nothing for it to collect.
"""

import gc

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, tree

_RNG = np.random.default_rng(0)
X = _RNG.standard_normal((32, 8)).astype("float32")
Y = _RNG.integers(0, 3, 32)


@pytest.fixture
def collector_off():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def _model():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                              layers.Dropout(0.1), layers.Dense(3)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(X, Y, epochs=1, verbose=0)  # build everything first
    model.train_on_batch(X, Y)
    return model


def test_train_on_batch_leaves_no_cycles(collector_off):
    model = _model()
    gc.collect()
    for _ in range(20):
        model.train_on_batch(X, Y)
    assert gc.collect() == 0


def test_fit_evaluate_predict_leave_no_cycles(collector_off):
    model = _model()
    gc.collect()
    model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    model.evaluate(X, Y, verbose=0)
    model.predict(X, verbose=0)
    assert gc.collect() == 0


def test_pack_sequence_as_and_map_structure_leave_no_cycles(collector_off):
    structure = {"a": [1, (2, 3)], "b": 4}
    for _ in range(10):
        tree.pack_sequence_as(structure, [keras.ops.ones((2,)) for _ in range(4)])
        tree.map_structure(lambda v: keras.ops.ones((2,)), structure)
        tree.map_structure(lambda v, w: v, structure, structure, none_is_leaf=False)
    assert gc.collect() == 0


def test_flatten_with_path_leaves_no_cycles(collector_off):
    for _ in range(10):
        tree.flatten_with_path({"a": [keras.ops.ones((2,)), 2], "b": 3})
    assert gc.collect() == 0
