"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from keras_like.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (`keras.optimizers.AdamW`).

    Before each Adam step every variable not excluded from weight decay shrinks by
    `variable -= learning_rate * weight_decay * variable`; the decay and the Adam update run in
    the same fused engine call.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        weight_decay: Float, the decoupled decay rate. Defaults to `0.004`.
        beta_1: Decay rate of the first moment estimates. Defaults to `0.9`.
        beta_2: Decay rate of the second moment estimates. Defaults to `0.999`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        amsgrad: Whether to use the AMSGrad variant. Defaults to `False`.
        **kwargs: The base optimizer arguments (`clipnorm`, `use_ema`, `name`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.1)
    >>> w = keras.Variable([1.0, -2.0])
    >>> opt.apply([keras.ops.convert_to_tensor([0.5, 0.5])], [w])
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adamw", **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
