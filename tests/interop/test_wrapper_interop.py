"""Bidirectional / TimeDistributed models shared with real Keras: what one library saves, the
other loads.

The two models of tests/wrapper_models.py, built by each library from one description: a
masked text model (Masking -> Bidirectional LSTM -> TimeDistributed Dense -> Bidirectional
GRU -> Dense) and a video model (TimeDistributed Conv2D and Flatten -> Bidirectional
SimpleRNN with its own backward layer -> TimeDistributed Dense). The writer trains a few
steps (Adam), then saves `.keras`, `.weights.h5` and the legacy `.h5`; the reader must get
the writer's weights exactly, its Adam state exactly (`.keras`, `.weights.h5`) and its
predictions to 1e-5. Keras -> Keras is the control.

Needs real Keras (see tests/interop/README.md); without it the module is skipped.
"""

import os

import numpy as np
import pytest
from wrapper_models import TEXT_FEATURES, TEXT_STEPS, VIDEO_SHAPE, text_model, video_model

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

import keras_like  # noqa: E402

pytestmark = pytest.mark.interop

LIBS = {"keras": keras, "keras_like": keras_like}
DIRECTIONS = (("keras_like", "keras"), ("keras", "keras_like"), ("keras", "keras"))
BUILDERS = {"text": text_model, "video": video_model}
PREDICTION_ATOL = 1e-5


def _data(name):
    rng = np.random.default_rng(11)
    if name == "text":
        x = rng.normal(size=(16, TEXT_STEPS, TEXT_FEATURES)).astype("float32")
        x[::2, -2:] = 0.0  # padded steps: the Masking layer turns them off
        x[1::4, :1] = 0.0
        return x, rng.normal(size=(16, 1)).astype("float32")
    x = rng.normal(size=(16, *VIDEO_SHAPE)).astype("float32")
    return x, rng.normal(size=(16, VIDEO_SHAPE[0], 2)).astype("float32")


def _loss(lib):
    # A loss object, not "mse": Keras 3.15 cannot compile from a legacy `.h5` whose training
    # config names the loss by a string (it looks it up as a metric).
    return lib.losses.MeanSquaredError()


def _arrays(variables):
    return [np.array(v) for v in variables]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    cache = {}

    def get(writer, name):
        if (writer, name) not in cache:
            lib = LIBS[writer]
            model = BUILDERS[name](lib)
            model.compile(optimizer=lib.optimizers.Adam(0.01), loss=_loss(lib))
            x, y = _data(name)
            model.fit(x, y, batch_size=8, epochs=2, verbose=0)
            folder = tmp_path_factory.mktemp(f"{writer}-{name}")
            model.save(str(folder / "model.keras"))
            model.save_weights(str(folder / "model.weights.h5"))
            model.save(str(folder / "model.h5"))
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
    if fmt == "h5":
        return lib.models.load_model(str(folder / "model.h5"))
    model = BUILDERS[name](lib)
    model.compile(optimizer=lib.optimizers.Adam(0.01), loss=_loss(lib))
    model.optimizer.build(model.trainable_variables)
    model.load_weights(str(folder / "model.weights.h5"))
    return model


CASES = [(name, fmt) for name in sorted(BUILDERS) for fmt in ("keras", "weights", "h5")]


@pytest.mark.parametrize("name, fmt", CASES, ids=[f"{n}-{f}" for n, f in CASES])
@pytest.mark.parametrize("writer, reader", DIRECTIONS,
                         ids=[f"{w}->{r}" for w, r in DIRECTIONS])
def test_wrapper_model_moves_between_libraries(written, writer, reader, name, fmt):
    if fmt == "h5" and name == "text" and writer == "keras":
        # Keras 3.15.1 writes the Masking layer's symbolic mask as a NotEqual op node into
        # the legacy config, which neither Keras nor keras_like reads back.
        pytest.skip("Keras cannot read its own legacy .h5 of a masked model")
    w = written(writer, name)
    model = _load(reader, fmt, w["folder"], name)
    assert [type(layer).__name__ for layer in model.layers] == w["layers"]
    got = _arrays(model.get_weights())
    assert len(got) == len(w["weights"])
    for i, (g, e) in enumerate(zip(got, w["weights"])):
        np.testing.assert_array_equal(g, e, err_msg=f"weight {i}")
    if fmt != "h5":  # Keras reads no optimizer back from a legacy .h5
        for i, (g, e) in enumerate(zip(_arrays(model.optimizer.variables), w["optimizer"])):
            np.testing.assert_array_equal(g, e, err_msg=f"optimizer variable {i}")
    x, _ = _data(name)
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), w["predictions"],
                               atol=PREDICTION_ATOL, rtol=0)
