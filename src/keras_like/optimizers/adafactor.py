"""Adafactor: adaptive learning rates with sublinear memory cost (Shazeer & Stern, 2018)."""


from keras_like import ops
from keras_like.optimizers.optimizer import Optimizer


class Adafactor(Optimizer):
    """Adam-like steps whose second moments are factored into row and column statistics.

    For a variable of rank >= 2 only running means of the squared gradient over its last and
    its second-to-last axis are kept (`r` and `c`), and the second moment is rebuilt as
    `r / mean(r) (outer) c`; smaller variables keep a full running average. With
    `t` the step, `beta_2_t = 1 - t**beta_2_decay`, the step is

    ```
    rho_t = min(lr, 1 / sqrt(t))
    alpha_t = max(epsilon_2, rms(w)) * rho_t
    u = g / sqrt(v);  u_hat = u / max(1, rms(u) / clip_threshold)
    w -= alpha_t * u_hat
    ```

    The engine has no fused Adafactor kernel: the update is written with `keras_like.ops`
    (reductions over the factored axes included) and stored in place through
    `Variable.assign`.

    Args:
        learning_rate: A float, a `LearningRateSchedule` or a callable taking no arguments.
            Defaults to `0.001`.
        beta_2_decay: Decay exponent of `beta_2`. Defaults to `-0.8`.
        epsilon_1: Offset keeping the squared gradients away from 0. Defaults to `1e-30`.
        epsilon_2: Lower bound of the variable's RMS in the step size. Defaults to `1e-3`.
        clip_threshold: Threshold of the update clipping (independent of `clipnorm`,
            `clipvalue` and `global_clipnorm`). Defaults to `1.0`.
        relative_step: With a constant learning rate, cap it by `1 / sqrt(t)`.
            Defaults to `True`.
        **kwargs: The base optimizer arguments (`weight_decay`, `clipnorm`, `use_ema`, ...).

    Example:
    >>> import keras_like as keras
    >>> opt = keras.optimizers.Adafactor(learning_rate=0.1)
    >>> w = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    >>> opt.apply([keras.ops.ones((2, 2))], [w])
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adafactor", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._r, self._c, self._v = [], [], []
        for v in variables:
            if len(v.shape) < 2:
                # Unfactored: Keras still keeps two scalar placeholders (saved with the state).
                self._r.append(self.add_variable((), dtype="float32", name=v.name))
                self._c.append(self.add_variable((), dtype="float32", name=v.name))
            else:
                shape = tuple(v.shape)
                self._r.append(self.add_variable(shape[:-1], dtype=v.dtype, name=v.name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], dtype=v.dtype,
                                                 name=v.name))
            self._v.append(self.add_variable_from_reference(v, name="velocity"))

    @staticmethod
    def _rms(x):
        return ops.sqrt(ops.mean(ops.square(x)))

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        i = self._slot_index[id(variable)]
        r, c, v = self._r[i], self._c[i], self._v[i]
        w = variable.value
        lr = ops.cast(learning_rate, w.dtype)  # the variable's precision, as a float would be
        if weight_decay:
            w = w * (1.0 - lr * weight_decay)
        g = ops.cast(gradient, w.dtype) if gradient.dtype != w.dtype else gradient
        step = self._step_number()
        if not callable(self._learning_rate) and self.relative_step:
            lr = ops.minimum(lr, 1.0 / ops.sqrt(step))
        rho_t = ops.cast(ops.minimum(lr, 1.0 / ops.sqrt(step)), w.dtype)
        alpha_t = ops.maximum(self.epsilon_2, self._rms(w)) * rho_t
        regulated_grad_square = ops.square(g) + self.epsilon_1
        beta_2_t = ops.cast(1.0 - ops.power(step, self.beta_2_decay), w.dtype)
        if len(w.shape) >= 2:
            r.assign(beta_2_t * r.value
                     + (1.0 - beta_2_t) * ops.mean(regulated_grad_square, axis=-1))
            c.assign(beta_2_t * c.value
                     + (1.0 - beta_2_t) * ops.mean(regulated_grad_square, axis=-2))
            row = r.value / ops.mean(r.value, axis=-1, keepdims=True)
            v.assign(ops.expand_dims(row, -1) * ops.expand_dims(c.value, -2))
        else:
            v.assign(beta_2_t * v.value + (1.0 - beta_2_t) * regulated_grad_square)
        u = g / ops.sqrt(v.value)
        u_hat = u / ops.maximum(1.0, self._rms(u) / self.clip_threshold)
        variable.assign(w - alpha_t * u_hat)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                       "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                       "relative_step": self.relative_step})
        return config
