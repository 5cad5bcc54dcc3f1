"""EinsumDense: a dense layer of any dimensionality, computed with `ops.einsum`."""

import re

from keras_like import activations, constraints, initializers, ops, regularizers
from keras_like.layers._arg_checks import shape_entries
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class EinsumDense(Layer):
    """A layer whose forward pass is `activation(einsum(equation, inputs, kernel) + bias)`.

    Args:
        equation: An einsum equation `"ab,bc->ac"`, `"...ab,bc->...ac"` or
            `"ab...,bc->ac..."`: inputs, kernel, output.
        output_shape: Expected output shape without the batch dimension and the dimensions
            covered by an ellipsis (an int for one dimension); `None` entries are inferred.
        activation: Activation function (default: none).
        bias_axes: Output dimensions (letters of the output spec) that get a bias.
        kernel_initializer, bias_initializer: Initializers of the weights.
        kernel_regularizer, bias_regularizer: Regularizers of the weights.
        kernel_constraint, bias_constraint: Constraints of the weights.
        lora_rank, lora_alpha, gptq_unpacked_column_size: Accepted for Keras compatibility;
            LoRA and quantization are not supported.
        quantization_config: Kept in the config for Keras compatibility (must be None).

    Example:
    >>> layer = EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    >>> layer(np.ones((2, 32, 128), dtype="float32")).shape
    (2, 32, 64)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if lora_rank:
            raise NotImplementedError(
                "keras_like does not support LoRA on `EinsumDense` yet. "
                f"Received: lora_rank={lora_rank}"
            )
        if not isinstance(equation, str):
            raise ValueError(
                f"Argument `equation` must be a string. Received: equation={equation}"
            )
        _split_equation(equation)  # fail at construction on a malformed equation
        self.equation = equation
        self.partial_output_shape = shape_entries(self, "output_shape", output_shape,
                                                  minimum=1)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.gptq_unpacked_column_size = gptq_unpacked_column_size
        self.quantization_config = quantization_config
        self._is_linear = self.activation is activations.get("linear")

    def build(self, input_shape):
        kernel_shape, bias_shape, full_output_shape = _analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        self.full_output_shape = tuple(full_output_shape)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self._kernel = self.add_weight(
            name="kernel", shape=tuple(kernel_shape), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
            trainable=True)
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                trainable=True)
        self.built = True

    @property
    def kernel(self):
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        return self._kernel

    def call(self, inputs, training=None):
        kernel = self._kernel.value
        # Mixed precision: float32 variables compute in the layer's (e.g. float16) dtype.
        cast = kernel.dtype != self.compute_dtype
        x = ops.einsum(self.equation, inputs, ops.cast(kernel, self.compute_dtype) if cast
                       else kernel)
        if self.bias is not None:
            bias = self.bias.value
            x = ops.add(x, ops.cast(bias, self.compute_dtype) if cast else bias)
        return x if self._is_linear else self.activation(x)

    def compute_output_shape(self, input_shape):
        _, _, full_output_shape = _analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        return tuple(full_output_shape)

    def get_config(self):
        config = {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": self.quantization_config,
        }
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        if self.gptq_unpacked_column_size:
            config["gptq_unpacked_column_size"] = self.gptq_unpacked_column_size
        return config


_NO_ELLIPSIS = re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")
_LEFT_ELLIPSIS = re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$")
_RIGHT_ELLIPSIS = re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$")


def _split_equation(equation):
    """(input spec, kernel spec, output spec, where the ellipsis is: None/"left"/"right")."""
    text = equation.replace("...", "0")
    for pattern, side in ((_NO_ELLIPSIS, None), (_LEFT_ELLIPSIS, "left"),
                          (_RIGHT_ELLIPSIS, "right")):
        match = pattern.match(text)
        if match:
            return match.group(1), match.group(2), match.group(3), side
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _analyze_einsum_string(equation, bias_axes, input_shape, output_shape):
    """Returns (kernel shape, bias shape or None, full output shape) for an input shape."""
    input_spec, weight_spec, output_spec, side = _split_equation(equation)
    input_shape = list(input_shape)
    left = side == "left"
    elided = len(input_shape) - len(input_spec)
    if elided < 0 or (side is None and elided):
        raise ValueError(
            f"Inputs of shape {tuple(input_shape)} do not match the input spec "
            f"'{input_spec}' of equation '{equation}': expected rank {len(input_spec)}"
            + (" or more" if side else "")
        )
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0:
        output_shape.extend(input_shape[len(input_shape) - elided:])

    if left:
        # The leading dims are elided: index the input from its end.
        input_dim_map = {dim: i + elided - len(input_shape) for i, dim in enumerate(input_spec)}
        output_dim_map = {dim: i + elided for i, dim in enumerate(output_spec)}
    else:
        input_dim_map = {dim: i for i, dim in enumerate(input_spec)}
        output_dim_map = {dim: i for i, dim in enumerate(output_spec)}

    if len(output_shape) != len(output_spec) + elided:
        raise ValueError(
            f"The `output_shape` {tuple(output_shape[1:])} (with the batch dimension) does "
            f"not match the output spec '{output_spec}' of equation '{equation}' for inputs "
            f"of shape {tuple(input_shape)}"
        )
    for dim in input_spec:
        size = input_shape[input_dim_map[dim]]
        if dim in output_dim_map:
            out_size = output_shape[output_dim_map[dim]]
            if out_size is not None and out_size != size:
                raise ValueError(
                    "Input shape and output shape do not match at shared dimension "
                    f"'{dim}'. Input shape is {size}, and output shape is {out_size}."
                )
            # A `None` in output_shape takes the input's size.
            output_shape[output_dim_map[dim]] = size
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(
                f"Dimension '{dim}' was specified in the output '{output_spec}' but has no "
                f"corresponding dim in the input spec '{input_spec}' or weight spec "
                f"'{weight_spec}'"
            )

    weight_shape = []
    for dim in weight_spec:
        if dim in input_dim_map:
            weight_shape.append(input_shape[input_dim_map[dim]])
        elif dim in output_dim_map:
            weight_shape.append(output_shape[output_dim_map[dim]])
        else:
            raise ValueError(
                f"Weight dimension '{dim}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'. For this layer, the "
                "weight must be fully specified."
            )

    bias_shape = None
    if bias_axes is not None:
        offset = elided if left else 0
        sizes = {char: output_shape[i + offset] for i, char in enumerate(output_spec)}
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(
                    f"Bias dimension '{char}' was requested, but is not part of the output "
                    f"spec '{output_spec}'"
                )
        first = min(output_spec.find(char) for char in bias_axes)
        bias_shape = [sizes[char] if char in bias_axes else 1 for char in output_spec[first:]]
        if not left:
            bias_shape.extend([1] * elided)
    return weight_shape, bias_shape, output_shape
