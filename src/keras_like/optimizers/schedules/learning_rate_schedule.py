"""Learning rate schedules (`keras_like.optimizers.schedules`), with Keras 3's formulas.

Each schedule maps the optimizer step (a Python int or an int/float tensor or Variable) to a
scalar tensor. The arithmetic runs in the dtype of `initial_learning_rate`: `floatx()`
(float32) when it is a Python number. Keras would compute an int32 schedule for an int
learning rate such as `0`; keras_like treats every Python number as a float.
"""

import math

from keras_like import ops
from keras_like.backend import config
from keras_like.utils.config_keys import known_kwargs

_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def _float_value(value):
    """A learning-rate-like value as a float tensor (Python and NumPy numbers become floatx)."""
    if not (ops.is_tensor(value) or hasattr(value, "_keras_like_value")):
        return ops.convert_to_tensor(value, dtype=config.floatx())
    t = ops.convert_to_tensor(value)
    if ops.dtype(t) not in _FLOAT_DTYPES:
        t = ops.cast(t, config.floatx())
    return t


class LearningRateSchedule:
    """The learning rate schedule base class.

    A schedule modulates the learning rate of an optimizer over time. Pass an instance as
    the `learning_rate` of any optimizer; it is called with the current step count.

    To write your own, implement `__call__(self, step)` (`step` is a scalar integer tensor
    or Python int, the current training step count) and, to make it serializable,
    `get_config()` (and `from_config()` when `cls(**config)` does not rebuild it).

    Example:

    ```python
    class MyLRSchedule(keras_like.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate):
            self.initial_learning_rate = initial_learning_rate

        def __call__(self, step):
            return self.initial_learning_rate / (step + 1)
    ```
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' "
            "must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' "
            "must override `get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Instantiates a `LearningRateSchedule` from its config (`get_config()` output)."""
        return cls(**known_kwargs(cls, config))


