"""`keras_like.random.SeedGenerator` and the global generator behind `seed=None`.

The engine draws counter-based Philox4x32-10 numbers: `(key, counter)` picks block `counter`,
and a draw of `n` values reads blocks `counter, counter + 1, ...` (four values per block). A
generator therefore only has to remember `[seed, counter]` and move the counter past the
blocks each draw reads, so that successive draws never share a block. The random ops hand
the state Variable to the engine as it is and advance it with an engine add
(`keras_like.ops.random_state`): a draw never reads the state on the host.
"""

import itertools
import random as python_random

import numpy as np

from keras_like.backend.naming import name_scope
from keras_like.backend.variable import Variable
from keras_like.ops import random_state

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_name_counter = itertools.count()
_global_generator = None


def _auto_name():
    i = next(_name_counter)
    return "seed_generator" if i == 0 else f"seed_generator_{i}"


class SeedGenerator:
    """Generates a fresh `(seed, counter)` for each random op that is given it.

    Random ops given an integer seed are stateless: the same integer gives the same numbers on
    every call. To get new numbers on each call, pass a `SeedGenerator`: its state is a
    non-trainable int64 Variable `[seed, counter]` (named `seed_generator_state`) and each draw
    moves the counter past the Philox blocks it read (modulo 2**64, as the engine adds to a
    uint64 counter).

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
        if not random_state.is_int_seed(seed):
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

    def next(self, ordered=True, num_blocks=1):
        """Returns the current state as an int64 tensor `[seed, counter]`, then advances it.

        Random ops advance the generator themselves; this is for handing a state to code
        that takes a seed tensor. A seed tensor is used as given, so two hand-taken seeds
        one block apart overlap in all but their first block: pass the generator itself to
        random ops instead.

        Args:
            ordered: Kept for Keras compatibility; the counter always moves forward.
            num_blocks: How far to move the counter.
        """
        del ordered
        return random_state.take_state(self.state, num_blocks)

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, state={self.state.numpy().tolist()}>"


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


random_state.set_global_generator_source(global_seed_generator)
