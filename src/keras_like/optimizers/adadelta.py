"""Adadelta (Zeiler, 2012)."""

from keras_like.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adagrad's successor: step sizes from running averages of squared gradients and updates.

    `acc_g = rho * acc_g + (1 - rho) * g**2`;
    `delta = -sqrt(acc_delta + eps) / sqrt(acc_g + eps) * g`;
    `acc_delta = rho * acc_delta + (1 - rho) * delta**2`; `w += lr * delta`.
    One fused engine call per variable.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001` (the paper's form uses `1.0`).
        rho: Decay rate of the running averages. Defaults to `0.95`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Adadelta(learning_rate=1.0)
    >>> w = keras.Variable([1.0, 2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, -0.5])], [w])
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        # Keras creates each kind for all variables before the next: the saved order follows.
        self._accumulated_grads = [self.add_variable_from_reference(v, name="accumulated_grad")
                                   for v in variables]
        self._accumulated_delta_vars = [
            self.add_variable_from_reference(v, name="accumulated_delta_var") for v in variables]

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        self._fused_update("adadelta", variable, gradient,
                           [self._accumulated_grads[i], self._accumulated_delta_vars[i]],
                           [learning_rate, self.rho, self.epsilon, weight_decay])

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
