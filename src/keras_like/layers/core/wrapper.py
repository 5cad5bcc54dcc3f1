"""Wrapper: the base of layers that wrap another layer (Keras 3's `keras.layers.Wrapper`)."""

import inspect

from keras_like.backend import naming, tracking
from keras_like.layers.layer import Layer
from keras_like.saving import serialization_lib


class Wrapper(Layer):
    """Abstract base of the layers that take another layer and augment it.

    Do not use it as a layer itself: it has no `call`. `TimeDistributed` is the usable
    subclass (`Bidirectional`, as in Keras 3, is a plain `Layer`). The wrapped layer is the
    attribute `layer`, so its weights file group is `<wrapper>/layer`, as Keras writes it.

    Args:
        layer: The `keras_like.layers.Layer` instance to wrap.

    Example:
    >>> wrapper = Wrapper(Dense(3))
    >>> wrapper.get_config()["layer"]["class_name"]
    'Dense'
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please "
                "ensure wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            # Our own scope too: a direct `build()` call does not open it (a call does).
            with naming.name_scope(self.name, caller=self):
                build_wrapped_layer(self.layer, input_shape)

    def get_config(self):
        config = {"layer": serialization_lib.serialize_keras_object(self.layer)}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = serialization_lib.deserialize_keras_object(
            config["layer"], custom_objects=custom_objects)
        return super().from_config(config)


def build_wrapped_layer(layer, *shapes):
    """Builds an inner layer the way Keras's build wrapper does when a wrapping layer calls
    `layer.build(shape)`: inside the inner layer's own name scope (so its variables get paths
    like `time_distributed/dense/kernel`), recording the build shapes (its `build_config`),
    then setting any legacy `weights=` it was given."""
    if type(layer).build is Layer.build:
        # Keras marks a layer without a `build` of its own as built when it is made, so
        # it records no build shapes (its config has no `build_config`).
        layer.built = True
        return
    with naming.name_scope(layer.name, caller=layer):
        layer.build(*shapes)
    names = list(inspect.signature(layer.build).parameters)
    layer._build_shapes_dict = {name: _as_tuple(shape) for name, shape in zip(names, shapes)}
    layer.built = True
    tracking.bump()
    initial = getattr(layer, "_initial_weights", None)
    if initial is not None:
        layer.set_weights(initial)
        layer._initial_weights = None


def _as_tuple(shape):
    return tuple(shape) if isinstance(shape, list) else shape
