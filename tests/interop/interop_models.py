"""Models, data and optimizers shared by both sides of the interoperability tests.

Every builder takes the library module (`keras` or `keras_like`), so that both sides build
one architecture from one description: `.weights.h5` and the legacy `.h5` files match layers
by structure and position, so the reader's model must agree with the writer's layer by layer.
"""

import numpy as np

BATCH = 8
SAMPLES = 32
EPOCHS = 2


def mlp(lib):
    return lib.Sequential([
        lib.Input((6,)),
        lib.layers.Dense(16, activation="relu"),
        lib.layers.Dense(8),
        lib.layers.Activation("tanh"),
        lib.layers.Dense(3, activation="softmax"),
    ])


def mlp_dropout(lib):
    return lib.Sequential([
        lib.Input((6,)),
        lib.layers.Dense(16, activation="relu"),
        lib.layers.Dropout(0.3),
        lib.layers.Dense(2),
    ])


def two_inputs(lib):
    a = lib.Input((5,), name="a")
    b = lib.Input((3,), name="b")
    merged = lib.layers.Concatenate()([lib.layers.Dense(8, activation="relu")(a), b])
    summed = lib.layers.Add()([lib.layers.Dense(4)(merged), lib.layers.Dense(4)(b)])
    out = lib.layers.Activation("tanh")(summed)
    return lib.Model([a, b], out)


def nested(lib):
    inner = lib.Sequential([
        lib.Input((4,)),
        lib.layers.Dense(8, activation="relu"),
        lib.layers.Dense(4),
    ], name="inner")
    x = lib.Input((4,))
    y = lib.layers.Add()([inner(x), x])
    out = lib.layers.Dense(2)(y)
    return lib.Model(x, out)


def embedding(lib):
    return lib.Sequential([
        lib.Input((5,), dtype="int32"),
        lib.layers.Embedding(20, 4),
        lib.layers.Flatten(),
        lib.layers.Dense(2),
    ])


BUILDERS = {f.__name__: f for f in (mlp, mlp_dropout, two_inputs, nested, embedding)}
# Dropout draws its masks from each library's own generator, so a training step cannot be
# compared across libraries for these.
STOCHASTIC = {"mlp_dropout"}


def data(name):
    """(x, y) for model `name`; fixed, so that both sides see the same numbers."""
    rng = np.random.default_rng(list(BUILDERS).index(name))
    if name == "two_inputs":
        x = [rng.normal(size=(SAMPLES, 5)).astype("float32"),
             rng.normal(size=(SAMPLES, 3)).astype("float32")]
        y = rng.normal(size=(SAMPLES, 4)).astype("float32")
    elif name == "embedding":
        x = rng.integers(0, 20, size=(SAMPLES, 5)).astype("int32")
        y = rng.normal(size=(SAMPLES, 2)).astype("float32")
    elif name == "mlp":
        x = rng.normal(size=(SAMPLES, 6)).astype("float32")
        y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=SAMPLES)]
    else:
        width = 4 if name == "nested" else 6
        x = rng.normal(size=(SAMPLES, width)).astype("float32")
        y = rng.normal(size=(SAMPLES, 2)).astype("float32")
    return x, y


def first_batch(x, y):
    if isinstance(x, list):
        return [part[:BATCH] for part in x], y[:BATCH]
    return x[:BATCH], y[:BATCH]


def loss(lib, name):
    # Loss objects, not strings: Keras 3.15 cannot compile from a legacy `.h5` whose
    # training config names the loss by a string such as "mse" (it looks it up as a metric).
    if name == "mlp":
        return lib.losses.CategoricalCrossentropy()
    return lib.losses.MeanSquaredError()


OPTIMIZERS = ("adam", "sgd_momentum")


def optimizer(lib, kind):
    if kind == "adam":
        return lib.optimizers.Adam(learning_rate=0.01)
    return lib.optimizers.SGD(learning_rate=0.05, momentum=0.9)


def build_compiled(lib, name, kind):
    model = BUILDERS[name](lib)
    model.compile(optimizer=optimizer(lib, kind), loss=loss(lib, name))
    return model


def train(model, name):
    x, y = data(name)
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return model
