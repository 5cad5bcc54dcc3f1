"""What `compile(loss=..., metrics=...)` becomes: loss and metric containers over the outputs."""

from keras_like.utils import tree


def _output_names(model, y_pred):
    names = getattr(model, "output_names", None)
    n = len(tree.flatten(y_pred))
    if names and len(names) == n:
        return list(names)
    return [f"output_{i}" for i in range(n)] if n > 1 else ["output"]


def _per_output(spec, y_pred, names, what):
    """Maps a compile argument (single, list or dict) onto the flat list of outputs."""
    n = len(tree.flatten(y_pred))
    if isinstance(y_pred, dict) and isinstance(spec, dict):
        unknown = set(spec) - set(y_pred)
        if unknown:
            raise ValueError(f"In the dict argument `{what}`, keys {sorted(unknown)} do not match "
                             f"any model output. Expected keys: {sorted(y_pred)}")
        return [spec.get(k) for k in sorted(y_pred)]
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(f"In the dict argument `{what}`, keys {sorted(unknown)} do not match "
                             f"any model output. Expected keys: {names}")
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(
                f"For a model with multiple outputs, when providing the `{what}` argument as a "
                f"list, it should have as many entries as the model has outputs. Received:\n"
                f"{what}={spec}\nof length {len(spec)} whereas the model has {n} outputs."
            )
        return list(spec)
    return [spec] * n  # one loss for every output


def _as_loss_object(loss):
    """String ids resolve to loss functions; compile wraps them so reductions and sample
    weights apply (Keras does the same)."""
    from keras_like import losses as losses_module

    if isinstance(loss, losses_module.Loss):
        return loss
    return losses_module.LossFunctionWrapper(loss, name=getattr(loss, "__name__", None))


class CompileLoss:
    """Sums the compiled losses over outputs (weighted by `loss_weights`)."""

    def __init__(self, loss, loss_weights=None):
        self._spec = loss
        self._weights_spec = loss_weights
        self.built = False
        self.losses = []
        self.weights = []
        self.names = []
        self.trackers = []

    def build(self, model, y_true, y_pred):
        from keras_like import losses as losses_module
        from keras_like import metrics as metrics_module

        names = _output_names(model, y_pred)
        specs = _per_output(self._spec, y_pred, names, "loss")
        self.losses = [None if s is None else _as_loss_object(losses_module.get(s))
                       for s in specs]
        if self._weights_spec is None:
            self.weights = [1.0] * len(self.losses)
        else:
            self.weights = [1.0 if w is None else float(w)
                            for w in _per_output(self._weights_spec, y_pred, names, "loss")]
        self.names = names
        if len(self.losses) > 1:
            self.trackers = [metrics_module.Mean(name=f"{n}_loss") for n in names]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        flat_true = tree.flatten(y_true) if isinstance(y_true, (list, tuple, dict)) else [y_true]
        flat_pred = tree.flatten(y_pred) if isinstance(y_pred, (list, tuple, dict)) else [y_pred]
        flat_sw = (tree.flatten(sample_weight) if isinstance(sample_weight, (list, tuple, dict))
                   else [sample_weight] * len(flat_pred))
        if len(flat_true) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} outputs, but the targets `y` have "
                f"{len(flat_true)} entries."
            )
        total = None
        for i, (fn, w, yt, yp, sw) in enumerate(zip(self.losses, self.weights, flat_true,
                                                     flat_pred, flat_sw)):
            if fn is None or yt is None:
                continue
            value = fn(yt, yp, sample_weight=sw)
            if self.trackers:
                self.trackers[i].update_state(value)
            if w != 1.0:
                value = value * w
            total = value if total is None else total + value
        return total

    @property
    def metrics(self):
        return list(self.trackers)


class CompileMetrics:
    """Metrics per output, resolved from strings like "accuracy" once shapes are known."""

    def __init__(self, metrics, weighted_metrics=None):
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.built = False
        self._entries = []  # (metric, output index, weighted)

    def build(self, model, y_true, y_pred, loss_fns):
        from keras_like import metrics as metrics_module

        names = _output_names(model, y_pred)
        flat_true = tree.flatten(y_true) if isinstance(y_true, (list, tuple, dict)) else [y_true]
        flat_pred = tree.flatten(y_pred) if isinstance(y_pred, (list, tuple, dict)) else [y_pred]
        multi = len(flat_pred) > 1
        entries = []
        for spec, weighted in ((self._metrics_spec, False), (self._weighted_spec, True)):
            if spec is None:
                continue
            per_output = _per_output_metrics(spec, y_pred, names)
            for index, output_metrics in enumerate(per_output):
                for identifier in output_metrics or []:
                    if identifier is None:
                        continue
                    metric = metrics_module.get_metric_for_compile(
                        identifier, tuple(flat_true[index].shape) if flat_true[index] is not None
                        else None, tuple(flat_pred[index].shape), loss_fns[index]
                        if index < len(loss_fns) else None)
                    if multi:
                        metric.name = f"{names[index]}_{metric.name}"
                    if weighted and not multi:
                        metric.name = ("weighted_" + metric.name) if any(
                            m.name == metric.name for m, _, _ in entries) else metric.name
                    entries.append((metric, index, weighted))
        self._entries = entries
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        flat_true = tree.flatten(y_true) if isinstance(y_true, (list, tuple, dict)) else [y_true]
        flat_pred = tree.flatten(y_pred) if isinstance(y_pred, (list, tuple, dict)) else [y_pred]
        flat_sw = (tree.flatten(sample_weight) if isinstance(sample_weight, (list, tuple, dict))
                   else [sample_weight] * len(flat_pred))
        for metric, index, weighted in self._entries:
            if flat_true[index] is None:
                continue
            metric.update_state(flat_true[index], flat_pred[index],
                                sample_weight=flat_sw[index] if weighted else None)

    @property
    def metrics(self):
        return [m for m, _, _ in self._entries]


def _per_output_metrics(spec, y_pred, names):
    n = len(tree.flatten(y_pred))
    if isinstance(spec, dict):
        keys = sorted(y_pred) if isinstance(y_pred, dict) else names
        unknown = set(spec) - set(keys)
        if unknown:
            raise ValueError(f"In the dict argument `metrics`, keys {sorted(unknown)} do not "
                             f"match any model output. Expected keys: {keys}")
        return [_as_list(spec.get(k)) for k in keys]
    if not isinstance(spec, (list, tuple)):
        raise TypeError(
            "Type of `metrics` argument not understood. Expected a list or dictionary, found: "
            f"{spec}"
        )
    if n > 1 and spec and all(isinstance(s, (list, tuple)) or s is None for s in spec):
        if len(spec) != n:
            raise ValueError(f"For a model with {n} outputs, a nested `metrics` list must have "
                             f"{n} entries. Received {len(spec)}.")
        return [_as_list(s) for s in spec]
    return [list(spec)] * n


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]
