"""Dot: batch-wise dot product of two tensors along chosen axes."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge


def batch_dot(x, y, axes=None):
    """Dot product of the samples of `x` and `y` (batch axis 0 is kept, never reduced).

    The result has `x`'s dims without `axes[0]`, then `y`'s dims without the batch axis and
    `axes[1]`; a rank-1 result becomes `(batch_size, 1)`.

    Example:
    >>> batch_dot(np.ones((32, 20, 1)), np.ones((32, 30, 20)), axes=(1, 2)).shape
    (32, 1, 30)
    """
    x, y = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    x_ndim, y_ndim = len(x_shape), len(y_shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(
            "Cannot do batch_dot on inputs with rank < 2. "
            f"Received inputs with shapes {x_shape} and {y_shape}."
        )
    if x_shape[0] is not None and y_shape[0] is not None and x_shape[0] != y_shape[0]:
        raise ValueError(
            "Cannot do batch_dot on inputs with different batch sizes. "
            f"Received inputs with shapes {x_shape} and {y_shape}."
        )
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(
            "Multiple target dimensions are not supported. "
            f"Expected: None, int, (int, int), Provided: {axes} "
        )
    axes = list(axes)
    if axes[0] < 0:
        axes[0] += x_ndim
    if axes[1] < 0:
        axes[1] += y_ndim
    if 0 in axes:
        raise ValueError(
            "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy "
            "batch dimension to your inputs using keras.ops.expand_dims(x, 0)"
        )
    a0, a1 = axes
    if x_shape[a0] != y_shape[a1]:
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} with "
            f"axes={axes}. x.shape[{axes[0]}] != y.shape[{axes[1]}] "
            f"({x_shape[a0]} != {y_shape[a1]})."
        )
    orig_x_ndim, orig_y_ndim = x_ndim, y_ndim
    if x_ndim == 2:
        x = ops.expand_dims(x, 1)
        a0 += 1
        x_ndim += 1
    if y_ndim == 2:
        y = ops.expand_dims(y, 2)
        y_ndim += 1
    # Bring x's reduced axis last and y's reduced axis to position 1: then one batched matmul.
    if a0 != x_ndim - 1:
        perm = [i for i in range(x_ndim) if i != a0] + [a0]
        x = ops.transpose(x, perm)
    if a1 != 1:
        perm = [0, a1] + [i for i in range(1, y_ndim) if i != a1]
        y = ops.transpose(y, perm)
    x_mid = tuple(x.shape[1:-1])
    y_trail = tuple(y.shape[2:])
    if x_ndim > 3:
        x = ops.reshape(x, (x.shape[0], -1, x.shape[-1]))
    if y_ndim > 3:
        y = ops.reshape(y, (y.shape[0], y.shape[1], -1))
    result = ops.matmul(x, y)
    if x_ndim > 3 or y_ndim > 3:
        result = ops.reshape(result, (result.shape[0], *x_mid, *y_trail))
    if orig_x_ndim == 2:
        result = ops.squeeze(result, 1)
    elif orig_y_ndim == 2:
        result = ops.squeeze(result, -1)
    return result


class Dot(Merge):
    """Dot product of the samples of two tensors along `axes`.

    With inputs shaped `(2, 3, 5)` and `(2, 10, 3)` and `axes=(1, 2)` the output is
    `(2, 5, 10)`. A result of rank 1 is reshaped to `(batch_size, 1)`.

    Args:
        axes: Integer, or tuple/list of two integers (one axis per input); axis 0 (the batch
            axis) cannot be reduced. The two axes must have the same size.
        normalize: Whether to L2-normalize the samples along the dot axes first, which makes
            the output the cosine similarity.
        **kwargs: Standard layer keyword arguments.

    Example:
    >>> x, y = np.arange(10.0).reshape(1, 5, 2), np.arange(10.0, 20.0).reshape(1, 2, 5)
    >>> Dot(axes=(1, 2))([x, y]).shape
    (1, 2, 2)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be a list or an int. "
                    f"Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements. "
                    f"Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _resolved_axes(self, shape1, shape2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % len(shape1), self.axes % len(shape2)]
            return [self.axes] * 2
        return [a % len(s) if a < 0 else a for a, s in zip(self.axes, (shape1, shape2))]

    def build(self, input_shape):
        # Only validates the shapes.
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. "
                f"Received: input_shape={input_shape}"
            )
        self.built = True
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return
        axes = self._resolved_axes(shape1, shape2)
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) "
                f"!= {shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: "
                f"{tuple(shape1)}, {tuple(shape2)}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}"
            )
        x1, x2 = inputs
        axes = self._resolved_axes(x1.shape, x2.shape)
        if self.normalize:
            x1 = ops.normalize(x1, axis=axes[0])
            x2 = ops.normalize(x2, axis=axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. "
                f"Received: input_shape={input_shape}"
            )
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._resolved_axes(shape1, shape2)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape += [1]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, **kwargs):
    """Functional interface to the `Dot` layer.

    Args:
        inputs: A list of two input tensors.
        axes: Integer or pair of integers, the axes along which to take the dot product.
        **kwargs: Standard layer keyword arguments (and `normalize`).

    Returns:
        A tensor, the batch-wise dot product of the inputs.

    Example:
    >>> dot([np.ones((4, 3)), np.ones((4, 3))], axes=1).shape
    (4, 1)
    """
    return Dot(axes=axes, **kwargs)(inputs)
