"""InputLayer and `keras_like.Input`: the entry points of functional models."""

from keras_like.backend.dtypes import standardize_dtype
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.backend.shapes import standardize_shape
from keras_like.layers._arg_checks import MAX_DIMENSION, dimension
from keras_like.layers.layer import Layer
from keras_like.ops.operation import Node
from keras_like.utils.config_keys import known_kwargs


def _checked_shape(name, shape):
    try:
        shape = standardize_shape(shape)
    except ValueError as e:
        raise ValueError(f"InputLayer: Invalid `{name}`. {e}") from None
    if any(d is not None and d > MAX_DIMENSION for d in shape):
        raise ValueError(f"InputLayer: Argument `{name}` has a dimension larger than "
                         f"{MAX_DIMENSION}. Received: {name}={shape}")
    return shape


class InputLayer(Layer):
    """Holds the KerasTensor a functional model starts from."""

    # `**kwargs` take the legacy shape spellings (popped below) and what Layer takes besides
    # `name` and `dtype`, which are named here (utils.config_keys reads this).
    _config_kwargs = frozenset({"input_shape", "batch_input_shape", "trainable",
                                "activity_regularizer", "autocast", "input_dim", "weights"})

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=False,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:  # legacy spelling
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_size is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `batch_size` and `batch_shape` at the same time.")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(
                    f"Argument `input_tensor` must be a KerasTensor. Received: {input_tensor}"
                )
            batch_shape = input_tensor.shape
        elif shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument.")
        if batch_size is not None:
            dimension(self, "batch_size", batch_size)
        if shape is not None:
            shape = _checked_shape("shape", (shape,) if isinstance(shape, int) else shape)
            batch_shape = (batch_size, *shape)
        self._batch_shape = _checked_shape("batch_shape", batch_shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, name=self.name)
        self._input_tensor = input_tensor
        Node(self, call_args=(), call_kwargs={}, outputs=input_tensor)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype

    def call(self):
        return None

    def get_config(self):
        return {"batch_shape": list(self._batch_shape), "dtype": self._dtype,
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name,
                "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        # `dtype` is a bare string here, so Layer.from_config's policy handling does not apply.
        return cls(**known_kwargs(cls, config))


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
          name=None, tensor=None, optional=False):
    """A symbolic input for a functional model.

    >>> x = Input(shape=(20,))
    >>> x.shape
    (None, 20)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       ragged=ragged, batch_shape=batch_shape, name=name, input_tensor=tensor,
                       optional=optional)
    return layer.output
