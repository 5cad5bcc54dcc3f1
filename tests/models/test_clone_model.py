"""`keras_like.models.clone_model`: Sequential, Functional and subclassed models."""

import numpy as np
import pytest
from helpers import random_array

import keras_like as keras
from keras_like import layers, models, ops


def dense_np(layer, x):
    w, b = layer.get_weights()
    return x @ w + b


def functional_model():
    a, b = layers.Input(shape=(4,), name="a"), layers.Input(shape=(4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = layers.Concatenate(name="cat")([shared(a), shared(b)])
    scaled = ops.multiply(merged, 2.0)
    return models.Model([a, b], [layers.Dense(1, name="out")(scaled), merged], name="fn")


def test_clone_sequential():
    model = models.Sequential([layers.Input(shape=(3,), name="x"),
                               layers.Dense(4, activation="relu", name="h"),
                               layers.Dense(2, name="o")], name="seq")
    clone = models.clone_model(model)
    assert isinstance(clone, models.Sequential) and clone.name == "seq"
    assert clone.get_config() == model.get_config()
    assert all(c is not m for c, m in zip(clone.layers, model.layers))
    assert all(c is not m for c, m in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    x = random_array((5, 3))
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy(), rtol=1e-6)
    # New weights belong to the clone only.
    clone.layers[0].kernel.assign(np.zeros((3, 4), "float32"))
    assert np.any(model.layers[0].get_weights()[0] != 0)


def test_clone_unbuilt_sequential_and_input_tensors():
    model = models.Sequential([layers.Dense(4, name="a"), layers.Dense(2, name="b")])
    clone = models.clone_model(model)
    assert not clone.built and [layer.name for layer in clone.layers] == ["a", "b"]
    clone = models.clone_model(model, input_tensors=layers.Input(shape=(6,)))
    assert clone.built and clone.input_shape == (None, 6) and clone.output_shape == (None, 2)
    with pytest.raises(ValueError, match="must contain a single tensor"):
        models.clone_model(model, input_tensors=[layers.Input(shape=(6,))] * 2)
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        models.clone_model(model, input_tensors=np.ones((2, 6)))
    with pytest.raises(ValueError, match="`call_function` argument is not supported with "
                                         "Sequential models"):
        models.clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))


def test_clone_functional_keeps_sharing_and_ops():
    model = functional_model()
    clone = models.clone_model(model)
    assert isinstance(clone, models.Functional) and clone.name == "fn"
    assert clone.get_config() == model.get_config()
    shared = clone.get_layer("shared")
    assert shared is not model.get_layer("shared")
    assert len(shared._inbound_nodes) == 2  # cloned once, called twice
    assert len(clone.weights) == len(model.weights) == 4
    clone.set_weights(model.get_weights())
    xa, xb = random_array((2, 4)), random_array((2, 4))
    for got, expected in zip(clone([xa, xb]), model([xa, xb])):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)


def test_clone_functional_with_dict_inputs_and_given_input_tensors():
    a, b = layers.Input(shape=(2,), name="a"), layers.Input(shape=(2,), name="b")
    model = models.Model({"a": a, "b": b}, layers.Add(name="sum")([a, b]))
    new_inputs = {"a": layers.Input(shape=(2,), name="a2"), "b": layers.Input(shape=(2,),
                                                                            name="b2")}
    clone = models.clone_model(model, input_tensors=new_inputs)
    assert clone.input["a"] is new_inputs["a"]
    xa, xb = random_array((3, 2)), random_array((3, 2))
    np.testing.assert_allclose(clone({"a": xa, "b": xb}).numpy(), xa + xb, rtol=1e-6)
    with pytest.raises(ValueError, match="must have the same structure as model.input"):
        models.clone_model(model, input_tensors=[layers.Input(shape=(2,))])
    with pytest.raises(ValueError, match="must be KerasTensors"):
        models.clone_model(model, input_tensors={"a": np.ones((1, 2)), "b": np.ones((1, 2))})


