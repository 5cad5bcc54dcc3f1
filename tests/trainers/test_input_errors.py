"""fit / evaluate / predict refuse bad batch sizes, split fractions and empty data up front."""

import numpy as np
import pytest

import keras_like as keras


@pytest.fixture
def model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


X = np.ones((8, 4), "float32")
Y = np.ones((8, 2), "float32")


@pytest.mark.parametrize("batch_size", [0, -1, -32, 2.0, True, "8"])
def test_fit_evaluate_predict_refuse_a_batch_size_that_is_not_a_positive_int(model, batch_size):
    expected = rf"`batch_size`\. Expected a positive integer\. Received: batch_size={batch_size!r}"
    with pytest.raises(ValueError, match=expected):
        model.fit(X, Y, batch_size=batch_size, verbose=0)
    with pytest.raises(ValueError, match=expected):
        model.evaluate(X, Y, batch_size=batch_size, verbose=0)
    with pytest.raises(ValueError, match=expected):
        model.predict(X, batch_size=batch_size, verbose=0)


def test_fit_refuses_a_bad_validation_batch_size(model):
    with pytest.raises(ValueError, match="validation_batch_size=0"):
        model.fit(X, Y, validation_split=0.25, validation_batch_size=0, verbose=0)


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5, float("nan"), "0.2"])
def test_fit_refuses_a_validation_split_outside_zero_one(model, split):
    weights = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"`validation_split`\. Expected a float in \[0, 1\)\. "
                                         rf"Received: validation_split={split!r}"):
        model.fit(X, Y, validation_split=split, verbose=0)
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)  # refused before any step ran


def test_valid_arguments_still_train(model):
    history = model.fit(X, Y, batch_size=np.int64(4), validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "val_loss"}


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_zero_samples_are_refused_with_the_method_and_shapes(model, method):
    x, y = np.zeros((0, 4), "float32"), np.zeros((0, 2), "float32")
    call = {"fit": lambda: model.fit(x, y, verbose=0),
            "evaluate": lambda: model.evaluate(x, y, verbose=0),
            "predict": lambda: model.predict(x, verbose=0)}[method]
    with pytest.raises(ValueError, match=rf"`{method}` received empty data: the input arrays "
                                         r"hold 0 samples \(shapes \(0, 4\)"):
        call()


def test_predict_on_a_dataset_without_batches_says_so_without_tf_advice(model):
    class Empty(keras.utils.PyDataset):
        def __len__(self):
            return 0

        def __getitem__(self, index):
            raise IndexError(index)

    with pytest.raises(ValueError) as excinfo:
        model.predict(Empty(), verbose=0)
    message = str(excinfo.value)
    assert "`predict` got no batches" in message
    assert "tf." not in message and "tf.keras" not in message
