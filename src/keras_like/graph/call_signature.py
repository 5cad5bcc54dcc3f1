"""What identifies a traced call: the structure of the arguments, each tensor's shape and dtype,
and the value (or identity) of everything else.

A graph is specialised to one signature: Python values, shapes and the objects a call was
given were fixed while it was traced, so a call that differs in any of them traces again.
"""

import numpy as np

from keras_like.backend import Tensor
from keras_like.backend.convert import convert_to_tensor
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.backend.variable import Variable

_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def map_leaves(fn, x):
    """`x` with every leaf outside tuples, lists and dicts replaced by `fn(leaf)`: the one
    container walk of argument rebuilding and output templates (kept this narrow because it
    runs on every replayed call)."""
    kind = type(x)
    if kind is tuple or kind is list:
        return kind(map_leaves(fn, v) for v in x)
    if kind is dict:
        return {k: map_leaves(fn, v) for k, v in x.items()}
    return fn(x)


class Uncapturable(Exception):
    """A call whose arguments a graph cannot take (symbolic tensors, string arrays)."""


class CallSignature:
    """Walks a nested call's arguments once: the cache key, the distinct tensors in order, and
    a way to rebuild the arguments with those tensors in place."""

    def __init__(self, structure):
        self.tensors = []
        self._index_of = {}
        self.keepalive = []  # objects keyed by identity stay alive with the cache entry
        self._arrays = {}  # id(NumPy argument) -> its tensor
        self.key = self._walk(structure)
        self._structure = structure

    def _tensor_leaf(self, t):
        index = self._index_of.get(id(t))
        if index is None:
            index = self._index_of[id(t)] = len(self.tensors)
            self.tensors.append(t)
        return ("t", tuple(t.shape), t.dtype, index)

    def _walk(self, x):
        kind = type(x)
        if kind is Tensor:
            return self._tensor_leaf(x)
        if kind is tuple or kind is list:
            return (kind.__name__,) + tuple(self._walk(v) for v in x)
        if kind is dict:
            return ("dict",) + tuple((k, self._walk(x[k])) for k in sorted(x, key=repr))
        if kind in _SCALARS:
            return (kind.__name__, x)
        if kind is np.ndarray:
            if x.dtype.kind in "OUSV":
                raise Uncapturable("it was called with an array of strings")
            return self._tensor_leaf(self._converted(x))
        if isinstance(x, KerasTensor):
            raise Uncapturable("it was called with a symbolic KerasTensor")
        if isinstance(x, (np.generic,)):
            return ("np", x.dtype.str, x.item())
        self.keepalive.append(x)
        return ("id", id(x)) if not isinstance(x, Variable) else ("var", id(x))

    def _converted(self, array):
        t = self._arrays.get(id(array))
        if t is None:
            t = self._arrays[id(array)] = convert_to_tensor(array)
            self.keepalive.append(array)
        return t

    def rebuild(self):
        """The arguments with NumPy arrays replaced by the tensors the graph binds (the
        arguments themselves when there were none)."""
        if not self._arrays:
            return self._structure

        arrays = self._arrays
        return map_leaves(lambda x: arrays[id(x)] if type(x) is np.ndarray else x,
                          self._structure)
