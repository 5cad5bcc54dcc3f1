"""A training step never reads the device: per-step values stay tensors (graph-capture ready).

`_engine.host_read_count()` counts every read of tensor memory by the host (numpy(), float(t),
printing). Fitting 4 or 24 steps must read the same number of times: only the epoch-end logs.
"""

import numpy as np
import pytest

import keras_like as keras
from keras_like import _engine, layers

_RNG = np.random.default_rng(0)
X = _RNG.standard_normal((96, 8)).astype("float32")
Y = _RNG.integers(0, 3, 96)

OPTIMIZERS = {
    "sgd_momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: keras.optimizers.Adam(1e-3, weight_decay=0.01),
    "adam_clipnorm": lambda: keras.optimizers.Adam(1e-3, clipnorm=0.5),
    "adamw_global_clipnorm": lambda: keras.optimizers.AdamW(1e-3, global_clipnorm=1.0),
    "rmsprop_centered": lambda: keras.optimizers.RMSprop(1e-3, momentum=0.5, centered=True),
    "adagrad": lambda: keras.optimizers.Adagrad(0.01),
    "adamax": lambda: keras.optimizers.Adamax(1e-3),
    "nadam": lambda: keras.optimizers.Nadam(1e-3),
    "lion": lambda: keras.optimizers.Lion(1e-4),
    "adadelta": lambda: keras.optimizers.Adadelta(1.0),
    "ftrl": lambda: keras.optimizers.Ftrl(0.01),
    "adafactor": lambda: keras.optimizers.Adafactor(0.01),
    "schedule": lambda: keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=3, decay_rate=0.5)),
}


def _model(optimizer):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                              layers.Dense(3)])
    model.compile(optimizer=optimizer,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _reads_for_fit(make_optimizer, steps):
    model = _model(make_optimizer())
    model.fit(X[:8], Y[:8], batch_size=8, epochs=1, verbose=0)  # build, first-step work
    before = _engine.host_read_count()
    model.fit(X[: 4 * steps], Y[: 4 * steps], batch_size=4, epochs=1, verbose=0, shuffle=False)
    return _engine.host_read_count() - before


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fit_reads_the_device_only_for_epoch_logs(name):
    short = _reads_for_fit(OPTIMIZERS[name], steps=4)
    long = _reads_for_fit(OPTIMIZERS[name], steps=24)
    assert long == short, f"{long - short} host reads in 20 extra training steps"


def test_train_step_itself_reads_nothing():
    model = _model(keras.optimizers.Adam(1e-3))
    model.train_on_batch(X[:8], Y[:8])
    x, y = keras.ops.convert_to_tensor(X[:8]), keras.ops.convert_to_tensor(Y[:8])
    before = _engine.host_read_count()
    for _ in range(5):
        model.train_step((x, y))
    assert _engine.host_read_count() == before


def test_host_read_counter_counts_reads():
    t = keras.ops.ones((3,))
    before = _engine.host_read_count()
    t.numpy()
    float(keras.ops.sum(t))
    assert _engine.host_read_count() - before == 2
