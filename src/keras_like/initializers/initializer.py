"""`keras_like.initializers.Initializer`, the base class of every initializer."""

from keras_like.utils.config_keys import known_kwargs


class Initializer:
    """Initializer base class: an initializer turns a shape and dtype into a tensor.

    Subclasses implement `__call__(shape, dtype=None)` and, when they take arguments,
    `get_config()`; the default `from_config` passes the config back to the constructor.

    Example:
    >>> class Fives(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return keras_like.ops.full(shape, 5.0, dtype=dtype)
    >>> Fives()((2,)).numpy()
    array([5., 5.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        """Returns a tensor of shape `shape` and dtype `dtype` (default: floatx).

        Args:
            shape: Shape of the tensor.
            dtype: Optional dtype of the tensor.
        """
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self):
        """Returns the initializer's configuration as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Instantiates an initializer from the output of `get_config()`.

        Example:
        >>> init = keras_like.initializers.RandomUniform(-1, 1)
        >>> type(keras_like.initializers.RandomUniform.from_config(init.get_config())).__name__
        'RandomUniform'
        """
        return cls(**known_kwargs(cls, config))

    def clone(self):
        """A new initializer with the same configuration."""
        return self.__class__.from_config(self.get_config())
