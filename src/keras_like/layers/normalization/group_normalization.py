"""GroupNormalization: normalizes groups of channels per example (Wu & He, 2018)."""

from keras_like import constraints, initializers, ops, regularizers
from keras_like.backend.dtypes import result_type
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class GroupNormalization(Layer):
    """Splits the channels into `groups` and normalizes each group of each example.

    The mean and variance are taken over the group's channels and all non-batch axes; `gamma`
    and `beta` are per channel. `groups=1` normalizes each example over everything (a layer
    normalization with per-channel parameters); `groups=-1` (one channel per group) is
    instance normalization.

    Args:
        groups: Number of groups, a divisor of the channel count; `-1` for one group per
            channel. Defaults to 32.
        axis: The channels axis. Defaults to `-1`.
        epsilon: Small float added to the variance. Defaults to `1e-3`.
        center: Whether to add the learned offset `beta`.
        scale: Whether to multiply by the learned scale `gamma`.
        beta_initializer, gamma_initializer: Initializers of the two weights.
        beta_regularizer, gamma_regularizer: Optional regularizers.
        beta_constraint, gamma_constraint: Optional constraints.

    Example:
    >>> gn = GroupNormalization(groups=2, epsilon=0.0)
    >>> gn(np.array([[0.0, 2.0, 5.0, 7.0]], "float32")).numpy()
    array([[-1.,  1., -1.,  1.]], dtype=float32)
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        self._check_axis(input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension "
                             f"but the layer received an input with shape {input_shape}.")
        if self.groups == -1:
            # As in Keras, the resolved count replaces -1 (and so appears in the config).
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the number "
                             f"of channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the "
                             f"number of channels ({dim}).")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(shape=(dim,), name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=(dim,), name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        axis = self.axis % len(shape)
        # (..., C, ...) -> (..., groups, C // groups, ...): the new groups axis sits at `axis`.
        grouped_shape = [-1, *shape[1:]]
        grouped_shape[axis] = shape[axis] // self.groups
        grouped_shape.insert(axis, self.groups)
        # float16/bfloat16 group statistics overflow easily; they are computed in float32.
        grouped = ops.reshape(inputs, grouped_shape)
        grouped = ops.cast(grouped, result_type(inputs.dtype, "float32"))
        reduce_axes = [a for a in range(1, len(grouped_shape)) if a != axis]
        mean, variance = ops.moments(grouped, axes=reduce_axes, keepdims=True)
        param_shape = [1] * len(grouped_shape)
        param_shape[axis], param_shape[axis + 1] = self.groups, shape[axis] // self.groups
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.scale:
            inv = ops.multiply(inv, ops.cast(ops.reshape(self.gamma, param_shape), inv.dtype))
        offset = ops.negative(ops.multiply(mean, inv))
        if self.center:
            offset = ops.add(offset, ops.cast(ops.reshape(self.beta, param_shape), inv.dtype))
        outputs = ops.add(ops.multiply(grouped, inv), offset)
        return ops.cast(ops.reshape(outputs, (-1, *shape[1:])), inputs.dtype)

    def _check_axis(self, input_shape):
        if self.axis >= len(input_shape) or self.axis < -len(input_shape):
            raise ValueError(f"Axis {self.axis} is out of bounds for input shape "
                             f"{input_shape}. Ensure axis is within the range of input "
                             f"dimensions.")

    def compute_output_shape(self, input_shape):
        self._check_axis(input_shape)
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