def _check_positive(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """A `LearningRateSchedule` that uses an exponential decay schedule.

    ```python
    def decayed_learning_rate(step):
        return initial_learning_rate * decay_rate ** (step / decay_steps)
    ```

    With `staircase=True`, `step / decay_steps` is floored, so the rate decays in steps.

    Args:
        initial_learning_rate: A Python float. The initial learning rate.
        decay_steps: A Python integer. Must be positive.
        decay_rate: A Python float. The decay rate.
        staircase: Boolean. If `True` decay the learning rate at discrete intervals.
        name: String. Optional name of the operation. Defaults to `"ExponentialDecay"`.

    Example:
    >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> float(schedule(10))
    0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", self.decay_steps)

    def __call__(self, step):
        initial_learning_rate = _float_value(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = ops.cast(self.decay_steps, dtype)
        decay_rate = ops.cast(self.decay_rate, dtype)
        p = ops.divide(ops.cast(step, dtype), decay_steps)
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(initial_learning_rate, ops.power(decay_rate, p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A `LearningRateSchedule` that uses a piecewise constant decay schedule.

    The rate is `values[0]` while `step <= boundaries[0]`, `values[1]` while
    `boundaries[0] < step <= boundaries[1]`, ..., and `values[-1]` once
    `step > boundaries[-1]`.

    Args:
        boundaries: A list of Python numbers with strictly increasing entries (cast to the
            step's dtype, as in Keras).
        values: A list of Python numbers, one more than `boundaries`: the rate on each
            interval.
        name: A string. Optional name of the operation. Defaults to `"PiecewiseConstant"`.

    Raises:
        ValueError: if `len(values) != len(boundaries) + 1`.

    Example:
    >>> schedule = PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1])
    >>> [float(schedule(s)) for s in (100, 101, 111)]
    [1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of "
                f"values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} "
                f"of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        boundaries = ops.stack([ops.cast(b, step.dtype) for b in self.boundaries])
        first = _float_value(self.values[0])
        values = ops.stack([first] + [ops.cast(v, first.dtype) for v in self.values[1:]])
        # With increasing boundaries, the number of boundaries below `step` is the index of
        # the interval holding it; Keras sums `value * (step in interval)` over the
        # intervals, which gives the same value for finite entries.
        index = ops.sum(ops.cast(ops.greater(step, boundaries), "int32"))
        return ops.take(values, index)

    def get_config(self):
        return {
            "boundaries": self.boundaries,
            "values": self.values,
            "name": self.name,
        }


class PolynomialDecay(LearningRateSchedule):
    """A `LearningRateSchedule` that uses a polynomial decay schedule.

    ```python
    def decayed_learning_rate(step):
        step = min(step, decay_steps)
        return ((initial_learning_rate - end_learning_rate) *
                (1 - step / decay_steps) ** power) + end_learning_rate
    ```

    With `cycle=True`, `decay_steps` is replaced by its first multiple that is at least
    `step` (`decay_steps * ceil(step / decay_steps)`, and `decay_steps` itself at step 0).

    Args:
        initial_learning_rate: A Python float. The initial learning rate.
        decay_steps: A Python integer. Must be positive.
        end_learning_rate: A Python float. The minimal end learning rate.
        power: A Python float. The power of the polynomial. Defaults to `1.0`.
        cycle: A boolean, whether it should cycle beyond `decay_steps`.
        name: String. Optional name of the operation. Defaults to `"PolynomialDecay"`.

    Example:
    >>> schedule = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0)
    >>> round(float(schedule(5)), 6)
    0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_positive("decay_steps", self.decay_steps)

    def __call__(self, step):
        initial_learning_rate = _float_value(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        end_learning_rate = ops.cast(self.end_learning_rate, dtype)
        power = ops.cast(self.power, dtype)

        global_step = ops.cast(step, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(
                ops.equal(global_step, 0),
                1.0,
                ops.ceil(ops.divide(global_step, self.decay_steps)),
            )
            decay_steps = ops.multiply(decay_steps, ops.cast(multiplier, dtype))
        else:
            global_step = ops.minimum(global_step, decay_steps)

        p = ops.divide(global_step, decay_steps)
        return ops.add(
            ops.multiply(
                ops.subtract(initial_learning_rate, end_learning_rate),
                ops.power(ops.subtract(1, p), power),
            ),
            end_learning_rate,
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """A `LearningRateSchedule` that uses an inverse time decay schedule.

    ```python
    def decayed_learning_rate(step):
        return initial_learning_rate / (1 + decay_rate * step / decay_steps)
    ```

    With `staircase=True`, `step / decay_steps` is floored.

    Args:
        initial_learning_rate: A Python float. The initial learning rate.
        decay_steps: How often to apply decay. Must be positive.
        decay_rate: A Python number. The decay rate.
        staircase: Whether to apply decay in a discrete staircase, as opposed to
            continuous, fashion.
        name: String. Optional name of the operation. Defaults to `"InverseTimeDecay"`.

    Example:
    >>> schedule = InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    >>> round(float(schedule(2)), 6)
    0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", self.decay_steps)

    def __call__(self, step):
        initial_learning_rate = _float_value(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = ops.cast(self.decay_steps, dtype)
        decay_rate = ops.cast(self.decay_rate, dtype)
        p = ops.divide(ops.cast(step, dtype), decay_steps)
        if self.staircase:
            p = ops.floor(p)
        denom = ops.add(ops.cast(1, dtype), ops.multiply(decay_rate, p))
        return ops.divide(initial_learning_rate, denom)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """A `LearningRateSchedule` that uses a cosine decay with optional linear warmup.

    See Loshchilov & Hutter, ICLR2016 (SGDR) and, for the warmup, Goyal et al. 2017.
    With `warmup_target` set, the rate first rises linearly from `initial_learning_rate`
    to `warmup_target` over `warmup_steps`:

    ```python
    def warmup_learning_rate(step):
        return (warmup_target - initial_learning_rate) * step / warmup_steps
               + initial_learning_rate
    ```

    then decays from `initial_decay_lr` (`warmup_target`, or `initial_learning_rate`
    without warmup) over `decay_steps`:

    ```python
    def decayed_learning_rate(step):
        step = min(step, decay_steps)
        cosine_decay = 0.5 * (1 + cos(pi * step / decay_steps))
        decayed = (1 - alpha) * cosine_decay + alpha
        return initial_decay_lr * decayed
    ```

    Args:
        initial_learning_rate: A Python float. The initial learning rate.
        decay_steps: A Python int. Number of steps to decay over. Must be positive.
        alpha: A Python float. Minimum learning rate value for decay as a fraction of
            `warmup_target` or, if `warmup_target` is None, `initial_learning_rate`.
        name: String. Optional name of the operation. Defaults to `"CosineDecay"`.
        warmup_target: A Python float. The target learning rate of the warmup phase.
            `None` skips the warmup.
        warmup_steps: A Python int. Number of steps to warmup over.

    Example:
    >>> schedule = CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)
    >>> round(float(schedule(5)), 6), round(float(schedule(10)), 6)
    (0.05, 0.1)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_positive("decay_steps", self.decay_steps)

    def _decay_function(self, step, decay_steps, decay_from_lr, dtype):
        completed_fraction = ops.divide(step, decay_steps)
        pi = ops.convert_to_tensor(math.pi, dtype=dtype)
        cosine = ops.cos(ops.multiply(pi, completed_fraction))
        cosine_decayed = ops.multiply(0.5, ops.add(1.0, cosine))
        decayed = ops.add(ops.multiply(1 - self.alpha, cosine_decayed), self.alpha)
        return ops.multiply(decay_from_lr, decayed)

    def _warmup_function(self, step, warmup_steps, warmup_target, initial_learning_rate):
        completed_fraction = ops.divide(step, warmup_steps)
        total_step_delta = ops.subtract(warmup_target, initial_learning_rate)
        return ops.add(ops.multiply(total_step_delta, completed_fraction), initial_learning_rate)

    def __call__(self, step):
        initial_learning_rate = _float_value(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = ops.cast(self.decay_steps, dtype)
        global_step = ops.cast(step, dtype)

        if self.warmup_target is None:
            global_step = ops.minimum(global_step, decay_steps)
            return self._decay_function(global_step, decay_steps, initial_learning_rate, dtype)

        warmup_target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        global_step = ops.minimum(global_step, ops.add(decay_steps, warmup_steps))
        # Both phases are cheap scalars: computing both and selecting avoids a host sync
        # (Keras uses `cond`); the unused phase may hold inf/nan, which `where` drops.
        return ops.where(
            ops.less(global_step, warmup_steps),
            self._warmup_function(global_step, warmup_steps, warmup_target, initial_learning_rate),
            self._decay_function(
                ops.subtract(global_step, warmup_steps), decay_steps, warmup_target, dtype
            ),
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """A `LearningRateSchedule` that uses a cosine decay schedule with restarts.

    See Loshchilov & Hutter, ICLR2016, SGDR: Stochastic Gradient Descent with Warm
    Restarts. The multiplier first decays from 1 to `alpha` over `first_decay_steps` steps;
    then a warm restart runs for `t_mul` times more steps, starting from `m_mul` times the
    previous initial rate, and so on.

    Args:
        initial_learning_rate: A Python float. The initial learning rate.
        first_decay_steps: A Python integer. Number of steps to decay over. Must be
            positive.
        t_mul: A Python float. Used to derive the number of iterations in the i-th period.
        m_mul: A Python float. Used to derive the initial learning rate of the i-th period.
        alpha: A Python float. Minimum learning rate value as a fraction of
            `initial_learning_rate`.
        name: String. Optional name of the operation. Defaults to `"SGDRDecay"`.

    Example:
    >>> schedule = CosineDecayRestarts(0.1, first_decay_steps=10, t_mul=1.0)
    >>> round(float(schedule(10)), 6)  # restarted
    0.1
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_positive("first_decay_steps", self.first_decay_steps)

    def __call__(self, step):
        initial_learning_rate = _float_value(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        first_decay_steps = ops.cast(self.first_decay_steps, dtype)
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)

        completed_fraction = ops.divide(ops.cast(step, dtype), first_decay_steps)
        # Keras branches with `cond` on `t_mul == 1` (in the schedule's dtype); t_mul is a
        # constructor constant, so the branch is taken here on the host.
        if float(ops.convert_to_numpy(t_mul)) == 1.0:
            i_restart = ops.floor(completed_fraction)
            completed_fraction = ops.subtract(completed_fraction, i_restart)
        else:
            one_minus_t_mul = ops.subtract(1.0, t_mul)
            i_restart = ops.floor(
                ops.divide(
                    ops.log(ops.subtract(1.0, ops.multiply(completed_fraction, one_minus_t_mul))),
                    ops.log(t_mul),
                )
            )
            t_mul_i = ops.power(t_mul, i_restart)
            sum_r = ops.divide(ops.subtract(1.0, t_mul_i), one_minus_t_mul)
            completed_fraction = ops.divide(ops.subtract(completed_fraction, sum_r), t_mul_i)

        m_fac = ops.power(m_mul, i_restart)
        pi = ops.convert_to_tensor(math.pi, dtype=dtype)
        cosine_decayed = ops.multiply(
            ops.multiply(0.5, m_fac), ops.add(1.0, ops.cos(ops.multiply(pi, completed_fraction)))
        )
        decayed = ops.add(ops.multiply(ops.subtract(1, alpha), cosine_decayed), alpha)
        return ops.multiply(initial_learning_rate, decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }



def _from_json(value):
    """Undoes Keras's `{"class_name": "__tuple__", ...}` wrapping of tuples in a config."""
    if isinstance(value, dict):
        if value.get("class_name") == "__tuple__" and "config" in value:
            return tuple(_from_json(v) for v in value["config"]["value"])
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def serialize(learning_rate_schedule):
    """Serializes a `LearningRateSchedule` into a JSON-compatible dict.

    The dict has Keras 3's layout (`{"module", "class_name", "config", "registered_name"}`,
    module `"keras.optimizers.schedules"` for the built-in schedules), so real Keras reads
    it back from a `.keras` file.

    Args:
        learning_rate_schedule: The `LearningRateSchedule` object to serialize.

    Returns:
        A JSON-serializable dict representing the object's config.

    Example:
    >>> serialize(ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96))["class_name"]
    'ExponentialDecay'
    """
    from keras_like.saving import serialization_lib

    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(
            "Expected a `LearningRateSchedule` to serialize. "
            f"Received: learning_rate_schedule={learning_rate_schedule!r}"
        )
    return serialization_lib.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Instantiates a `LearningRateSchedule` object from a serialized form.

    Accepts what `serialize` (or real Keras 3) writes, the older
    `{"class_name": ..., "config": ...}` form of tf.keras, and a bare class name.

    Args:
        config: The serialized form of the `LearningRateSchedule`.
        custom_objects: A dictionary mapping class names of custom (non-Keras) schedules to
            their classes.

    Returns:
        A `LearningRateSchedule` object.

    Example:
    >>> config = {"class_name": "PolynomialDecay",
    ...           "config": {"initial_learning_rate": 0.1, "decay_steps": 10000,
    ...                      "end_learning_rate": 0.01, "power": 0.5, "cycle": False,
    ...                      "name": None}}
    >>> deserialize(config).power
    0.5
    """
    from keras_like.saving import serialization_lib

    if isinstance(config, LearningRateSchedule):
        return config
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not interpret serialized decay: expected a dict with a `class_name` key. "
            f"Received: config={config!r}"
        )
    config = {**config, "config": _from_json(config.get("config") or {})}
    schedule = serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(schedule, LearningRateSchedule):
        raise ValueError(
            f"Could not interpret serialized decay: `{config['class_name']}` is not a "
            f"`LearningRateSchedule`. Received: config={config!r}"
        )
    return schedule
