"""How a call without `training` resolves it, as Keras 3.15 does (each case was run there):
an explicit value wins, else an outer call's value, else the layer's call default; the value
is then left for the layers called after it. A functional graph records each layer's
non-None default in its node, and Sequential gives each layer the same."""

import numpy as np

import keras_like as keras
from keras_like import layers


def images():
    return np.random.default_rng(0).uniform(0.2, 0.8, size=(8, 3, 3, 1)).astype("float32")


def brightness():
    return layers.RandomBrightness(0.3, value_range=(0, 1), seed=1)


def test_a_bare_augmentation_call_augments_and_inference_does_not():
    x = images()
    layer = brightness()
    assert not np.allclose(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)


def test_bare_sequential_call_gives_each_layer_its_own_default():
    x = images()
    model = keras.Sequential([keras.Input((3, 3, 1)), brightness(), layers.Dropout(0.5, seed=2),
                              layers.BatchNormalization()])
    batch_norm = model.layers[-1]
    # BatchNormalization in inference with its initial statistics scales by 1/sqrt(1 + eps).
    identity = np.sqrt(1 + batch_norm.epsilon)
    out = model(x).numpy() * identity
    # Brightness trained (its default), Dropout did not (its default: no zeros, no 2x scale),
    # and BatchNormalization inherited Dropout's False: inference, statistics untouched.
    assert not np.allclose(out, x, atol=1e-4)
    assert np.count_nonzero(out == 0) == 0 and np.all(np.abs(out - x) <= 0.3 + 1e-6)
    np.testing.assert_array_equal(batch_norm.moving_mean.numpy(), 0)
    np.testing.assert_allclose(model.predict(x, verbose=0) * identity, x, rtol=1e-6)


def test_functional_bare_call_passes_an_augmentations_training_on():
    x = images()
    inputs = keras.Input((3, 3, 1))
    outputs = layers.BatchNormalization()(brightness()(inputs))
    model = keras.Model(inputs, outputs)
    model(x)
    # The augmentation resolved training=True and left it for BatchNormalization.
    assert np.all(model.layers[-1].moving_mean.numpy() != 0)


def test_functional_nodes_record_non_none_defaults_as_keras_configs_do():
    inputs = keras.Input((3, 3, 1))
    x = brightness()(inputs)
    x = layers.Dropout(0.5)(x)
    model = keras.Model(inputs, layers.BatchNormalization()(x))
    kwargs = {layer["class_name"]: layer["inbound_nodes"][0]["kwargs"]
              for layer in model.get_config()["layers"] if layer["inbound_nodes"]}
    assert kwargs["RandomBrightness"] == {"training": True}
    assert kwargs["Dropout"] == {"training": False}
    assert "training" not in kwargs["BatchNormalization"]


def test_an_explicit_training_overrides_every_recorded_default():
    x = images()
    inputs = keras.Input((3, 3, 1))
    model = keras.Model(inputs, layers.Dropout(0.5, seed=3)(inputs))
    assert np.count_nonzero(model(x).numpy() == 0) == 0
    assert np.count_nonzero(model(x, training=True).numpy() == 0) > 0


def test_an_explicit_none_means_the_layers_own_default():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, x, training=None):
            self.probe(x)  # inherits
            self.probe(x, training=None)  # explicit None: the probe's default
            return x

    Outer()(images(), training=True)
    assert seen == [True, None]
