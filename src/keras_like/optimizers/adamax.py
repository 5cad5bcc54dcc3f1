"""Adamax: Adam with the infinity norm (Kingma & Ba, 2014, section 7.1)."""

from keras_like import ops
from keras_like.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """Adam's variant whose second moment is an exponentially weighted infinity norm.

    `m = beta_1 * m + (1 - beta_1) * g`; `u = max(beta_2 * u, |g|)`;
    `w -= lr / (1 - beta_1**t) * m / (u + epsilon)`. One fused engine call per variable.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        beta_1: Decay rate of the first moment estimates. Defaults to `0.9`.
        beta_2: Decay rate of the infinity norm. Defaults to `0.999`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Adamax(learning_rate=0.1)
    >>> w = keras.Variable([1.0, 2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, -0.5])], [w])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="adamax",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._m, self._u = [], []
        for v in variables:  # interleaved per variable, as Keras saves them
            self._m.append(self.add_variable_from_reference(v, name="momentum"))
            self._u.append(self.add_variable_from_reference(v, name="norm"))

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        lr_t = self._per_step("adamax_lr_t", lambda: learning_rate / (
            1 - ops.power(self.beta_1, self._step_number())))
        self._fused_update("adamax", variable, gradient, [self._m[i], self._u[i]],
                           [lr_t, self.beta_1, self.beta_2, self.epsilon, weight_decay,
                            learning_rate])

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
