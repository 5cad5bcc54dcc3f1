"""Sequential: a linear stack of layers."""

from keras_like import dtype_policies
from keras_like.backend import naming
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.backend.string_arrays import (
    STRING,
    as_string_array,
    is_string_array,
    is_string_data,
    match_string_rank,
)
from keras_like.layers.core.input_layer import InputLayer
from keras_like.layers.layer import Layer
from keras_like.models._batch_norm_folding import can_fold, conv_then_batch_norm
from keras_like.models.model import Model
from keras_like.utils.config_keys import warn_unknown

# What Keras 3 writes in a Sequential config; from_config reads these (dtype: the layers
# carry their own policies).
_CONFIG_KEYS = {"name", "trainable", "dtype", "layers", "build_input_shape"}


class Sequential(Model):
    """Stacks layers; the graph is built as soon as the input shape is known.

    >>> model = Sequential([Input(shape=(4,)), Dense(8, activation="relu"), Dense(1)])
    >>> model.output_shape
    (None, 1)
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._stack = []
        self._functional = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (or an `Input(...)` tensor) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            origin = layer._keras_history[0]
            if isinstance(origin, InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer} (of type {type(layer)})"
            )
        if isinstance(layer, InputLayer) and self._stack and isinstance(self._stack[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input shape "
                f"{self._stack[0].batch_shape}. You cannot add a different Input layer to it."
            )
        if isinstance(layer, InputLayer) and self._stack:
            raise ValueError("An Input layer can only be the first layer of a Sequential model.")
        names = {existing.name for existing in self._stack}
        if layer.name in names:
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f'"{layer.name}" is already the name of a layer in this model. Update the '
                "`name` argument to pass a unique name."
            )
        self._stack.append(layer)
        self._invalidate_tracking()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._invalidate_tracking()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        self.built = False
        self._functional = None
        if self._stack and isinstance(self._stack[0], InputLayer) and len(self._stack) > 1:
            self.build(self._stack[0].batch_shape)
        elif self._stack and getattr(self._stack[0], "_batch_input_shape", None) is not None:
            self.build(self._stack[0]._batch_input_shape)

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        if not self._stack:
            raise ValueError(f"Sequential model {self.name} cannot be built because it has no "
                             "layers. Call `model.add(layer)`.")
        input_shape = tuple(input_shape)
        if isinstance(self._stack[0], InputLayer):
            if tuple(self._stack[0].batch_shape) != input_shape:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use input "
                    f"shape {self._stack[0].batch_shape}. You cannot build it with input_shape "
                    f"{input_shape}"
                )
        else:
            # A first call on string data makes a string input, whatever the layer's dtype
            # (Hashing reads strings and integers alike).
            string_build = self.__dict__.pop("_string_build", False)
            dtype = STRING if string_build else self._stack[0].compute_dtype
            self._stack.insert(0, InputLayer(batch_shape=input_shape, dtype=dtype))
            self._invalidate_tracking()
        inputs = self._stack[0].output
        x = inputs
        # Built inside the model's name scope, so variable paths read "<model>/<layer>/<var>".
        with naming.name_scope(self.name, caller=self):
            for layer in self._stack[1:]:
                x = layer(x)
        from keras_like.models.functional import Functional

        self._functional = Functional(inputs=inputs, outputs=x, name=self.name + "_functional")
        self._build_shapes_dict = {"input_shape": input_shape}
        self.built = True

    @property
    def layers(self):
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    @property
    def _layers(self):
        return list(self._stack)

    def call(self, inputs, training=None, mask=None):
        # Run the stack directly (no graph walk): the fastest path for training steps.
        # Without a training value each layer gets what Keras's recorded graph gives it: its
        # call's own default where that is not None, else the value the layers before it left.
        # In inference a BatchNormalization right after a convolution folds into its weights.
        x = inputs
        if self._functional is not None and self._stack[0].dtype == STRING and \
                is_string_data(x):
            # Keras runs a built Sequential through its graph, whose string input takes a
            # (batch,) array for shape (batch, 1) and the reverse.
            x = match_string_rank(as_string_array(x), self._stack[0].batch_shape)
        stack = self.layers
        i = 0
        while i < len(stack):
            layer = stack[i]
            if training is False and i + 1 < len(stack) and can_fold(layer, stack[i + 1]):
                x = conv_then_batch_norm(layer, stack[i + 1], x)
                i += 2
                continue
            value = training if training is not None else layer._call_training_default
            if value is not None and layer._call_has_training_arg:
                x = layer(x, training=value)
            else:
                x = layer(x)
            i += 1
        return x

    def compute_output_spec(self, inputs, training=None, mask=None):
        functional = self._functional
        if functional is not None and functional._has_string_inputs:
            # Strings have no meta tensors to run the stack on; the graph knows the specs.
            return functional.compute_output_spec(inputs, training=training, mask=mask)
        return super().compute_output_spec(inputs, training=training, mask=mask)

    def _maybe_build(self, args, kwargs):
        if not self.built and args:
            # One thread inserts the InputLayer and builds the stack; the others wait.
            with self._build_lock:
                if not self.built:
                    shape = tuple(args[0].shape)
                    self._string_build = is_string_array(args[0]) or \
                        getattr(args[0], "dtype", None) == STRING
                    self.build((None, *shape[1:]))
        super()._maybe_build(args, kwargs)

    @property
    def inputs(self):
        return self._functional.inputs if self._functional else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional else None

    @property
    def input(self):
        return self._functional.input if self._functional else None

    @property
    def output(self):
        return self._functional.output if self._functional else None

    @property
    def input_shape(self):
        return self._stack[0].batch_shape if self.built else None

    @property
    def output_shape(self):
        return tuple(self._functional.output.shape) if self._functional else None

    def get_config(self):
        from keras_like.saving.serialization_lib import serialize_keras_object

        layers = []
        for layer in self._stack:
            entry = serialize_keras_object(layer)
            build_config = layer.get_build_config() if not isinstance(layer, InputLayer) else None
            if build_config is not None:
                entry["build_config"] = build_config
            layers.append(entry)
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policies.serialize(self.dtype_policy), "layers": layers}
        if getattr(self, "_functional", None) is not None:
            config["build_input_shape"] = list(self._stack[0].batch_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras_like.saving.serialization_lib import deserialize_keras_object

        unknown = set(config) - _CONFIG_KEYS
        if unknown:
            warn_unknown(cls, unknown)
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
            build_config = layer_config.get("build_config")
            if build_config and not layer.built and not isinstance(layer, InputLayer):
                pass  # built below when the whole stack knows its input shape
        model._maybe_rebuild()
        return model
