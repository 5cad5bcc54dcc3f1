"""`keras_like.mixed_precision`: Keras's mixed-precision names for the dtype policy API.

    import keras_like as keras
    keras.mixed_precision.set_global_policy("mixed_float16")

`Policy` is `DTypePolicy`; `global_policy` / `set_global_policy` are `dtype_policy` /
`set_dtype_policy` (the same objects, as in Keras).
"""

from keras_like.dtype_policies import DTypePolicy, dtype_policy, set_dtype_policy

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = [
    "DTypePolicy", "Policy", "dtype_policy", "global_policy", "set_dtype_policy",
    "set_global_policy",
]
