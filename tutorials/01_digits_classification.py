"""Tutorial 01: a few-line Keras model on the bundled handwritten digits.

Sequential model, fit with validation, evaluate on held-out data, predict.
Runs offline in a few seconds:  python tutorials/01_digits_classification.py
"""

import numpy as np

import keras_like as keras
from keras_like import layers

keras.utils.set_random_seed(42)

# 1797 8x8 images (UCI digits, bundled): 1437 for training, 360 for testing.
(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
print("train", x_train.shape, "test", x_test.shape)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.summary()

model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=25, validation_split=0.15,
                    verbose=2)
print("final validation accuracy", round(history.history["val_accuracy"][-1], 4))

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy: {test_accuracy:.4f}")
assert test_accuracy >= 0.95, test_accuracy

probabilities = model.predict(x_test[:5], verbose=0)
print("predicted", np.argmax(probabilities, axis=-1), "true", y_test[:5])
