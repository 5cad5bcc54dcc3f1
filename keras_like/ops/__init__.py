"""`keras_like.ops`: the Keras 3 `keras.ops` functions over the native engine."""

from keras_like.ops import tensor_methods as _tensor_methods
from keras_like.ops.numpy_create import *  # noqa: F401,F403
from keras_like.ops.numpy_math import *  # noqa: F401,F403
from keras_like.ops.numpy_reduce import *  # noqa: F401,F403

_tensor_methods.install()
from keras_like.ops.core import *  # noqa: F401,F403,E402