def test_clone_function_can_share_or_modify_layers():
    model = functional_model()
    xa, xb = random_array((2, 4)), random_array((2, 4))
    shared = models.clone_model(model, clone_function=lambda layer: layer)
    assert shared.get_layer("out") is model.get_layer("out")
    np.testing.assert_allclose(shared([xa, xb])[0].numpy(), model([xa, xb])[0].numpy())

    def relu_denses(layer):
        config = layer.get_config()
        if isinstance(layer, layers.Dense):
            config["activation"] = "relu"
        return layer.__class__.from_config(config)

    clone = models.clone_model(model, clone_function=relu_denses)
    assert clone.get_layer("shared").get_config()["activation"] == "relu"
    clone.set_weights(model.get_weights())
    s = model.get_layer("shared")
    merged = np.maximum(np.concatenate([dense_np(s, xa), dense_np(s, xb)], -1), 0.0)
    np.testing.assert_allclose(clone([xa, xb])[1].numpy(), merged, rtol=1e-5, atol=1e-6)


def test_call_function_inserts_computation():
    x = layers.Input(shape=(3,), name="x")
    model = models.Model(x, layers.Dense(2, name="d")(x))

    def call_function(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        return ops.multiply(out, 10.0) if isinstance(layer, layers.Dense) else out

    clone = models.clone_model(model, clone_function=lambda layer: layer,
                               call_function=call_function)
    xv = random_array((4, 3))
    np.testing.assert_allclose(clone(xv).numpy(), 10.0 * model(xv).numpy(), rtol=1e-5)
    assert [e["class_name"] for e in clone.get_config()["layers"]] == \
        ["InputLayer", "Dense", "Multiply"]


def test_recursive_cloning_of_nested_models():
    inner_in = layers.Input(shape=(3,), name="inner_in")
    inner = models.Model(inner_in, layers.Dense(3, name="inner_d")(inner_in), name="inner")
    inner_seq = models.Sequential([layers.Dense(2, name="seq_d")], name="inner_seq")
    x = layers.Input(shape=(3,), name="x")
    model = models.Model(x, inner_seq(inner(x)))
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone = models.clone_model(model, clone_function=clone_function)
    assert sorted(seen) == ["inner", "inner_seq"]
    assert clone.get_layer("inner") is not inner
    seen.clear()
    clone = models.clone_model(model, clone_function=clone_function, recursive=True)
    assert sorted(seen) == ["inner_d", "seq_d"]  # inner models are rebuilt layer by layer
    assert isinstance(clone.get_layer("inner"), models.Functional)
    assert isinstance(clone.get_layer("inner_seq"), models.Sequential)
    clone.set_weights(model.get_weights())
    xv = random_array((2, 3))
    np.testing.assert_allclose(clone(xv).numpy(), model(xv).numpy(), rtol=1e-6)


class Scaler(models.Model):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x) * 2.0

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_clone_subclassed_model_uses_its_config():
    model = Scaler(units=3, name="scaler")
    model(random_array((2, 4)))
    clone = models.clone_model(model)
    assert type(clone) is Scaler and clone.units == 3 and clone.name == "scaler"
    assert clone is not model
    with pytest.raises(ValueError, match="only supported for Sequential models or Functional"):
        models.clone_model(model, clone_function=lambda layer: layer)
    with pytest.raises(ValueError, match="only supported for Functional models"):
        models.clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))
    with pytest.raises(ValueError, match="Unexpected keyword argument"):
        models.clone_model(model, foo=1)


def test_cloned_model_trains_independently():
    keras.utils.set_random_seed(1)
    model = models.Sequential([layers.Input(shape=(3,)), layers.Dense(1)])
    clone = models.clone_model(model)
    clone.set_weights(model.get_weights())
    clone.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    clone.train_on_batch(random_array((8, 3)), random_array((8, 1)))
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)
    assert any(not np.array_equal(a, b) for a, b in zip(before, clone.get_weights()))
