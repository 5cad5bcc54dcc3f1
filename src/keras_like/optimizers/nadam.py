"""Nadam: Adam with Nesterov momentum (Dozat, 2015)."""

from keras_like import ops
from keras_like.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule.

    With `u_t = beta_1 * (1 - 0.5 * 0.96**t)` and `u_product = u_1 * ... * u_t`:
    `m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)`,
    `v_hat = v / (1 - beta_2**t)`, `w -= lr * m_hat / (sqrt(v_hat) + epsilon)`.
    One fused engine call per variable.

    Like Keras, the optimizer keeps `u_product` as a variable (saved with its state) and
    advances it once per step with engine ops, so each step's scalars need no device read.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        beta_1: Decay rate of the first moment estimates. Defaults to `0.9`.
        beta_2: Decay rate of the second moment estimates. Defaults to `0.999`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Nadam(learning_rate=0.1)
    >>> w = keras.Variable([1.0, 2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, -0.5])], [w])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="nadam",
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
        dtype = variables[0].dtype if variables else "float32"
        super().build(variables)
        # Keras creates each kind for all variables before the next: the saved order follows.
        self._momentums = [self.add_variable_from_reference(v, name="momentum")
                           for v in variables]
        self._velocities = [self.add_variable_from_reference(v, name="velocity")
                            for v in variables]
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype,
                                            name="u_product")

    def _u(self, step):
        return self.beta_1 * (1.0 - 0.5 * ops.power(0.96, step))

    def _step_scalars(self, learning_rate, weight_decay):
        def momentum_schedule():
            # Once per step, before the first variable's update (Keras's _backend_update_step).
            step = self._step_number()
            u_t, u_t1 = self._u(step), self._u(step + 1)
            u_prod = ops.cast(self._u_product.value, "float64") * u_t
            self._u_product.assign(u_prod)
            return [u_t, u_t1, u_prod, u_prod * u_t1, ops.power(self.beta_2, step)]

        schedule = self._per_step("nadam_schedule", momentum_schedule)
        return [learning_rate, self.beta_1, self.beta_2, self.epsilon, *schedule, weight_decay]

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        self._fused_update("nadam", variable, gradient, [self._momentums[i], self._velocities[i]],
                           self._step_scalars(learning_rate, weight_decay))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
