"""RMSNormalization: scales by the inverse root mean square (Zhang & Sennrich, 2019)."""

from keras_like import ops
from keras_like.layers.layer import Layer


class RMSNormalization(Layer):
    """Computes `x * rsqrt(mean(square(x), axis) + epsilon) * scale`.

    The mean is not subtracted. The learned `scale` (initialised to ones) spans `axis`.

    Args:
        axis: Integer or list/tuple of integers, the axes normalised over. Defaults to `-1`.
            Once built the layer holds (and its config records) a sorted list.
        epsilon: Small float added to the mean square. Defaults to `1e-6`.

    Example:
    >>> rms = RMSNormalization(epsilon=0.0)
    >>> rms(np.array([[3.0, -3.0]], "float32")).numpy()
    array([[ 1., -1.]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, tuple) else axis
        self.epsilon = epsilon
        self.scale = None

    def build(self, input_shape):
        axes = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        self._check_axes(axes, input_shape)
        self.axis = axes
        self.scale = self.add_weight(name="scale", shape=tuple(input_shape[a] for a in axes),
                                     initializer="ones")
        self.built = True

    def call(self, x):
        scale = self.scale
        rank = len(x.shape)
        if [a % rank for a in self.axis] != [rank - 1]:
            # Laid along the normalised axes; Keras broadcasts the weight against the trailing
            # axes, which only agrees when those are the normalised ones.
            shape = [1] * rank
            for a in self.axis:
                shape[a] = x.shape[a]
            scale = ops.reshape(scale, shape)
        return ops.rms_normalization(x, scale=scale, axis=self.axis, epsilon=self.epsilon)

    def _check_axes(self, axes, input_shape):
        for axis in axes:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {axis} is out of bounds for input shape {input_shape}. "
                                 f"Received: axis={self.axis}")

    def compute_output_shape(self, input_shape):
        self._check_axes(self.axis if isinstance(self.axis, list) else [self.axis], input_shape)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
