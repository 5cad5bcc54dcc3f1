"""Adam (Kingma & Ba, 2014) with optional AMSGrad."""


from keras_like import ops
from keras_like.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam: adaptive moment estimation; one fused engine update per variable and step."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities, self._velocity_hats = [], [], []
        for v in variables:
            self._momentums.append(self.add_variable_from_reference(v, name="momentum"))
            self._velocities.append(self.add_variable_from_reference(v, name="velocity"))
        if self.amsgrad:
            self._velocity_hats = [self.add_variable_from_reference(v, name="velocity_hat")
                                   for v in variables]

    def _step_scalars(self, learning_rate):
        def bias_corrected():
            step = self._step_number()
            return (learning_rate * ops.sqrt(1 - ops.power(self.beta_2, step))
                    / (1 - ops.power(self.beta_1, step)))

        return self._per_step("adam_lr_t", bias_corrected)

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        slots = [self._momentums[i], self._velocities[i]]
        if self.amsgrad:
            slots.append(self._velocity_hats[i])
        self._fused_update("adam", variable, gradient, slots,
                           [self._step_scalars(learning_rate), self.beta_1, self.beta_2,
                            self.epsilon, 1.0 if self.amsgrad else 0.0, weight_decay,
                            learning_rate])

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
