"""Lion: evolved sign momentum (Chen et al., 2023)."""

from keras_like.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Steps by the sign of an interpolation between momentum and gradient.

    `w -= lr * sign(beta_1 * m + (1 - beta_1) * g)`; `m = beta_2 * m + (1 - beta_2) * g`.
    Its steps have a larger norm than Adam's: use a 3-10x smaller learning rate and a 3-10x
    larger weight decay than for AdamW. One fused engine call per variable.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        beta_1: Interpolation between the momentum and the gradient, in (0, 1].
            Defaults to `0.9`.
        beta_2: Decay rate of the momentum. Defaults to `0.99`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Lion(learning_rate=0.01)
    >>> w = keras.Variable([1.0, 2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, -0.5])], [w])
    >>> w.numpy().tolist()
    [0.9900000095367432, 2.009999990463257]
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="lion", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums = [self.add_variable_from_reference(v, name="momentum")
                           for v in variables]

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        self._fused_update("lion", variable, gradient,
                           [self._momentums[self._slot_index[id(variable)]]],
                           [learning_rate, self.beta_1, self.beta_2, weight_decay])

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
