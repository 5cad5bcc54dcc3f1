"""Engine access, conversion, Variables, tapes and settings."""

from keras_like.backend import config
from keras_like.backend.convert import convert_to_numpy, convert_to_tensor, is_tensor
from keras_like.backend.dtypes import result_type, standardize_dtype
from keras_like.backend.engine import Tensor
from keras_like.backend.gradient_tape import GradientTape
from keras_like.backend.naming import name_scope
from keras_like.backend.variable import Variable

__all__ = [
    "config", "convert_to_numpy", "convert_to_tensor", "is_tensor", "result_type",
    "standardize_dtype", "Tensor", "GradientTape", "name_scope", "Variable",
]
from keras_like.backend.config import (  # noqa: E402,F401
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from keras_like.backend.dtypes import is_float_dtype, is_int_dtype  # noqa: E402,F401
from keras_like.backend.keras_tensor import is_keras_tensor  # noqa: E402,F401
from keras_like.backend.optimizer_kernels import optimizer_update, step_scalars  # noqa: E402,F401
from keras_like.backend.session import clear_session  # noqa: E402,F401
from keras_like.backend.uids import get_uid  # noqa: E402,F401
