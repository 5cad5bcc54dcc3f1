"""RMSprop (Hinton, 2012) with optional plain momentum and centering."""

from keras_like.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """Divides the gradient by a running root mean square of recent gradients.

    `velocity = rho * velocity + (1 - rho) * g**2`; the step is
    `lr * g / sqrt(velocity + epsilon)` (centered: `velocity - average_gradient**2` under the
    root), optionally accumulated into a plain momentum. One fused engine call per variable.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        rho: Discounting factor of the gradient history. Defaults to `0.9`.
        momentum: Plain (non-Nesterov) momentum; `0.0` keeps no momentum slot.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        centered: Normalise by the estimated variance of the gradient instead of its
            uncentered second moment. Defaults to `False`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.RMSprop(learning_rate=0.1)
    >>> w = keras.Variable(10.0)
    >>> opt.apply([keras.ops.convert_to_tensor(10.0)], [w])
    >>> round(float(w.numpy()), 4)
    9.6838
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="rmsprop",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        # Keras creates each kind for all variables before the next: the saved order follows.
        self._velocities = [self.add_variable_from_reference(v, name="velocity")
                            for v in variables]
        self._momentums = [self.add_variable_from_reference(v, name="momentum")
                           for v in variables] if self.momentum > 0 else []
        self._average_gradients = [self.add_variable_from_reference(v, name="average_gradient")
                                   for v in variables] if self.centered else []

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        slots = [self._velocities[i]]
        if self.momentum > 0:
            slots.append(self._momentums[i])
        if self.centered:
            slots.append(self._average_gradients[i])
        self._fused_update("rmsprop", variable, gradient, slots,
                           [learning_rate, self.rho, self.momentum, self.epsilon,
                            1.0 if self.centered else 0.0, weight_decay])

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
