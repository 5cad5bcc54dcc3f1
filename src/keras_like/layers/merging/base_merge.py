"""Merge: the base class of the layers that combine a list of tensors into one."""

from keras_like import ops
from keras_like.layers.layer import Layer


def _mask_of(x):
    return getattr(x, "_keras_mask", None)


class Merge(Layer):
    """Generic merge layer for element-wise merge functions (Add, Average, Maximum, ...).

    Subclasses write `_merge_function(inputs)`. Inputs of different ranks are expanded at
    axis 1 until they broadcast, as in Keras.

    Example:
    >>> class Sum(Merge):
    ...     def _merge_function(self, inputs):
    ...         return sum(inputs[1:], inputs[0])
    >>> Sum()([ops.ones((2, 3)), ops.ones((2, 3))]).shape
    (2, 3)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _apply_merge_op_and_or_mask(self, op_fn, inputs):
        """Folds `op_fn` over the inputs, ignoring masked-out steps (no identity element).

        A masked step of one input takes the value of the other; the merged mask (the OR of
        all masks, when every input has one) is attached to the output.
        """
        output = None
        output_mask = None
        for x in inputs:
            mask = _mask_of(x)
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), ops.shape(x))
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            if mask is not None and output_mask is not None:
                output_mask = ops.logical_or(output_mask, mask)
            else:
                output_mask = None
            output = op_fn(output, x)
        if output_mask is not None:
            output._keras_mask = ops.any(output_mask, axis=-1, keepdims=False)
        return output

    @staticmethod
    def _compute_elemwise_op_output_shape(shape1, shape2):
        """The broadcast of two shapes (None when unknown); raises if they cannot broadcast."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return tuple(shape1)
        output_shape = list(shape1[: -len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1:
                output_shape.append(i)
            else:
                if i != j:
                    raise ValueError(
                        f"Inputs have incompatible shapes. Received shapes {tuple(shape1)} and "
                        f"{tuple(shape2)}"
                    )
                output_shape.append(i)
        return tuple(output_shape)

    def build(self, input_shape):
        # Only validates the shapes: merge layers have no weights.
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. "
                f"Received tensors with shapes {input_shape}"
            )
        output_shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            shape = None if shape is None else tuple(shape[1:])
            output_shape = self._compute_elemwise_op_output_shape(output_shape, shape)
        ranks = {len(s) for s in input_shape if s is not None}
        self._reshape_required = None in input_shape or len(ranks) != 1
        self.built = True

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: inputs={inputs} (not a list of tensors)"
            )
        if mask is not None:
            # Masks arrive as an argument; the masked merges read them from the tensors.
            for x, m in zip(inputs, mask):
                if m is not None and _mask_of(x) is None:
                    x._keras_mask = m
        if self._reshape_required:
            max_ndim = max(ops.ndim(x) for x in inputs)
            reshaped = []
            for x in inputs:
                for _ in range(max_ndim - ops.ndim(x)):
                    x = ops.expand_dims(x, axis=1)
                reshaped.append(x)
            return self._merge_function(reshaped)
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        output_shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            shape = None if shape is None else tuple(shape[1:])
            output_shape = self._compute_elemwise_op_output_shape(output_shape, shape)
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch, *output_shape)

    def _check_mask_args(self, inputs, mask):
        if not isinstance(mask, (tuple, list)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if not isinstance(inputs, (tuple, list)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError(
                "The lists `inputs` and `mask` should have the same length. "
                f"Received: inputs={inputs} of length {len(inputs)}, and "
                f"mask={mask} of length {len(mask)}"
            )

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        self._check_mask_args(inputs, mask)
        # The OR of the masks, which fits Add, Subtract, Average, Maximum, Minimum, Multiply.
        if any(m is None for m in mask):
            return None
        output_mask = mask[0]
        for m in mask[1:]:
            output_mask = ops.logical_or(output_mask, m)
        return output_mask

    def get_config(self):
        return super().get_config()
