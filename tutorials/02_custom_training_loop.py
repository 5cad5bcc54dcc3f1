"""Tutorial 02: a custom training loop with GradientTape, an optimizer and metrics.

The same digits classifier as tutorial 01, trained step by step by hand.
Runs offline in a few seconds:  python tutorials/02_custom_training_loop.py
"""

import numpy as np

import keras_like as keras
from keras_like import layers, ops

keras.utils.set_random_seed(7)
(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(64, activation="relu"),
                          layers.Dense(10)])  # logits
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=2e-3)
train_accuracy = keras.metrics.SparseCategoricalAccuracy()
test_accuracy = keras.metrics.SparseCategoricalAccuracy()
mean_loss = keras.metrics.Mean(name="loss")


def train_step(x, y):
    with keras.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_accuracy.update_state(y, logits)
    mean_loss.update_state(loss)


batch_size = 32
for epoch in range(20):
    order = np.random.permutation(len(x_train))
    for start in range(0, len(x_train), batch_size):
        idx = order[start:start + batch_size]
        train_step(x_train[idx], y_train[idx])
    print(f"epoch {epoch + 1:2d}: loss {float(mean_loss.result()):.4f}, "
          f"accuracy {float(train_accuracy.result()):.4f}")
    mean_loss.reset_state()
    train_accuracy.reset_state()

test_accuracy.update_state(y_test, model(x_test, training=False))
result = float(test_accuracy.result())
print(f"test accuracy: {result:.4f}")
assert result >= 0.93, result
print("predictions:", ops.argmax(model(x_test[:6]), axis=-1).numpy(), "true:", y_test[:6])
