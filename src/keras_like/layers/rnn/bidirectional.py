"""Bidirectional: runs a recurrent layer forward and backward and merges the two outputs."""

import copy

from keras_like import ops
from keras_like.backend import naming
from keras_like.layers.core.wrapper import build_wrapped_layer
from keras_like.layers.layer import Layer
from keras_like.saving import serialization_lib

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs (Keras 3's `keras.layers.Bidirectional`).

    The layer is rebuilt from its config twice: `forward_<name>` and `backward_<name>` (the
    copy with `go_backwards=True`), so the new layer has fresh weights of its own. Weights
    are listed forward layer first. With `return_sequences`, masked steps output zeros in
    both directions (`zero_output_for_mask` is set to `return_sequences` on both), and the
    backward sequence is reversed in time before the merge, so step t of both halves
    describes input step t.

    Args:
        layer: A recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`), or any layer with
            `go_backwards`, `return_sequences`, `return_state`, `stateful`, `input_spec` and
            a config.
        merge_mode: How the two outputs combine: "concat" (the default), "sum", "mul", "ave",
            or None for a tuple `(forward, backward)`.
        weights: Optional initial weights, forward layer's then backward layer's, set once
            the layers are built.
        backward_layer: Optional layer for the backward direction; it must have the opposite
            `go_backwards` and the same `stateful`, `return_sequences` and `return_state`.

    Call arguments: as the wrapped layer's. `initial_state` is a list whose first half goes
    to the forward layer and second half to the backward layer. With `return_state`, the
    forward states and then the backward states follow the output(s).

    Example:
    >>> layer = Bidirectional(LSTM(4, return_sequences=True))
    >>> layer(np.ones((2, 3, 5), "float32")).shape
    (2, 3, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `keras.layers.Layer` instance. Received: "
                f"{backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        # Copies made from the config, so they carry no state (weights, states) of `layer`.
        self.forward_layer = _copy_of(layer, "forward_")
        if backward_layer is None:
            self.backward_layer = _copy_of(layer, "backward_", go_backwards=True)
        else:
            self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):  # not in the config
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for direction in (self.forward_layer, self.backward_layer):
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        if weights:
            # Keras 3.15 stores these on the layers and never reads them; they are applied
            # here, as Keras 2 did.
            half = len(weights) // 2
            _set_initial_weights(self.forward_layer, weights[:half])
            _set_initial_weights(self.backward_layer, weights[half:])
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        """The two directions must differ in `go_backwards` and agree on what they return."""
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` "
                f"value. Received: forward_layer.go_backwards {forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for name in ("stateful", "return_sequences", "return_state"):
            forward_value, backward_value = getattr(forward, name), getattr(backward, name)
            if forward_value != backward_value:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value "
                    f'for attribute "{name}", got "{forward_value}" for forward layer and '
                    f'"{backward_value}" for backward layer'
                )

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shape = ()
        if self.return_state:
            output_shape, state_shape = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = (*output_shape[:-1], output_shape[-1] * 2)
        elif self.merge_mode is None:
            output_shape = (tuple(output_shape), tuple(output_shape))
        output_shape = tuple(output_shape)
        if self.return_state:
            outputs = output_shape if self.merge_mode is None else (output_shape,)
            return outputs + state_shape + state_shape
        return output_shape

    def build(self, sequences_shape, initial_state_shape=None):
        # Our own scope too: a direct `build()` call does not open it (a call does).
        with naming.name_scope(self.name, caller=self):
            for direction in (self.forward_layer, self.backward_layer):
                if not direction.built:
                    build_wrapped_layer(direction, sequences_shape)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        # Left out when None, so the directions resolve them as this call did (the call
        # context's training value, the sequences' own mask).
        if self.forward_layer._call_has_training_arg and training is not None:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask_arg and mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = ops.cast(y, self.compute_dtype)
        y_rev = ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        output = _merge(self.merge_mode, y, y_rev)
        if self.return_state:
            return (output if self.merge_mode is None else (output,)) + states
        return output

    def compute_mask(self, _, mask):
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = mask if self.merge_mode else (mask, mask)
        else:
            output_mask = None if self.merge_mode else (None, None)
        if self.return_state and self.states is not None:
            # Keras 3.15 raises a TypeError here (it multiplies a generator); the states
            # carry no mask.
            return (output_mask,) + tuple(None for _ in self.states)
        return output_mask

    @property
    def states(self):
        forward, backward = self.forward_layer.states, self.backward_layer.states
        if forward and backward:
            return tuple(forward) + tuple(backward)
        return None

    def reset_states(self):
        """Compatibility alias of `reset_state`."""
        self.reset_state()

    def reset_state(self):
        """Sets the carried states of both directions back to zeros (stateful layers only)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def get_config(self):
        config = {
            "merge_mode": self.merge_mode,
            "layer": serialization_lib.serialize_keras_object(self.forward_layer),
            "backward_layer": serialization_lib.serialize_keras_object(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        config["layer"] = serialization_lib.deserialize_keras_object(
            config["layer"], custom_objects=custom_objects)
        backward_config = config.pop("backward_layer", None)
        if backward_config is not None:
            config["backward_layer"] = serialization_lib.deserialize_keras_object(
                backward_config, custom_objects=custom_objects)
        return super().from_config(config)


def _copy_of(layer, prefix, **overrides):
    """A new layer from `layer`'s config, named `<prefix><name>` (a name that already has
    the prefix keeps it once)."""
    config = serialization_lib.serialize_keras_object(layer)
    config["config"].update(overrides)
    config["config"]["name"] = prefix + layer.name.removeprefix(prefix)
    return serialization_lib.deserialize_keras_object(config)


def _set_initial_weights(layer, weights):
    if layer.built:
        layer.set_weights(weights)
    else:
        layer._initial_weights = list(weights)


def _merge(merge_mode, y, y_rev):
    if merge_mode == "concat":
        return ops.concatenate([y, y_rev], axis=-1)
    if merge_mode == "sum":
        return y + y_rev
    if merge_mode == "ave":
        return (y + y_rev) / 2
    if merge_mode == "mul":
        return y * y_rev
    return (y, y_rev)
