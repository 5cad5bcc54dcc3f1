"""Building a layer's sublayers the way Keras's build wrapper does."""

from keras_like.backend import naming


def build_sublayer(layer, input_shape):
    """Builds `layer` inside its own name scope (so its variables get paths like
    `mha/query/kernel`, as in Keras), then records the build shape and marks it built."""
    with naming.name_scope(layer.name, caller=layer):
        layer.build(input_shape)
    layer._build_shapes_dict = {"input_shape": tuple(input_shape)}
    layer.built = True


def clone_initializer(initializer):
    """A fresh copy of `initializer`, so sublayers do not share one (possibly seeded) object."""
    return initializer.__class__.from_config(initializer.get_config())
