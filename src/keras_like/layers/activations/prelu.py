"""PReLU: leaky ReLU whose negative slope is learned."""

from keras_like import constraints, initializers, ops, regularizers
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU: `x` for `x >= 0`, `alpha * x` otherwise, with a learned `alpha`.

    `alpha` has the shape of one input sample (without the batch axis), except along
    `shared_axes` where one value is shared.

    Args:
        alpha_initializer: Initializer of `alpha`. Defaults to zeros.
        alpha_regularizer: Regularizer of `alpha`.
        alpha_constraint: Constraint of `alpha`.
        shared_axes: Axes (1-based, counting the batch axis as 0) sharing one `alpha`, e.g.
            `[1, 2]` for one slope per channel of `(batch, height, width, channels)` inputs.

    Example:
    >>> PReLU(alpha_initializer="ones")(np.array([[-2.0, 3.0]], dtype="float32")).numpy()
    array([[-2.,  3.]], dtype=float32)
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        ndim = len(input_shape)
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < ndim:
                raise ValueError(
                    f"Invalid value for argument `shared_axes`: each axis must be in [1, {ndim})"
                    f" for inputs of shape {tuple(input_shape)}. Received: "
                    f"shared_axes={self.shared_axes}"
                )
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(
                "PReLU needs known sizes for every non-batch axis that is not shared. Received "
                f"input_shape={tuple(input_shape)}, shared_axes={self.shared_axes}"
            )
        self.alpha = self.add_weight(
            shape=param_shape, name="alpha", initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            axes = {i: input_shape[i] for i in range(1, ndim) if i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=ndim, axes=axes)
        self.built = True

    def call(self, inputs):
        # One select instead of relu(x) - alpha * relu(-x): three ops rather than five.
        alpha = self.alpha.value
        if alpha.dtype != self.compute_dtype:  # mixed precision
            alpha = ops.cast(alpha, self.compute_dtype)
        return ops.where(ops.greater(inputs, 0), inputs, ops.multiply(alpha, inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
