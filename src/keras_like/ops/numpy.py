"""The `keras.ops.numpy` namespace: every NumPy-named op in one module."""

from keras_like.ops.complex_parts import angle, conj, conjugate, imag, isreal, real  # noqa: F401
from keras_like.ops.numpy_array_api import *  # noqa: F401,F403
from keras_like.ops.numpy_create import *  # noqa: F401,F403
from keras_like.ops.numpy_linalg_like import *  # noqa: F401,F403
from keras_like.ops.numpy_math import *  # noqa: F401,F403
from keras_like.ops.numpy_nan_reductions import *  # noqa: F401,F403
from keras_like.ops.numpy_reduce import *  # noqa: F401,F403
from keras_like.ops.numpy_series import *  # noqa: F401,F403
from keras_like.ops.numpy_sets import *  # noqa: F401,F403
from keras_like.ops.numpy_shape import *  # noqa: F401,F403
from keras_like.ops.numpy_special import *  # noqa: F401,F403
from keras_like.ops.numpy_windows import *  # noqa: F401,F403
