"""Attention models shared with real Keras: what one library saves, the other loads.

Two functional models, built by each library from one description: self-attention with
masks (Masking -> MultiHeadAttention -> residual -> LayerNormalization -> masked pooling ->
Dense) and a two-input model with Attention, AdditiveAttention, cross MultiHeadAttention with
a key and GroupedQueryAttention. The writer trains a few steps (Adam), then saves `.keras`
and `.weights.h5`; the reader must get the writer's weights and optimizer state exactly and
its predictions to 1e-5. Keras -> Keras is the control.

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
T, S, D = 6, 5, 8
PREDICTION_ATOL = 1e-5


def masked_self_attention(lib):
    tokens = lib.Input((T, D), name="tokens")
    x = lib.layers.Masking(0.0)(tokens)
    y = lib.layers.MultiHeadAttention(2, 4, name="mha")(x, x, use_causal_mask=True)
    h = lib.layers.LayerNormalization()(lib.layers.Add()([x, y]))
    pooled = lib.layers.GlobalAveragePooling1D()(h)
    return lib.Model(tokens, lib.layers.Dense(3)(pooled))


def mixed_attention(lib):
    q = lib.Input((T, D), name="q")
    v = lib.Input((S, D), name="v")
    k = lib.Input((S, 4), name="k")
    dot = lib.layers.Attention(use_scale=True)([q, v])
    additive = lib.layers.AdditiveAttention()([q, v])
    cross = lib.layers.MultiHeadAttention(3, 2, output_shape=5)(q, v, k)
    grouped = lib.layers.GroupQueryAttention(head_dim=2, num_query_heads=4,
                                             num_key_value_heads=2)(q, v)
    joined = lib.layers.Concatenate()([dot, additive, cross, grouped])
    return lib.Model([q, v, k], lib.layers.Dense(2)(lib.layers.Flatten()(joined)))


BUILDERS = {"masked_self_attention": masked_self_attention, "mixed_attention": mixed_attention}


def _data(name):
    rng = np.random.default_rng(7)
    if name == "masked_self_attention":
        x = rng.normal(size=(16, T, D)).astype("float32")
        x[::2, -2:] = 0.0  # padded time steps: the Masking layer turns them off
        x[1::4, -1:] = 0.0
        return x, rng.normal(size=(16, 3)).astype("float32")
    x = [rng.normal(size=(16, T, D)).astype("float32"),
         rng.normal(size=(16, S, D)).astype("float32"),
         rng.normal(size=(16, S, 4)).astype("float32")]
    return x, rng.normal(size=(16, 2)).astype("float32")


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
            model.fit(x, y, batch_size=8, epochs=2, verbose=0)
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
def test_attention_model_moves_between_libraries(written, writer, reader, name, fmt):
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
