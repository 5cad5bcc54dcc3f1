"""BatchNormalization: normalizes with batch statistics in training, moving ones otherwise."""

from keras_like import constraints, initializers, ops, regularizers
from keras_like.backend import config as backend_config
from keras_like.backend.dtypes import result_type
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer

_RENORM_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def _is_meta(x):
    # Symbolic calls run on data-less meta tensors; they must not touch the moving statistics.
    return getattr(x, "device", "").startswith("meta")


def _check_axis(axis, input_shape):
    if axis >= len(input_shape) or axis < -len(input_shape):
        raise ValueError(f"Axis {axis} is out of bounds for input shape {input_shape}. "
                         f"Received: axis={axis}")


class BatchNormalization(Layer):
    """Normalizes its inputs to zero mean and unit variance per feature (Ioffe & Szegedy, 2015).

    In training (`training=True`, e.g. inside `fit`) the layer returns
    `gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta` with the current batch's
    statistics and updates `moving_mean` / `moving_variance` as
    `moving = moving * momentum + batch_statistic * (1 - momentum)`. In inference the moving
    statistics replace the batch ones. A layer with `trainable = False` always runs in
    inference mode and leaves its statistics alone, as in Keras 3.

    Args:
        axis: Integer, the features axis (`axis=1` after a `channels_first` convolution).
        momentum: Momentum of the moving averages.
        epsilon: Small float added to the variance.
        center: Whether to add the learned offset `beta`.
        scale: Whether to multiply by the learned scale `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: Initializers of the four weights.
        beta_regularizer, gamma_regularizer: Optional regularizers.
        beta_constraint, gamma_constraint: Optional constraints.
        renorm: Whether to use Batch Renormalization (Ioffe, 2017); adds the non-trainable
            `moving_stddev`, `renorm_mean` and `renorm_stddev` and changes training only.
        renorm_clipping: With `renorm`, a dict with optional `"rmax"`, `"rmin"`, `"dmax"`
            bounding the corrections `r` (to `[rmin, rmax]`) and `d` (to `[-dmax, dmax]`).
        renorm_momentum: With `renorm`, momentum of `renorm_mean` / `renorm_stddev`.
        synchronized: Only `False` here (Keras supports `True` with TensorFlow only).

    Call arguments:
        inputs: A tensor of any rank.
        training: Whether to use (and update) batch statistics.
        mask: Optional boolean tensor of rank `inputs.ndim - 1`; in training only the
            unmasked positions enter the batch statistics.

    Example:
    >>> bn = BatchNormalization()
    >>> y = bn(np.array([[0.0, 2.0], [2.0, 4.0]], "float32"), training=True)
    >>> np.round(y.numpy(), 4)
    array([[-0.9995, -0.9995],
           [ 0.9995,  0.9995]], dtype=float32)
    >>> np.round(bn.moving_mean.numpy(), 3)
    array([0.01, 0.03], dtype=float32)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        if synchronized:
            raise ValueError("Argument synchronized=True is only supported with the "
                             "TensorFlow backend.")
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            # Keras turns a missing clipping into `{}` only when renorm is on, and the config
            # records it that way.
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - set(_RENORM_CLIPPING_KEYS)
            if unknown:
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: "
                    f"{renorm_clipping}. Supported values: {list(_RENORM_CLIPPING_KEYS)}.")
            rmax, rmin = renorm_clipping.get("rmax"), renorm_clipping.get("rmin")
            dmax = renorm_clipping.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(f"rmax should be greater than rmin in the `renorm_clipping` "
                                 f"argument. Received: rmax={rmax}, rmin={rmin}.")
            if dmax is not None and dmax < 0:
                raise ValueError(f"dmax should be non-negative in the `renorm_clipping` "
                                 f"argument. Received: dmax={dmax}.")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    def build(self, input_shape):
        _check_axis(self.axis, input_shape)
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True,
                                        autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer,
                                               trainable=False, autocast=False)
        if self.renorm:
            # Renorm tracks standard deviations (as the paper does), starting from the square
            # root of what the variance initializer gives.
            self.moving_stddev = self._stddev_weight("moving_stddev", shape)
            self.renorm_mean = self.add_weight(
                shape=shape, name="renorm_mean",
                initializer=_fresh(self.moving_mean_initializer), trainable=False,
                autocast=False)
            self.renorm_stddev = self._stddev_weight("renorm_stddev", shape)
        self.input_spec = InputSpec(ndim=len(input_shape),
                                    axes={self.axis: input_shape[self.axis]})
        reduction_axes = list(range(len(input_shape)))
        del reduction_axes[self.axis]
        self._reduction_axes = reduction_axes
        self.built = True

    def _stddev_weight(self, name, shape):
        weight = self.add_weight(shape=shape, name=name,
                                 initializer=_fresh(self.moving_variance_initializer),
                                 trainable=False, autocast=False)
        weight.assign(ops.sqrt(weight.value))
        return weight

    def compute_output_shape(self, input_shape):
        _check_axis(self.axis, input_shape)
        return input_shape

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. Received: "
                f"mask.shape={mask.shape}, inputs.shape={inputs.shape}")
        # float16/bfloat16 statistics overflow easily, so they are computed in float32.
        inputs = ops.cast(inputs, result_type(inputs.dtype, "float32"))
        dtype = inputs.dtype
        moving_mean = ops.cast(self.moving_mean, dtype)
        moving_variance = ops.cast(self.moving_variance, dtype)
        gamma = ops.cast(self.gamma, dtype) if self.scale else None
        beta = ops.cast(self.beta, dtype) if self.center else None

        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            update = not _is_meta(inputs)
            if self.renorm:
                r, d = self._renorm_corrections(mean, variance)
                # (x_hat * r + d) * gamma + beta == x_hat * (r * gamma) + (d * gamma + beta)
                if gamma is not None:
                    gamma, d = ops.multiply(r, gamma), ops.multiply(d, gamma)
                else:
                    gamma = r
                beta = d if beta is None else ops.add(d, beta)
                if update:
                    self._update_renorm_statistics(mean, variance)
            elif update:
                self._assign_average(self.moving_mean, moving_mean, mean, self.momentum)
                self._assign_average(self.moving_variance, moving_variance, variance,
                                     self.momentum)
        else:
            mean, variance = moving_mean, moving_variance

        outputs = ops.batch_normalization(inputs, mean, variance, axis=self.axis, offset=beta,
                                          scale=gamma, epsilon=self.epsilon)
        return ops.cast(outputs, self.compute_dtype)

    @staticmethod
    def _assign_average(variable, current, batch_value, momentum):
        # The running averages are state, not part of the differentiated computation.
        new = ops.add(ops.multiply(current, momentum),
                      ops.multiply(ops.stop_gradient(batch_value), 1.0 - momentum))
        variable.assign(ops.cast(new, variable.dtype))
        return new

    def _moments(self, inputs, mask):
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes,
                               synchronized=self.synchronized)
        weights = ops.broadcast_to(ops.expand_dims(ops.cast(mask, inputs.dtype), -1),
                                   ops.shape(inputs))
        weighted = ops.multiply(weights, inputs)
        # Keras's denominator: the unmasked count plus the backend epsilon (1e-7), so a fully
        # masked batch gives zeros instead of NaN.
        count = ops.add(ops.sum(weights, self._reduction_axes, keepdims=True),
                        backend_config.epsilon())
        mean = ops.divide(ops.sum(weighted, self._reduction_axes, keepdims=True), count)
        squared = ops.square(ops.subtract(weighted, mean))
        variance = ops.divide(
            ops.sum(ops.multiply(weights, squared), self._reduction_axes, keepdims=True), count)
        channels = (inputs.shape[self.axis],)
        return ops.reshape(mean, channels), ops.reshape(variance, channels)

    def _renorm_corrections(self, mean, variance):
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = ops.cast(self.renorm_mean, mean.dtype)
        # The floor keeps r and d finite while renorm_stddev is still near zero.
        renorm_stddev = ops.maximum(ops.cast(self.renorm_stddev, mean.dtype),
                                    float(self.epsilon) ** 0.5)
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_stddev)
        clipping = self.renorm_clipping
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        # The corrections are treated as constants in backpropagation (the paper's choice).
        return ops.stop_gradient(r), ops.stop_gradient(d)

    def _update_renorm_statistics(self, mean, variance):
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        self._assign_average(self.renorm_mean, ops.cast(self.renorm_mean, mean.dtype), mean,
                             self.renorm_momentum)
        self._assign_average(self.renorm_stddev, ops.cast(self.renorm_stddev, mean.dtype),
                             stddev, self.renorm_momentum)
        self._assign_average(self.moving_mean, ops.cast(self.moving_mean, mean.dtype), mean,
                             self.momentum)
        new_stddev = self._assign_average(self.moving_stddev,
                                          ops.cast(self.moving_stddev, mean.dtype), stddev,
                                          self.momentum)
        # The inference variance follows the stddev; relu absorbs rounding below zero.
        self.moving_variance.assign(ops.cast(
            ops.relu(ops.subtract(ops.square(new_stddev), self.epsilon)),
            self.moving_variance.dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }


def _fresh(initializer):
    """A copy of an initializer object, so that a seeded one is not reused across weights."""
    if isinstance(initializer, initializers.Initializer):
        return type(initializer).from_config(initializer.get_config())
    return initializer
