"""`keras_like.config`: global settings (the `keras.config` API).

    import keras_like as keras
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("mixed_float16")

The values live where they are used (`keras_like.backend.config`, `keras_like.dtype_policies`,
`keras_like.utils.io_utils`, ...); this module is the public face. `set_num_threads` and
`get_num_threads` are keras_like's own.
"""

from keras_like.backend.config import (
    backend,
    epsilon,
    floatx,
    get_num_threads,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_num_threads,
)
from keras_like.dtype_policies import dtype_policy, set_dtype_policy
from keras_like.utils.io_utils import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from keras_like.utils.traceback_utils import (
    disable_traceback_filtering,
    enable_traceback_filtering,
    is_traceback_filtering_enabled,
)

# Keras's default: None, meaning "use flash attention where a layer supports it".
_FLASH_ATTENTION = None


def enable_flash_attention():
    """Lets attention layers use flash attention where they support it (the default).

    Example:

    >>> enable_flash_attention()
    >>> is_flash_attention_enabled() is not False
    True
    """
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = None


def disable_flash_attention():
    """Keeps attention layers from using flash attention.

    Example:

    >>> disable_flash_attention()
    >>> is_flash_attention_enabled()
    False
    >>> enable_flash_attention()
    """
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled():
    """Returns `False` once `disable_flash_attention()` was called, else `None` (as Keras).

    Example:

    >>> is_flash_attention_enabled() is None
    True
    """
    return _FLASH_ATTENTION


def is_nnx_enabled():
    """Whether Flax NNX features are on: a JAX-backend setting, always `False` here.

    Example:

    >>> is_nnx_enabled()
    False
    """
    return False


def __getattr__(name):
    # Safe mode belongs to the saving code; its switch appears here once saving defines it.
    if name == "enable_unsafe_deserialization":
        from keras_like.saving import serialization_lib

        if hasattr(serialization_lib, name):
            return getattr(serialization_lib, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "backend", "disable_flash_attention", "disable_interactive_logging",
    "disable_traceback_filtering", "dtype_policy", "enable_flash_attention",
    "enable_interactive_logging", "enable_traceback_filtering", "epsilon", "floatx",
    "get_num_threads", "image_data_format", "is_flash_attention_enabled",
    "is_interactive_logging_enabled", "is_nnx_enabled", "is_traceback_filtering_enabled",
    "set_dtype_policy", "set_epsilon", "set_floatx", "set_image_data_format", "set_num_threads",
]
