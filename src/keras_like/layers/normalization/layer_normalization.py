"""LayerNormalization: normalizes each example over its feature axes (Ba et al., 2016)."""

from keras_like import constraints, initializers, ops, regularizers
from keras_like.layers.layer import Layer


def _check_axes(axes, input_shape, received):
    for axis in axes:
        if axis >= len(input_shape) or axis < -len(input_shape):
            raise ValueError(f"Axis {axis} is out of bounds for input shape {input_shape}. "
                             f"Received: axis={received}")


class LayerNormalization(Layer):
    """Normalizes each example to zero mean and unit variance over `axis`.

    Computes `(x - mean) / sqrt(variance + epsilon) * gamma + beta`, with the statistics taken
    per example over `axis` and `gamma` / `beta` spanning those axes. With `rms_scaling=True`
    the mean is not subtracted and `beta` is not created: `x / sqrt(variance + epsilon) *
    gamma` (Keras's definition, which still uses the centred variance).

    Args:
        axis: Integer or list/tuple of integers, the axes normalised over. Defaults to `-1`.
            Once built the layer holds (and its config records) a list.
        epsilon: Small float added to the variance. Defaults to `1e-3`.
        center: Whether to add the learned offset `beta`.
        scale: Whether to multiply by the learned scale `gamma`.
        rms_scaling: Scale by `gamma` and the inverse root of the variance only; `center` and
            `scale` are then ignored.
        beta_initializer, gamma_initializer: Initializers of the two weights.
        beta_regularizer, gamma_regularizer: Optional regularizers.
        beta_constraint, gamma_constraint: Optional constraints.

    Example:
    >>> ln = LayerNormalization(epsilon=0.0)
    >>> ln(np.array([[1.0, 3.0]], "float32")).numpy()
    array([[-1.,  1.]], dtype=float32)
    >>> ln.get_config()["axis"]
    [-1]
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis!r}")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        # The statistics are taken in the input's own precision, not the policy's.
        self.autocast = False
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        _check_axes(axes, input_shape, self.axis)
        # Keras keeps the int until build and a list afterwards (the saved config has a list).
        self.axis = list(axes)
        shape = tuple(input_shape[a] for a in axes)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True,
                                         autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True,
                                        autocast=False)
        self.built = True

    def call(self, inputs):
        outputs = ops.layer_normalization(inputs, self.gamma, self.beta, self.axis,
                                          self.epsilon, rms_scaling=self.rms_scaling)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        _check_axes(self.axis if isinstance(self.axis, list) else [self.axis], input_shape,
                    self.axis)
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
