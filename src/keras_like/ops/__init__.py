"""`keras_like.ops`: the Keras 3 `keras.ops` functions over the native engine.

Submodules mirror Keras: `ops.numpy`, `ops.nn`, `ops.math`, `ops.linalg`, `ops.core`; every
public function is also exported here, as in `keras.ops`.
"""

from keras_like.ops import core, linalg, math, nn, numpy  # noqa: F401
from keras_like.ops import tensor_methods as _tensor_methods
from keras_like.ops.core import *  # noqa: F401,F403
from keras_like.ops.custom_gradient import custom_gradient  # noqa: F401
from keras_like.ops.linalg import *  # noqa: F401,F403
from keras_like.ops.math import *  # noqa: F401,F403
from keras_like.ops.nn import *  # noqa: F401,F403
from keras_like.ops.numpy import *  # noqa: F401,F403

_tensor_methods.install()
