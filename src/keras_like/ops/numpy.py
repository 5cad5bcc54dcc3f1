"""The `keras.ops.numpy` namespace: every NumPy-named op in one module."""

from keras_like.ops.numpy_create import *  # noqa: F401,F403
from keras_like.ops.numpy_linalg_like import *  # noqa: F401,F403
from keras_like.ops.numpy_math import *  # noqa: F401,F403
from keras_like.ops.numpy_reduce import *  # noqa: F401,F403
from keras_like.ops.numpy_shape import *  # noqa: F401,F403
