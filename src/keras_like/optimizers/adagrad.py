"""Adagrad (Duchi et al., 2011)."""

from keras_like import ops
from keras_like.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Per-parameter learning rates that shrink with the sum of past squared gradients.

    `accumulator += g**2; w -= lr * g / sqrt(accumulator + epsilon)`, with the accumulator
    starting at `initial_accumulator_value`. One fused engine call per variable.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001` (the paper's form uses `1.0`).
        initial_accumulator_value: Non-negative starting value of the accumulators.
            Defaults to `0.1`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Adagrad(learning_rate=0.1)
    >>> w = keras.Variable([1.0, 2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, -0.5])], [w])
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators = []
        for v in variables:
            accumulator = self.add_variable_from_reference(v, name="accumulator")
            # ones * value, not ops.full: full rounds a Python float through float32.
            accumulator.assign(ops.ones(v.shape, dtype=v.dtype) * self.initial_accumulator_value)
            self._accumulators.append(accumulator)

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        self._fused_update("adagrad", variable, gradient,
                           [self._accumulators[self._slot_index[id(variable)]]],
                           [learning_rate, self.epsilon, weight_decay])

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
