"""`keras_like.random.SeedGenerator` and the rules that turn a `seed` argument into Philox state.

The engine draws counter-based Philox4x32-10 numbers: `(key, counter)` picks block `counter`,
and a draw of `n` values reads blocks `counter, counter + 1, ...` (four values per block). A
generator therefore only has to remember `[seed, counter]` and move the counter past the
blocks each draw reads, so that successive draws never share a block.
"""

import itertools
import random as python_random

import numpy as np

from keras_like.backend.convert import convert_to_tensor
from keras_like.backend.engine import Tensor
from keras_like.backend.naming import name_scope
from keras_like.backend.variable import Variable

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UINT64_MASK = 2**64 - 1
_name_counter = itertools.count()
_global_generator = None


def _auto_name():
    i = next(_name_counter)
    return "seed_generator" if i == 0 else f"seed_generator_{i}"


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def blocks_for(size):
    """Philox blocks a draw of `size` values reads (four values per block, at least one)."""
    return max(1, -(-int(size) // 4))


class SeedGenerator:
    """Generates a fresh `(seed, counter)` for each random op that is given it.

    Random ops given an integer seed are stateless: the same integer gives the same numbers on
    every call. To get new numbers on each call, pass a `SeedGenerator`: its state is a
    non-trainable int64 Variable `[seed, counter]` (named `seed_generator_state`) and each draw
    moves the counter past the Philox blocks it read.

    Args:
        seed: Integer initial seed. `None` picks one from Python's `random` module (so it is
            reproducible after `keras_like.utils.set_random_seed`).
        name: Optional name, used as the name scope of the state variable.

    Example:
    >>> gen = SeedGenerator(seed=42)
    >>> a = keras_like.random.normal((2, 3), seed=gen)
    >>> b = keras_like.random.normal((2, 3), seed=gen)  # different numbers from `a`
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)  # Keras passes a backend module here; there is only one
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = _auto_name() if name is None else name
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not _is_int(seed):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        seed = int(seed)
        if not _INT64_MIN <= seed <= _INT64_MAX:
            raise ValueError(
                "Argument `seed` must fit in a signed 64-bit integer. "
                f"Received: seed={seed}"
            )
        with name_scope(self.name):
            self.state = Variable(
                np.array([seed, 0], dtype=np.int64),
                shape=(2,),
                dtype="int64",
                trainable=False,
                name="seed_generator_state",
            )

    def _take(self, num_blocks):
        """Returns `(seed, counter)` as Python ints and moves the counter by `num_blocks`."""
        values = self.state.value.numpy()
        seed, counter = int(values[0]), int(values[1])
        new_counter = counter + int(num_blocks)
        if new_counter > _INT64_MAX:  # after 2**63 blocks: start over rather than overflow
            new_counter -= 2**63
        self.state.assign(np.array([seed, new_counter], dtype=np.int64))
        return seed, counter

    def next(self, ordered=True, num_blocks=1):
        """Returns the current state as an int64 tensor `[seed, counter]`, then advances it.

        Random ops call this with the number of Philox blocks they read. A seed tensor taken
        by hand is used as given, so two hand-taken seeds one block apart overlap in all but
        their first block: pass the generator itself to random ops instead.

        Args:
            ordered: Kept for Keras compatibility; the counter always moves forward.
            num_blocks: How far to move the counter.
        """
        del ordered
        return convert_to_tensor(np.array(self._take(num_blocks), dtype=np.int64))

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, state={self.state.value.numpy().tolist()}>"


def make_default_seed():
    """A seed from Python's `random` module, as Keras picks one."""
    return python_random.randint(1, int(1e9))


def global_seed_generator():
    """The generator behind `seed=None`; `set_random_seed` replaces it."""
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator(name="global_seed_generator")
    return _global_generator


def set_global_seed_generator(generator):
    global _global_generator
    _global_generator = generator


def draw_seed(seed, num_blocks=1):
    """The Philox `(key, counter)` for a `seed` argument, as non-negative Python ints.

    - `None`: the global generator's state; it advances by `num_blocks`.
    - an integer: `(seed, 0)` every time (stateless).
    - a `SeedGenerator`: its state; it advances by `num_blocks`.
    - an integer tensor of shape (2,) such as `SeedGenerator.next()` returns: used as given.
    """
    if isinstance(seed, SeedGenerator):
        key, counter = seed._take(num_blocks)
    elif _is_int(seed):
        key, counter = int(seed), 0
    elif seed is None:
        key, counter = global_seed_generator()._take(num_blocks)
    elif _is_seed_tensor(seed):
        values = np.asarray(seed.numpy() if type(seed) is Tensor else seed).reshape(-1)
        key, counter = int(values[0]), int(values[1])
    else:
        raise ValueError(
            "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    return key & _UINT64_MASK, counter & _UINT64_MASK


def _is_seed_tensor(seed):
    if hasattr(seed, "_keras_like_value"):
        seed = seed._keras_like_value()
    if type(seed) is not Tensor and not isinstance(seed, np.ndarray):
        return False
    dtype = str(seed.dtype)
    return tuple(seed.shape) == (2,) and dtype.startswith(("int", "uint"))
