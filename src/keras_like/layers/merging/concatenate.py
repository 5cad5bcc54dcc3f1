"""Concatenate: joins a list of tensors along one axis."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates a list of tensors along `axis` (all other dims must match).

    Masks are concatenated too: an unmasked input counts as all-valid.

    Args:
        axis: Axis along which to concatenate.
        **kwargs: Standard layer keyword arguments.

    Example:
    >>> x, y = np.zeros((2, 2, 5)), np.ones((2, 1, 5))
    >>> Concatenate(axis=1)([x, y]).shape
    (2, 3, 5)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def _mismatch(self, input_shape):
        return ValueError(
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            f"concatenation axis. Received: input_shape={input_shape}"
        )

    def build(self, input_shape):
        # Only validates the shapes.
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        self.built = True
        if all(shape is None for shape in input_shape):
            return
        reduced = set()
        for shape in input_shape:
            shape = list(shape)
            if -len(shape) <= self.axis < len(shape):
                del shape[self.axis]
            reduced.add(tuple(shape))
        if len(reduced) == 1:
            return
        ranks = {len(shape) for shape in reduced}
        if len(ranks) != 1:
            raise self._mismatch(input_shape)
        for axis in range(ranks.pop()):
            # Unknown (None) dims are checked when the layer runs.
            dims = {shape[axis] for shape in reduced if shape[axis] is not None}
            if len(dims) > 1:
                raise self._mismatch(input_shape)

    def _merge_function(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape}"
            )
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        self._check_mask_args(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(ops.ones_like(x, dtype="bool"))
            elif ops.ndim(m) < ops.ndim(x):
                masks.append(ops.broadcast_to(ops.expand_dims(m, axis=-1), ops.shape(x)))
            else:
                masks.append(m)
        concatenated = ops.concatenate(masks, axis=self.axis)
        return ops.any(concatenated, axis=-1, keepdims=False)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to the `Concatenate` layer.

    Args:
        inputs: A list of input tensors.
        axis: Concatenation axis.
        **kwargs: Standard layer keyword arguments.

    Returns:
        A tensor, the concatenation of the inputs along `axis`.

    Example:
    >>> concatenate([np.zeros((2, 3)), np.ones((2, 4))]).shape
    (2, 7)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
