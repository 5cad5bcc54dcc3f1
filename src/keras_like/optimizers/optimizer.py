"""The optimizer base class: learning rate, clipping, weight decay, EMA and the step counter.

Subclasses create their slot variables in `build(variables)` and update one variable in
`update_step(gradient, variable, learning_rate)`, normally with one fused engine call.
"""

import warnings

from keras_like import ops
from keras_like.backend import capture, naming, optimizer_update, step_scalars, tracking
from keras_like.backend.variable import Variable
from keras_like.utils.config_keys import known_kwargs


class Optimizer:
    """Base class of all optimizers (Keras 3 `keras.optimizers.Optimizer`)."""

    # `**kwargs` takes only Keras 2's `decay` (utils.config_keys reads this for `from_config`).
    _config_kwargs = frozenset({"decay"})

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            # Keras 3 warns and goes on: tf.keras optimizer configs carry `"decay": 0.0`.
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if name is None:
            name = naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.name = name
        set_clips = [c for c in (clipnorm, clipvalue, global_clipnorm) if c is not None]
        if len(set_clips) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError("`ema_momentum` must be in the range [0, 1]. Received: "
                             f"ema_momentum={ema_momentum}")
        steps = gradient_accumulation_steps
        if steps is not None and (not isinstance(steps, int) or steps < 2):
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._exclude_ids = set()
        self._exclude_names = None
        with naming.name_scope(self.name, caller=self):
            self._iterations = Variable(0, dtype="int64", trainable=False, name="iteration")
        self._step_cache = None
        self._step_values = {}
        self._variables.append(self._iterations)
        self._learning_rate = self._build_learning_rate(learning_rate)

    def _build_learning_rate(self, learning_rate):
        from keras_like.optimizers.schedules import LearningRateSchedule

        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if not isinstance(learning_rate, (int, float)) and not hasattr(learning_rate, "shape"):
            raise ValueError(f"Argument `learning_rate` should be a float, a "
                             f"LearningRateSchedule or a callable. Received: {learning_rate}")
        with naming.name_scope(self.name, caller=self):
            variable = Variable(float(learning_rate), dtype="float32", trainable=False,
                                name="learning_rate")
        self._variables.append(variable)
        return variable

    # ---- state -------------------------------------------------------------------------------

    @property
    def iterations(self):
        return self._iterations

    @property
    def variables(self):
        return list(self._variables)

    @property
    def learning_rate(self):
        return self._current_learning_rate_tensor()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, Variable) and (
                isinstance(value, (int, float)) or hasattr(value, "shape")):
            self._learning_rate.assign(float(value))
        else:
            self._learning_rate = self._build_learning_rate(value)
            tracking.bump()  # captured steps read the old one: they must trace again

    def _current_learning_rate_tensor(self):
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr.value
        from keras_like.optimizers.schedules import LearningRateSchedule

        if isinstance(lr, LearningRateSchedule):
            return ops.convert_to_tensor(lr(self._iterations.value), dtype="float32")
        return ops.convert_to_tensor(lr(), dtype="float32")

    def _step_number(self):
        """This step's 1-based number as a float64 tensor, from `iterations` by engine ops.

        Step-dependent scalars (bias corrections, schedules) are computed from it on the
        device, never read back, so a recorded step replays with each step's values.
        """
        if self._step_cache is None:
            self._step_cache = ops.cast(ops.add(self._iterations.value, 1), "float64")
        return self._step_cache

    def _per_step(self, key, compute):
        """`compute()` once per step (the same tensors serve every variable)."""
        value = self._step_values.get(key)
        if value is None:
            value = self._step_values[key] = compute()
        return value

    def _fused_update(self, kind, variable, gradient, slots, scalars):
        """One fused engine update; `scalars` mixes Python numbers and 0-d tensors.

        Variables sharing the same scalars (all but those without weight decay) share one
        float64 scalars tensor per step.
        """
        key = (kind,) + tuple(v if isinstance(v, (int, float)) else id(v) for v in scalars)
        packed = self._per_step(key, lambda: (scalars, step_scalars(scalars)))[1]
        optimizer_update(kind, variable, gradient, slots, packed)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", name=None):
        from keras_like import initializers

        with naming.name_scope(self.name, caller=self):
            variable = Variable(initializers.get(initializer), shape=shape, dtype=dtype,
                                trainable=False, name=name)
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named "<var path with _>_<name>"."""
        base = reference_variable.path.replace("/", "_")
        with naming.name_scope(self.name, caller=self):
            zeros = isinstance(initializer, str) and initializer == "zeros"
            variable = Variable(ops.zeros(reference_variable.shape, reference_variable.dtype)
                                if zeros else initializer,
                                trainable=False, name=f"{base}_{name}")
        self._variables.append(variable)
        return variable

    def build(self, variables):
        self._slot_index = {id(v): i for i, v in enumerate(variables)}
        if self.use_ema:
            self._model_variables_moving_average = [
                self.add_variable_from_reference(v, name="average") for v in variables]
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [
                self.add_variable_from_reference(v, name="gradient_accumulator")
                for v in variables]
        self.built = True

    # ---- applying ----------------------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        grads, variables = zip(*grads_and_vars) if grads_and_vars else ((), ())
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """One optimization step: clip, decay and update every variable with a gradient."""
        if trainable_variables is None:
            raise ValueError("`trainable_variables` must be provided to `Optimizer.apply`.")
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        if not pairs:
            if len(trainable_variables) == 0:
                return
            raise ValueError(
                "No gradients provided for any variable: "
                f"{[v.path for v in trainable_variables]}"
            )
        if not self.built:
            self.build(list(trainable_variables))
        grads = [ops.convert_to_tensor(g) if not hasattr(g, "dtype") else
                 (g.value if isinstance(g, Variable) else g) for g, _ in pairs]
        variables = [v for _, v in pairs]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        if self.gradient_accumulation_steps:
            # Whether this call updates is decided on the host, per call.
            capture.refuse("gradient accumulation decides on the host when to update")
            if not self._accumulate(grads, variables):
                return
            grads = [self._accumulated_gradients[self._slot_index[id(v)]].value /
                     self.gradient_accumulation_steps for v in variables]
        grads = self._clip(grads)
        self._step_cache, self._step_values = None, {}
        lr = self._current_learning_rate_tensor()
        decay = self.weight_decay or 0.0
        for g, v in zip(grads, variables):
            wd = decay if decay and self._use_weight_decay(v) else 0.0
            self.update_step(g, v, lr, weight_decay=wd)
        self._step_cache, self._step_values = None, {}
        self._iterations.assign_add(1)
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v.value))
        if self.use_ema:
            self._update_ema(variables)
        if self.gradient_accumulation_steps:
            for acc in self._accumulated_gradients:
                acc.assign(ops.zeros(acc.shape, acc.dtype))

    def _accumulate(self, grads, variables):
        for g, v in zip(grads, variables):
            self._accumulated_gradients[self._slot_index[id(v)]].assign_add(g)
        self._micro_steps = getattr(self, "_micro_steps", 0) + 1
        return self._micro_steps % self.gradient_accumulation_steps == 0

    def _clip(self, grads):
        # Keras's formulas, on the device: no norm is read back to the host.
        if self.clipnorm is not None:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            total = ops.sqrt(_sum_all([ops.sum(ops.square(g)) for g in grads]))
            scale = self.global_clipnorm * ops.minimum(1.0 / total, 1.0 / self.global_clipnorm)
            scale = scale + (total - total)  # NaN/inf norms propagate, as in Keras
            return [g * ops.cast(scale, g.dtype) for g in grads]
        if self.clipvalue is not None:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _update_ema(self, variables):
        # Keras's formulas on the device (`iterations` already counts this step): the average
        # starts at the variable itself, momentum 0 on the first step.
        not_first_step = ops.greater(self._iterations.value, 1)
        freq = self.ema_overwrite_frequency
        overwrite = ops.equal(ops.mod(self._iterations.value, freq), 0) if freq else None
        for v in variables:
            average = self._model_variables_moving_average[self._slot_index[id(v)]]
            momentum = ops.cast(not_first_step, v.dtype) * self.ema_momentum
            average.assign(momentum * average.value + (1 - momentum) * v.value)
            if overwrite is not None:
                v.assign(ops.where(overwrite, average.value, v.value))

    def finalize_variable_values(self, var_list):
        """With EMA, replaces the model's variables by their moving averages."""
        if self.use_ema:
            for v in var_list:
                index = self._slot_index.get(id(v))
                if index is not None:
                    v.assign(self._model_variables_moving_average[index].value)

    def update_step(self, gradient, variable, learning_rate, weight_decay=0.0):
        raise NotImplementedError

    # ---- weight decay ------------------------------------------------------------------------

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        self._exclude_ids |= {id(v) for v in var_list or []}
        self._exclude_names = list(var_names or [])

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        for name in self._exclude_names or []:
            if name in variable.path:
                return False
        return True

    # ---- configuration -----------------------------------------------------------------------

    def get_config(self):
        from keras_like.optimizers.schedules import LearningRateSchedule, serialize

        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr = float(lr.numpy())
        elif isinstance(lr, LearningRateSchedule):
            lr = serialize(lr)
        return {
            "name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue, "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from keras_like.optimizers.schedules import deserialize

            config["learning_rate"] = deserialize(config["learning_rate"])
        return cls(**known_kwargs(cls, config))


def _sum_all(values):
    total = values[0]
    for v in values[1:]:
        total = ops.add(total, v)
    return total


def _clip_by_norm(g, clip_norm):
    """`g * clip_norm / max(norm(g), clip_norm)` (Keras's clip_by_norm; zero gradients stay)."""
    l2sum = ops.sum(ops.square(g))
    positive = l2sum > 0
    l2norm = ops.where(positive, ops.sqrt(ops.where(positive, l2sum, 1.0)), l2sum)
    return ops.multiply(g, clip_norm) / ops.maximum(l2norm, clip_norm)
