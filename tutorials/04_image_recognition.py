"""Tutorial 04: image recognition with a small convolutional network.

The bundled handwritten digits (8x8 grey images) are classified by a CNN with data
augmentation (random shifts, active only while training), BatchNormalization, pooling and
dropout. The script prints the test accuracy and a confusion matrix, and, when matplotlib is
installed, saves a picture of the misclassified digits.
Runs offline in well under a minute:  python tutorials/04_image_recognition.py
"""

import os
import tempfile

import numpy as np

import keras_like as keras
from keras_like import layers

keras.utils.set_random_seed(5)
(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
# Images become (8, 8, 1): height, width and one grey channel, scaled to [0, 1].
x_train = x_train.reshape(-1, 8, 8, 1).astype("float32") / 16.0
x_test = x_test.reshape(-1, 8, 8, 1).astype("float32") / 16.0

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=1),
    layers.Conv2D(32, 3, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Conv2D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(64, 3, padding="same", activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dropout(0.3),
    layers.Dense(10, activation="softmax"),
], name="digits_cnn")
model.summary()
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=40, batch_size=64, validation_split=0.1, verbose=2)

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
predicted = model.predict(x_test, verbose=0).argmax(axis=-1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
print("confusion matrix (rows: true digit, columns: predicted digit)")
print("     " + " ".join(f"{d:3d}" for d in range(10)))
for digit, row in enumerate(confusion):
    print(f"{digit:3d}: " + " ".join(f"{n:3d}" for n in row))

wrong = np.flatnonzero(predicted != y_test)
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print(f"{len(wrong)} misclassified digits (install matplotlib to see them)")
else:
    shown = wrong[:16]
    figure, axes = plt.subplots(1, max(len(shown), 1), figsize=(1.2 * max(len(shown), 1), 1.6))
    for axis, index in zip(np.atleast_1d(axes), shown):
        axis.imshow(x_test[index, :, :, 0], cmap="gray_r")
        axis.set_title(f"{y_test[index]}->{predicted[index]}", fontsize=8)
        axis.axis("off")
    path = os.path.join(tempfile.mkdtemp(), "misclassified.png")
    figure.savefig(path, dpi=100)
    print(f"{len(wrong)} misclassified digits, the first {len(shown)} drawn in {path}")
assert accuracy >= 0.97, f"test accuracy {accuracy:.4f} is below 0.97"
