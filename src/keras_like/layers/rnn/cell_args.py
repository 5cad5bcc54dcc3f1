"""Argument handling shared by the LSTM, GRU and SimpleRNN cells and their layers."""

from keras_like import activations, constraints, initializers, regularizers
from keras_like.layers.rnn.dropout_rnn_cell import clip_rate


def check_units(units):
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise ValueError(
            "Received an invalid value for argument `units`, expected a positive integer, "
            f"got {units}."
        )
    return units


def set_cell_arguments(cell, units, activation, use_bias, kernel_initializer,
                       recurrent_initializer, bias_initializer, kernel_regularizer,
                       recurrent_regularizer, bias_regularizer, kernel_constraint,
                       recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed):
    cell.units = check_units(units)
    cell.activation = activations.get(activation)
    cell.use_bias = use_bias
    cell.kernel_initializer = initializers.get(kernel_initializer)
    cell.recurrent_initializer = initializers.get(recurrent_initializer)
    cell.bias_initializer = initializers.get(bias_initializer)
    cell.kernel_regularizer = regularizers.get(kernel_regularizer)
    cell.recurrent_regularizer = regularizers.get(recurrent_regularizer)
    cell.bias_regularizer = regularizers.get(bias_regularizer)
    cell.kernel_constraint = constraints.get(kernel_constraint)
    cell.recurrent_constraint = constraints.get(recurrent_constraint)
    cell.bias_constraint = constraints.get(bias_constraint)
    cell.dropout = clip_rate(dropout)
    cell.recurrent_dropout = clip_rate(recurrent_dropout)
    cell.seed = seed


def cell_config(cell):
    """The config entries every recurrent cell (and layer) writes, in Keras's order."""
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        **({"recurrent_activation": activations.serialize(cell.recurrent_activation)}
           if hasattr(cell, "recurrent_activation") else {}),
        "use_bias": cell.use_bias,
        **({"unit_forget_bias": cell.unit_forget_bias} if hasattr(cell, "unit_forget_bias")
           else {}),
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
        "kernel_constraint": constraints.serialize(cell.kernel_constraint),
        "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
        "bias_constraint": constraints.serialize(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


def layer_config(layer, base_config):
    """A fused recurrent layer's config: the RNN's own keys plus its cell's, without `cell`."""
    config = cell_config(layer.cell)
    config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    if hasattr(layer.cell, "reset_after"):
        config["reset_after"] = layer.cell.reset_after
    if hasattr(layer.cell, "recurrent_activation"):
        # Keras's SimpleRNN leaves the seed out of its config (its cell keeps it).
        config["seed"] = layer.cell.seed
    base_config = dict(base_config)
    base_config.pop("cell", None)
    return {**base_config, **config}


CELL_ATTRIBUTES = ("units", "activation", "use_bias", "kernel_initializer",
                   "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                   "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                   "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout")


def delegate_to_cell(*extra):
    """Class decorator: read-only properties that return the cell's attribute of that name."""
    def decorate(cls):
        for name in CELL_ATTRIBUTES + extra:
            setattr(cls, name, property(lambda self, name=name: getattr(self.cell, name)))
        return cls
    return decorate


def check_use_cudnn(use_cudnn):
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            "Invalid valid received for argument `use_cudnn`. Expected one of "
            f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
        )
    return use_cudnn


def fused_path_refused(layer):
    return ValueError(
        f"use_cudnn=True was specified, but the fused native loop does not support this "
        f"configuration of layer '{layer.name}' (it needs the default activations, no "
        "recurrent dropout in training, float32 or float64). Pass use_cudnn='auto' to fall "
        "back to the step-by-step implementation."
    )
