"""Philox state for random draws: from a `seed` argument to the engine's state tensor.

The engine draws counter-based Philox4x32-10 numbers from an int64 state tensor
`[seed, counter]` (uint64 values stored bit for bit): element `i` of a draw with
`block_offset=o` uses block `counter + o + i // 4`. A draw that reads `n` blocks therefore
only has to move a generator's counter by `n` afterwards, so successive draws never share a
block.

Everything here stays on the device: a generator's state Variable is handed to the engine
as it is and advanced with an engine add (which wraps modulo 2**64, like the uint64 counter
the kernel adds `block_offset` to). Nothing reads a tensor on the host, so a captured step
can replay the same op list with the state as an input.
"""

import numpy as np

from keras_like.backend.engine import Tensor, _engine
from keras_like.backend.variable import Variable

_UINT64_MASK = 2**64 - 1
_INT64_SIGN = 2**63

# `seed=None` draws from the global generator, which lives in `keras_like.random` (above
# ops): it registers a function returning it, so this module never imports upwards.
_global_generator_source = None

SEED_TYPE_ERROR = (
    "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
    "Received: seed={seed} (of type {type})"
)


def set_global_generator_source(source):
    """Registers the zero-argument function that returns the generator behind `seed=None`."""
    global _global_generator_source
    _global_generator_source = source


def blocks_for(size):
    """Philox blocks a draw of `size` values reads (four values per block, at least one)."""
    return max(1, -(-int(size) // 4))


def is_int_seed(value):
    """True for Python and NumPy integers (not booleans)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _as_int64(value):
    """A Python int taken modulo 2**64, as the int64 with the same bits."""
    value = int(value) & _UINT64_MASK
    return value - 2**64 if value >= _INT64_SIGN else value


def stateless_state(key, counter=0):
    """The state tensor `[key, counter]` of Python ints (taken modulo 2**64)."""
    return _engine.from_numpy(np.array([_as_int64(key), _as_int64(counter)], dtype=np.int64))


def state_variable(seed):
    """The int64 `[seed, counter]` Variable of a SeedGenerator-like object, else None."""
    if isinstance(seed, Variable):
        return None  # a Variable given as a seed is a seed tensor: used as given
    state = getattr(seed, "state", None)
    return state if isinstance(state, Variable) else None


def advance_state(variable, num_blocks):
    """Moves a state Variable's counter by `num_blocks` with an engine op (no host read)."""
    variable.assign_add(np.array([0, int(num_blocks)], dtype=np.int64))


def take_state(variable, num_blocks):
    """A copy of the state Variable's current value; then the counter moves by `num_blocks`."""
    snapshot = _engine.copy(variable.value)  # taken before the advance overwrites it
    advance_state(variable, num_blocks)
    return snapshot


def _seed_tensor(seed):
    """An integer seed tensor or array of shape (2,) as an int64 tensor, else None."""
    if hasattr(seed, "_keras_like_value"):
        seed = seed._keras_like_value()
    if isinstance(seed, np.ndarray):
        if seed.shape != (2,) or seed.dtype.kind not in "iu":
            return None
        # Unsigned 64-bit values keep their bits; narrower integers are sign/zero-extended.
        return _engine.from_numpy(seed.astype(np.int64))
    if type(seed) is not Tensor or tuple(seed.shape) != (2,):
        return None
    if not str(seed.dtype).startswith(("int", "uint")):
        return None
    return seed if seed.dtype == "int64" else _engine.cast(seed, "int64")


class Reservation:
    """The Philox state one random op draws from, and the advance that follows the draw.

    Use it as a context manager: the draws inside read the state as it is, and on exit a
    generator's counter moves past the `num_blocks` blocks reserved (also when the op fails
    or draws nothing, so a generator advances the same way whatever the op does).

    Args:
        seed: An integer (stateless: `[seed, 0]` on every call), a SeedGenerator-like object
            whose `state` is an int64 Variable `[seed, counter]` (advanced after the draw) or
            an integer seed tensor/array of shape (2,) (used as given). `None` means the
            global generator (see `set_global_generator_source`).
        num_blocks: How many Philox blocks the op reads from its state.
    """

    def __init__(self, seed, num_blocks):
        self.num_blocks = int(num_blocks)
        if seed is None and _global_generator_source is not None:
            seed = _global_generator_source()
        self._variable = state_variable(seed)
        if self._variable is not None:
            self.state = self._variable.value
        elif is_int_seed(seed):
            self.state = stateless_state(seed)
        else:
            self.state = _seed_tensor(seed)
            if self.state is None:
                raise ValueError(SEED_TYPE_ERROR.format(seed=seed, type=type(seed)))

    def draw(self, kind, shape, dtype, block_offset=0):
        """Engine draw of `kind` ("uniform" or "normal") from block `counter + block_offset`."""
        return _engine.random_from_state(kind, list(shape), dtype, self.state, int(block_offset))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._variable is not None:
            advance_state(self._variable, self.num_blocks)
        return False


class Streams:
    """Consecutive, non-overlapping Philox block ranges of one reservation.

    Ops that need several independent arrays of numbers (rejection samplers) reserve `count`
    streams of `blocks_for(size)` blocks each; stream `index` starts at block
    `counter + index * blocks`, so a draw is a pure function of the state, the same on every
    thread count.
    """

    def __init__(self, reservation, size):
        self.reservation = reservation
        self.blocks = blocks_for(size)

    def draw(self, kind, shape, dtype, index):
        return self.reservation.draw(kind, shape, dtype, self.blocks * index)
