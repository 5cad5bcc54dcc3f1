"""Sparse cross-entropy refuses labels outside [0, num_classes), as Keras on TensorFlow does."""

import numpy as np
import pytest

import keras_like as keras

PROBS = np.array([[0.7, 0.2, 0.1, 0.0], [0.1, 0.6, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]],
                 "float32")


def message(value, classes=4):
    return (rf"Loss `sparse_categorical_crossentropy` received a label value of {value}, which "
            rf"is outside the valid range of \[0, {classes}\) for `y_pred` with {classes} "
            "classes")


@pytest.mark.parametrize("labels, first_bad", [
    ([0, 4, 1], 4), ([0, 1, -1], -1), ([2**32, 0, 1], 2**32), ([[0], [9], [1]], 9),
])
def test_function_refuses_out_of_range_labels(labels, first_bad):
    with pytest.raises(ValueError, match=message(first_bad)):
        keras.losses.sparse_categorical_crossentropy(np.array(labels), PROBS)


def test_loss_class_and_metric_refuse_them_too():
    labels = np.array([0, 1, 7])
    with pytest.raises(ValueError, match=message(7)):
        keras.losses.SparseCategoricalCrossentropy()(labels, PROBS)
    with pytest.raises(ValueError, match=message(7)):
        keras.metrics.SparseCategoricalCrossentropy().update_state(labels, PROBS)


def test_message_lists_the_out_of_range_labels():
    with pytest.raises(ValueError, match=r"Received out-of-range labels: \[5, -2\]"):
        keras.losses.sparse_categorical_crossentropy(np.array([5, 1, -2]), PROBS)


def test_the_ignored_class_may_lie_outside_the_range():
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    expected = -np.log(PROBS[0, 0])
    np.testing.assert_allclose(float(loss(np.array([0, -1, -1]), PROBS)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match=message(4)):
        loss(np.array([0, -1, 4]), PROBS)


def test_valid_labels_keep_their_values():
    labels = np.array([0, 1, 3])
    got = keras.losses.sparse_categorical_crossentropy(labels, PROBS).numpy()
    clipped = np.clip(PROBS, 1e-7, 1 - 1e-7)
    np.testing.assert_allclose(got, -np.log(clipped[np.arange(3), labels]), rtol=1e-5)
    float_labels = labels.astype("float32")  # Keras accepts float-typed class indices
    np.testing.assert_allclose(
        keras.losses.sparse_categorical_crossentropy(float_labels, PROBS).numpy(), got)


def test_fit_stops_before_a_step_with_a_bad_label_changes_the_weights():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    weights = model.get_weights()
    x = np.ones((6, 3), "float32")
    with pytest.raises(ValueError, match=message(4)):
        model.fit(x, np.array([0, 1, 2, 3, 4, 0]), batch_size=6, verbose=0)
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
