"""SGD with optional (Nesterov) momentum."""

from keras_like.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """`v = momentum * v - lr * g; w += v` (Nesterov: `w += momentum * v - lr * g`)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = [self.add_variable_from_reference(v, name="momentum")
                          for v in variables] if self.momentum > 0 else []

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        slots = [self.momentums[self._slot_index[id(variable)]]] if self.momentum > 0 else []
        self._fused_update("sgd", variable, gradient, slots,
                           [learning_rate, self.momentum, 1.0 if self.nesterov else 0.0,
                            weight_decay])

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
