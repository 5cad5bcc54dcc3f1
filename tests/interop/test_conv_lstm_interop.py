"""ConvLSTM models shared with real Keras: what one library saves, the other loads.

Two functional models, built by each library from one description: ConvLSTM2D (same
padding, sequences) -> ConvLSTM2D (strides 2, go_backwards) -> Dense, and two inputs through
ConvLSTM1D and a channels_first ConvLSTM3D. The writer trains a few steps (Adam), then saves
`.keras` and `.weights.h5`; the reader must get the writer's weights and optimizer state
exactly and its predictions to 1e-5. Keras -> Keras is the control.

Needs real Keras (see tests/interop/README.md); without it the module is skipped.
"""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

import keras_like  # noqa: E402

pytestmark = pytest.mark.interop

LIBS = {"keras": keras, "keras_like": keras_like}
DIRECTIONS = (("keras_like", "keras"), ("keras", "keras_like"), ("keras", "keras"))
PREDICTION_ATOL = 1e-5


def conv_lstm_2d(lib):
    frames = lib.Input((4, 6, 6, 2), name="frames")
    x = lib.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)(frames)
    x = lib.layers.ConvLSTM2D(2, 2, strides=2, go_backwards=True)(x)
    return lib.Model(frames, lib.layers.Dense(2)(lib.layers.Flatten()(x)))


def conv_lstm_1d_3d(lib):
    series = lib.Input((3, 6, 2), name="series")
    volumes = lib.Input((2, 1, 3, 3, 3), name="volumes")  # channels_first
    a = lib.layers.ConvLSTM1D(2, 3, padding="same", dropout=0.2, seed=1)(series)
    b = lib.layers.ConvLSTM3D(2, 2, data_format="channels_first", use_bias=False)(volumes)
    joined = lib.layers.Concatenate()([lib.layers.Flatten()(a), lib.layers.Flatten()(b)])
    return lib.Model([series, volumes], lib.layers.Dense(2)(joined))


BUILDERS = {"conv_lstm_2d": conv_lstm_2d, "conv_lstm_1d_3d": conv_lstm_1d_3d}


def _data(name):
    rng = np.random.default_rng(3)
    y = rng.normal(size=(8, 2)).astype("float32")
    if name == "conv_lstm_2d":
        return rng.normal(size=(8, 4, 6, 6, 2)).astype("float32"), y
    return [rng.normal(size=(8, 3, 6, 2)).astype("float32"),
            rng.normal(size=(8, 2, 1, 3, 3, 3)).astype("float32")], y


def _arrays(variables):
    return [np.array(v) for v in variables]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    cache = {}

    def get(writer, name):
        if (writer, name) not in cache:
            lib = LIBS[writer]
            model = BUILDERS[name](lib)
            model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
            x, y = _data(name)
            model.fit(x, y, batch_size=4, epochs=1, verbose=0)
            folder = tmp_path_factory.mktemp(f"{writer}-{name}")
            model.save(str(folder / "model.keras"))
            model.save_weights(str(folder / "model.weights.h5"))
            cache[(writer, name)] = {
                "folder": folder, "weights": _arrays(model.get_weights()),
                "predictions": np.asarray(model.predict(x, verbose=0)),
                "optimizer": _arrays(model.optimizer.variables),
                "layers": [type(layer).__name__ for layer in model.layers]}
        return cache[(writer, name)]

    return get


def _load(reader, fmt, folder, name):
    lib = LIBS[reader]
    if fmt == "keras":
        return lib.models.load_model(str(folder / "model.keras"))
    model = BUILDERS[name](lib)
    model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
    model.optimizer.build(model.trainable_variables)
    model.load_weights(str(folder / "model.weights.h5"))
    return model


@pytest.mark.parametrize("fmt", ["keras", "weights"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("writer, reader", DIRECTIONS,
                         ids=[f"{w}->{r}" for w, r in DIRECTIONS])
def test_conv_lstm_model_moves_between_libraries(written, writer, reader, name, fmt):
    w = written(writer, name)
    model = _load(reader, fmt, w["folder"], name)
    assert [type(layer).__name__ for layer in model.layers] == w["layers"]
    got = _arrays(model.get_weights())
    assert len(got) == len(w["weights"])
    for i, (g, e) in enumerate(zip(got, w["weights"])):
        np.testing.assert_array_equal(g, e, err_msg=f"weight {i}")
    for i, (g, e) in enumerate(zip(_arrays(model.optimizer.variables), w["optimizer"])):
        np.testing.assert_array_equal(g, e, err_msg=f"optimizer variable {i}")
    x, _ = _data(name)
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), w["predictions"],
                               atol=PREDICTION_ATOL, rtol=0)
