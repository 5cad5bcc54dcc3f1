"""FTRL-Proximal, "Follow The Regularized Leader" (McMahan et al., 2013)."""

from keras_like import ops
from keras_like.optimizers.optimizer import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal with online L1/L2 and shrinkage-type L2 regularization.

    Per variable `w` with gradient `g` (`lr_power` is `learning_rate_power`):

    ```
    g_s = g + 2 * l2_shrinkage * w
    new_n = n + g**2
    z += g_s - (new_n**-lr_power - n**-lr_power) / lr * w
    quadratic = new_n**-lr_power / lr + 2 * (l2 + beta / (2 * lr))
    w = (clip(z, -l1, l1) - z) / quadratic
    n = new_n
    ```

    The engine has no fused FTRL kernel: the update is a handful of `keras_like.ops` calls
    written in place through `Variable.assign` (same result, a few more passes over memory).

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        learning_rate_power: Float <= 0; how the step size decays with the accumulated squared
            gradients (`0` keeps it fixed). Defaults to `-0.5`.
        initial_accumulator_value: Non-negative starting value of the accumulators `n`.
            Defaults to `0.1`.
        l1_regularization_strength: Non-negative L1 strength. Defaults to `0.0`.
        l2_regularization_strength: Non-negative (stabilising) L2 strength. Defaults to `0.0`.
        l2_shrinkage_regularization_strength: Non-negative magnitude-penalty L2 strength,
            added to the gradient. Defaults to `0.0`.
        beta: The paper's beta. Defaults to `0.0`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    >>> w = keras.Variable([1.0, 2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, -0.5])], [w])
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="ftrl", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError("`initial_accumulator_value` needs to be positive or zero. "
                             f"Received: initial_accumulator_value={initial_accumulator_value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        if l1_regularization_strength < 0.0:
            raise ValueError("`l1_regularization_strength` needs to be positive or zero. "
                             f"Received: l1_regularization_strength={l1_regularization_strength}.")
        if l2_regularization_strength < 0.0:
            raise ValueError("`l2_regularization_strength` needs to be positive or zero. "
                             f"Received: l2_regularization_strength={l2_regularization_strength}.")
        if l2_shrinkage_regularization_strength < 0.0:
            raise ValueError("`l2_shrinkage_regularization_strength` needs to be positive or "
                             "zero. Received: l2_shrinkage_regularization_strength="
                             f"{l2_shrinkage_regularization_strength}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators, self._linears = [], []
        for v in variables:  # interleaved per variable, as Keras saves them
            accumulator = self.add_variable_from_reference(v, name="accumulator")
            # ones * value, not ops.full: full rounds a Python float through float32.
            accumulator.assign(ops.ones(v.shape, dtype=v.dtype) * self.initial_accumulator_value)
            self._accumulators.append(accumulator)
            self._linears.append(self.add_variable_from_reference(v, name="linear"))

    def _power(self, x):
        """`x ** -learning_rate_power`, with the default -0.5 as a (cheaper) square root."""
        p = -self.learning_rate_power
        if p == 0.5:
            return ops.sqrt(x)
        return ops.power(x, p)

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        accumulator, linear = self._accumulators[i], self._linears[i]
        w = variable.value
        lr = ops.cast(learning_rate, w.dtype)  # the variable's precision, as a float would be
        if weight_decay:
            w = w * (1.0 - lr * weight_decay)
        g = ops.cast(gradient, w.dtype) if gradient.dtype != w.dtype else gradient
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        new_accum = accumulator.value + ops.square(g)
        new_power = self._power(new_accum)
        sigma = (new_power - self._power(accumulator.value)) / lr
        shrinkage = self.l2_shrinkage_regularization_strength
        g_shrunk = g + (2.0 * shrinkage) * w if shrinkage else g
        linear.assign(linear.value + g_shrunk - sigma * w)
        z = linear.value
        l1 = self.l1_regularization_strength
        quadratic = new_power / lr + 2.0 * l2
        variable.assign((ops.clip(z, -l1, l1) - z) / quadratic)
        accumulator.assign(new_accum)

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config
