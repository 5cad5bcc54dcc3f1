"""Train, evaluate, predict, save and reload a small classifier on the bundled digits data.

    python -m keras_like.examples.digits
"""

import os
import tempfile

import numpy as np

import keras_like as keras
from keras_like import layers


def build_model():
    return keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ], name="digits_mlp")


def main():
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=30, batch_size=32, validation_split=0.1, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    predictions = model.predict(x_test[:8], verbose=0).argmax(axis=-1)
    print(f"predicted {predictions.tolist()}, true {y_test[:8].tolist()}")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "digits.keras")
        model.save(path)
        restored = keras.models.load_model(path)
    same = np.array_equal(restored.predict(x_test, verbose=0), model.predict(x_test, verbose=0))
    print(f"saved to digits.keras and reloaded: identical predictions: {same}")
    restored_loss, _ = restored.evaluate(x_test, y_test, verbose=0)
    print(f"reloaded model (compiled from the file) test loss {restored_loss:.4f}")
    if accuracy < 0.95 or not same:
        raise SystemExit("the digits model did not reach 95% test accuracy")


if __name__ == "__main__":
    main()
