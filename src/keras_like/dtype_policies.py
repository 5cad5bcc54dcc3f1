"""Dtype policies: the dtype a layer computes in and the dtype its variables are stored in."""

from keras_like.backend import config
from keras_like.backend.dtypes import standardize_dtype

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_GLOBAL_POLICY = None


class DTypePolicy:
    """`DTypePolicy("float32")`, or a mixed policy `"mixed_float16"` (float16 compute, float32
    variables)."""

    def __init__(self, name=None):
        name = name or config.floatx()
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'mixed_float16'. Received: {name}")
        if name in _MIXED:
            self._compute_dtype, self._variable_dtype = _MIXED[name], "float32"
        else:
            try:
                dtype = standardize_dtype(name)
            except ValueError:
                raise ValueError(
                    f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                    "include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
                    "such as 'float32'."
                ) from None
            self._compute_dtype = self._variable_dtype = dtype
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


def dtype_policy():
    """The global policy (floatx unless `set_dtype_policy` changed it)."""
    return _GLOBAL_POLICY or DTypePolicy(config.floatx())


def set_dtype_policy(policy):
    global _GLOBAL_POLICY
    _GLOBAL_POLICY = get(policy)


def reset_dtype_policy():
    """Back to the `floatx()` default (`clear_session()` does this, as in Keras)."""
    global _GLOBAL_POLICY
    _GLOBAL_POLICY = None


def get(identifier):
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        if identifier.get("class_name") not in (None, "DTypePolicy", "FloatDTypePolicy"):
            raise ValueError(f"Cannot interpret dtype policy: {identifier}")
        return DTypePolicy.from_config(identifier.get("config", identifier))
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    return DTypePolicy(standardize_dtype(identifier))


def serialize(policy):
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(),
            "registered_name": None}
