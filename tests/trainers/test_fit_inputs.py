"""fit / evaluate / predict on every input kind: NumPy arrays, tensors, lists and dicts of
arrays for multi-input models, Python generators and PyDatasets; and the fit options that shape
the epochs (batch_size, steps_per_epoch, initial_epoch, validation_*, shuffle)."""

import math

import numpy as np
import pytest

import keras_like as keras
from keras_like import callbacks, ops


class SumPair(keras.layers.Layer):
    def call(self, inputs):
        return ops.add(inputs[0], inputs[1])


def two_input_model():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    hidden = SumPair()([keras.layers.Dense(4, name="da")(a), keras.layers.Dense(4, name="db")(b)])
    model = keras.Model([a, b], keras.layers.Dense(1, name="out")(hidden))
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


def one_input_model(d=3):
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


def data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random((n, 3), dtype="float32"), rng.random((n, 2), dtype="float32"),
            rng.random((n, 1), dtype="float32"))


class StepCounter(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.train = []  # steps per epoch
        self.test = 0
        self.predict = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.train.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.train[-1] += 1

    def on_test_batch_end(self, batch, logs=None):
        self.test += 1

    def on_predict_batch_end(self, batch, logs=None):
        self.predict += 1


def clone_weights(src, dst):
    dst.set_weights(src.get_weights())
    return dst


def test_list_dict_and_tensor_inputs_train_identically():
    xa, xb, y = data()
    reference = two_input_model()
    initial = reference.get_weights()
    feeds = {
        "list": ([xa, xb], y),
        "dict": ({"a": xa, "b": xb}, y),
        "tensors": ([ops.convert_to_tensor(xa), ops.convert_to_tensor(xb)],
                    ops.convert_to_tensor(y)),
    }
    results = {}
    for name, (x, target) in feeds.items():
        model = two_input_model()
        model.set_weights(initial)
        history = model.fit(x, target, batch_size=4, epochs=2, shuffle=False, verbose=0)
        results[name] = (history.history["loss"], model.get_weights())
    for name in ("dict", "tensors"):
        assert results[name][0] == results["list"][0]
        for a, b in zip(results[name][1], results["list"][1]):
            np.testing.assert_array_equal(a, b)


def test_multi_input_evaluate_and_predict():
    xa, xb, y = data()
    model = two_input_model()
    out = model.predict([xa, xb], batch_size=5, verbose=0)
    assert out.shape == (12, 1)
    np.testing.assert_array_equal(model.predict({"a": xa, "b": xb}, verbose=0), out)
    np.testing.assert_allclose(model.predict_on_batch([xa, xb]), out, rtol=1e-6)
    loss, mae = model.evaluate([xa, xb], y, batch_size=5, verbose=0)
    np.testing.assert_allclose(loss, np.mean((out - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(mae, np.mean(np.abs(out - y)), rtol=1e-5)


def test_python_generator_with_and_without_steps_per_epoch():
    xa, xb, y = data()

    def batches(repeat):
        while True:
            for i in range(3):
                yield (xa[4 * i:4 * i + 4], xb[4 * i:4 * i + 4]), y[4 * i:4 * i + 4]
            if not repeat:
                return

    model = two_input_model()
    counter = StepCounter()
    history = model.fit(batches(repeat=True), steps_per_epoch=2, epochs=3, verbose=0,
                        shuffle=False, callbacks=[counter])
    assert counter.train == [2, 2, 2] and len(history.history["loss"]) == 3
    assert history.params["steps"] == 2
    # A finite generator is one epoch of unknown length; a later epoch finds it empty.
    counter = StepCounter()
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        history = model.fit(batches(repeat=False), epochs=3, verbose=0, shuffle=False,
                            callbacks=[counter])
    assert counter.train == [3] and history.epoch == [0]
    assert history.params["steps"] is None
    loss = model.evaluate(batches(repeat=False), verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(loss, model.evaluate([xa, xb], y, verbose=0)[0], rtol=1e-6)
    assert model.predict(batches(repeat=True), steps=2, verbose=0).shape == (8, 1)


def test_generator_argument_errors():
    xa, _, y = data()

    def gen():
        yield xa, y

    with pytest.raises(ValueError, match="When providing `x` as a generator, `y` should not be "
                                         "passed"):
        one_input_model().fit(gen(), y, verbose=0)
    with pytest.raises(ValueError, match="`class_weight` is not supported for Python generator"):
        one_input_model().fit(gen(), class_weight={0: 1.0}, verbose=0)
    with pytest.raises(ValueError, match="must yield at least one batch"):
        one_input_model().fit(iter(()), shuffle=False, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` is only supported for tensors or "
                                         "NumPy arrays"):
        one_input_model().fit(gen(), validation_split=0.5, verbose=0)
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        one_input_model().fit(gen(), verbose=0)


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return math.ceil(len(self.y) / self.batch_size)

    def __getitem__(self, index):
        s = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


@pytest.mark.parametrize("workers", [1, 2])
def test_py_dataset_fit_evaluate_predict(workers):
    xa, _, y = data()
    dataset = Batches(xa, y, batch_size=5, workers=workers)
    model = one_input_model()
    counter = StepCounter()
    history = model.fit(dataset, epochs=2, validation_data=Batches(xa, y, 4), verbose=0,
                        shuffle=False, callbacks=[counter])
    assert counter.train == [3, 3] and counter.test == 6
    assert dataset.epochs_ended == 2
    assert history.params["steps"] == 3
    expected = model.evaluate(xa, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(history.history["val_loss"][-1], expected["loss"], rtol=1e-6)
    np.testing.assert_allclose(model.evaluate(dataset, verbose=0)[0], expected["loss"],
                               rtol=1e-6)
    np.testing.assert_array_equal(model.predict(dataset, verbose=0),
                                  model.predict(xa, verbose=0))


def test_py_dataset_with_class_weight_and_argument_errors():
    xa, _, y = data()
    labels = (y > 0.5).astype("float32")
    model = one_input_model()
    model.fit(Batches(xa, labels, 4), class_weight={0: 1.0, 1: 2.0}, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="When providing `x` as a PyDataset, `y` should not be "
                                         "passed"):
        model.fit(Batches(xa, y, 4), y, verbose=0)


def test_batch_size_sets_the_number_of_steps():
    xa, _, y = data(n=10)
    model = one_input_model()
    for batch_size, steps in ((None, 1), (3, 4), (10, 1), (1, 10)):
        counter = StepCounter()
        history = model.fit(xa, y, batch_size=batch_size, epochs=1, verbose=0,
                            callbacks=[counter])
        assert counter.train == [steps] and history.params["steps"] == steps
    counter = StepCounter()
    model.evaluate(xa, y, batch_size=4, verbose=0, callbacks=[counter])
    model.predict(xa, batch_size=3, verbose=0, callbacks=[counter])
    assert counter.test == 3 and counter.predict == 4


def test_steps_per_epoch_with_arrays_continues_across_epochs():
    xa, _, y = data(n=12)
    counter = StepCounter()
    # 3 batches per pass, 2 steps per epoch: the second epoch gets the remaining batch.
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        one_input_model().fit(xa, y, batch_size=4, steps_per_epoch=2, epochs=3, verbose=0,
                              callbacks=[counter])
    assert counter.train == [2, 1, 2]
    # Without batch_size, steps_per_epoch sets it: ceil(12 / 4) = 3 samples per batch.
    counter = StepCounter()
    history = one_input_model().fit(xa, y, steps_per_epoch=4, epochs=2, verbose=0,
                                    callbacks=[counter])
    assert counter.train == [4, 4] and history.params["steps"] == 4


def test_initial_epoch_and_validation_freq():
    xa, _, y = data()
    model = one_input_model()
    history = model.fit(xa, y, epochs=4, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3]
    counter = StepCounter()
    history = model.fit(xa, y, epochs=4, validation_split=0.25, validation_freq=2,
                        verbose=0, callbacks=[counter])
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    assert counter.test == 2
    history = model.fit(xa, y, epochs=3, validation_data=(xa, y), validation_freq=[1, 3],
                        verbose=0)
    assert len(history.history["val_mae"]) == 2
    with pytest.raises(ValueError, match="Expected `validation_freq` to be a list or int"):
        model.fit(xa, y, epochs=1, validation_data=(xa, y), validation_freq="2", verbose=0)


def test_validation_split_takes_the_last_samples():
    xa, _, y = data(n=10)
    model = one_input_model()
    history = model.fit(xa, y, epochs=2, batch_size=4, validation_split=0.3, verbose=0)
    val = model.evaluate(xa[7:], y[7:], verbose=0, return_dict=True)
    assert history.history["val_loss"][-1] == val["loss"]
    assert history.history["val_mae"][-1] == val["mae"]
    assert history.params["steps"] == 2  # 7 training samples in batches of 4
    with pytest.raises(ValueError, match="Training data contains 10 samples, which is not "
                                         "sufficient to split it"):
        model.fit(xa, y, validation_split=0.99, verbose=0)


def test_validation_data_two_and_three_tuples_and_steps():
    xa, _, y = data(n=12)
    weights = np.linspace(0.0, 2.0, 12).astype("float32")
    model = one_input_model()
    history = model.fit(xa, y, epochs=1, validation_data=(xa, y, weights), verbose=0)
    pred = model.predict(xa, verbose=0)
    # Losses reduce over the batch size, so weights scale but do not renormalize.
    expected = np.sum(weights * np.mean((pred - y) ** 2, axis=-1)) / 12
    np.testing.assert_allclose(history.history["val_loss"][0], expected, rtol=1e-5)
    counter = StepCounter()
    history = model.fit(xa, y, epochs=1, validation_data=[xa, y], validation_batch_size=2,
                        validation_steps=3, verbose=0, callbacks=[counter])
    assert counter.test == 3
    np.testing.assert_allclose(history.history["val_loss"][0],
                               model.evaluate(xa[:6], y[:6], verbose=0)[0], rtol=1e-6)


def test_shuffle_false_true_and_batch():
    xa, _, y = data(n=16)
    initial = one_input_model()
    runs = {}
    for shuffle in (False, True, "batch"):
        model = clone_weights(initial, one_input_model())
        keras.utils.set_random_seed(1)
        model.fit(xa, y, batch_size=4, epochs=1, shuffle=shuffle, verbose=0)
        runs[shuffle] = model.get_weights()[0]
    # Shuffling the samples changes the batches and so the SGD path; "batch" only shuffles
    # within each batch, which leaves every batch gradient (a sum) unchanged.
    assert not np.allclose(runs[False], runs[True])
    np.testing.assert_allclose(runs["batch"], runs[False], rtol=1e-5)
    # Unshuffled training is deterministic.
    model = clone_weights(initial, one_input_model())
    model.fit(xa, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0], runs[False])


def test_float64_and_integer_inputs():
    xa, _, y = data()
    model = one_input_model()
    history = model.fit(xa.astype("float64"), y.astype("float64"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.predict(xa.astype("float64"), verbose=0).dtype == np.float32
    labels = (y[:, 0] > 0.5).astype("int64")
    clf = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    clf.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = clf.fit(xa, labels, epochs=1, verbose=0)
    assert list(history.history) == ["accuracy", "loss"]
