"""What `compile(loss=..., metrics=...)` becomes: loss and metric containers over the outputs.

Follows `keras/src/trainers/compile_utils.py`: `CompileLoss` sums the per-output losses (times
`loss_weights`) and, for several losses, tracks each one in a `Mean` named
"<output>_loss"; `CompileMetrics` is one `Metric` named "compile_metrics" whose `result()` is
a dict of every compiled metric, named "<output>_<metric>" for multi-output models. Both resolve
their per-output arguments once, on the first batch, from the shapes of `y_true`/`y_pred`:
`get_loss` and `get_metric_for_compile` turn one identifier into a `Loss` or `Metric`
("crossentropy" and "accuracy" pick their variant by those shapes).
"""

from keras_like import tree
from keras_like.backend.naming import to_snake_case
from keras_like.metrics.metric import Metric


class OutputStructure:
    """How the model's outputs line up with targets, sample weights and per-output arguments.

    Outputs are visited in a canonical order: the output order for a single output or a
    list/tuple of outputs; for a dict of outputs, the model's `output_names` order when it names
    exactly the dict keys, else sorted keys. Positional lists given for a dict of outputs (`y`,
    `loss`, `loss_weights`) follow sorted keys, as `keras.tree` packs them.
    """

    def __init__(self, y_pred, output_names=None):
        output_names = list(output_names) if output_names else None
        self.output_names = output_names
        if isinstance(y_pred, dict) and len(tree.flatten(y_pred)) == len(y_pred):
            self.kind = "dict"
            keys = list(y_pred)
            if output_names and set(output_names) == set(keys):
                keys = output_names
            else:
                keys = sorted(keys)
            self.keys = keys
            self.names = [str(k) for k in keys]
            order = sorted(keys)
            self._positional = [order.index(k) for k in keys]
        elif tree.is_nested(y_pred):
            flat = tree.flatten(y_pred)
            self.kind = "list" if len(flat) == len(y_pred) and not isinstance(y_pred, dict) \
                else "nested"
            n = len(flat)
            self.keys = list(range(n))
            self.names = output_names if output_names and len(output_names) == n else \
                [f"output_{i}" for i in range(n)]
            self._positional = list(range(n))
        else:
            self.kind = "single"
            self.keys = [0]
            self.names = list(output_names) if output_names and len(output_names) == 1 else \
                ["output"]
            self._positional = [0]
        self.num_outputs = len(self.keys)

    def flat_pred(self, y_pred):
        if self.kind == "single":
            return [y_pred]
        if self.kind == "dict":
            return [y_pred[k] for k in self.keys]
        if self.kind == "list":
            return list(y_pred)
        return tree.flatten(y_pred)

    def align(self, value, what, replicate=False):
        """`value` (targets or sample weights) as a list with one entry per output.

        `replicate`: a single value applies to every output (sample weights); otherwise a
        structure that does not match the outputs is an error.
        """
        n = self.num_outputs
        if self.kind == "single":
            if isinstance(value, (list, tuple)) and len(value) == 1:
                return [value[0]]
            if isinstance(value, dict) and len(value) == 1:
                return list(value.values())
            return [value]
        if value is None:
            return [None] * n
        if isinstance(value, dict):
            missing = [name for name, key in zip(self.names, self.keys)
                       if key not in value and name not in value]
            if missing:
                raise ValueError(
                    f"`{what}` is a dict but has no entries for the model outputs {missing}. "
                    f"Expected keys: {self.names}. Received keys: {list(value)}"
                )
            return [value[key] if key in value else value[name]
                    for name, key in zip(self.names, self.keys)]
        if isinstance(value, (list, tuple)):
            flat = list(value) if len(value) == n else tree.flatten(value)
            if len(flat) != n:
                raise ValueError(
                    f"{what} and y_pred have different structures: the model has {n} outputs "
                    f"({self.names}) but `{what}` has {len(flat)} entries."
                )
            return [flat[p] for p in self._positional]
        if replicate:
            return [value] * n
        raise ValueError(
            f"{what} and y_pred have different structures: the model has {n} outputs "
            f"({self.names}) but `{what}` is a single array. Pass a list or a dict with one "
            "entry per output."
        )

    def per_output(self, spec, argument_name):
        """A compile argument given once, as a list or as a dict, as one entry per output."""
        n = self.num_outputs
        if isinstance(spec, dict):
            if n == 1 and self.kind == "single":
                values = list(spec.values())
                if len(values) != 1:
                    raise ValueError(
                        f"Expected keys {self.output_names} in {argument_name} dict, but found "
                        f"{argument_name}.keys()={list(spec.keys())}"
                    )
                return values
            if self.kind == "dict":
                unknown = [k for k in spec if k not in self.keys and k not in self.names]
                if unknown:
                    raise KeyError(
                        f"The path: {(unknown[0],)} in the `{argument_name}` argument, can't be "
                        "found in either the model's output (`y_pred`) or in the labels "
                        "(`y_true`)."
                    )
                return [spec.get(k, spec.get(name)) for k, name in zip(self.keys, self.names)]
            if set(spec) != set(self.names):
                raise ValueError(
                    f"Expected keys {self.output_names or self.names} in {argument_name} dict, "
                    f"but found {argument_name}.keys()={list(spec.keys())}"
                )
            return [spec[name] for name in self.names]
        if isinstance(spec, (list, tuple)):
            if n == 1 and len(spec) == 1:
                return [spec[0]]
            if len(spec) != n:
                raise ValueError(
                    f"For a model with multiple outputs, when providing the `{argument_name}` "
                    f"argument as a list, it should have as many entries as the model has "
                    f"outputs. Received:\n{argument_name}={spec}\nof length {len(spec)} whereas "
                    f"the model has {n} outputs."
                )
            return [spec[p] for p in self._positional]
        return [spec] * n


def _shape_of(x):
    if x is None:
        return None
    if isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x):
        return tuple(x)
    shape = getattr(x, "shape", None)
    return None if shape is None else tuple(shape)


def is_binary_or_sparse_categorical(y_true, y_pred):
    """`(is_binary, is_sparse_categorical)` from label and prediction shapes (or tensors).

    Binary: predictions have one column. Sparse: labels have lower rank than predictions,
    or one label column against several prediction columns.

    Example:
    >>> is_binary_or_sparse_categorical((32,), (32, 10))
    (False, True)
    """
    y_true_shape, y_pred_shape = _shape_of(y_true), _shape_of(y_pred)
    y_t_last_dim = y_true_shape[-1] if y_true_shape else None
    y_p_last_dim = y_pred_shape[-1] if y_pred_shape else None
    is_binary = y_p_last_dim == 1
    is_sparse_categorical = (len(y_true_shape) < len(y_pred_shape)
                             or (y_t_last_dim == 1 and y_p_last_dim is not None
                                 and y_p_last_dim > 1))
    return is_binary, is_sparse_categorical


def _loss_name(loss):
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss.lower()
    fn = getattr(loss, "fn", None)  # a LossFunctionWrapper
    if fn is not None and hasattr(fn, "__name__"):
        return fn.__name__.lower()
    if hasattr(loss, "__name__"):
        return loss.__name__.lower()
    return to_snake_case(type(loss).__name__)


def _accuracy_kind_from_loss(loss):
    name = _loss_name(loss) or ""
    if "sparse" in name:
        return "sparse"
    if "binary" in name or name in ("bce", "hinge", "squared_hinge"):
        return "binary"
    return "categorical"


def get_metric_for_compile(identifier, y_true_shape=None, y_pred_shape=None, loss=None):
    """Resolves one entry of `compile(metrics=...)` into a `Metric` instance.

    "accuracy" and "acc" (any case) pick the accuracy matching the data, exactly as Keras
    3 does from the shapes of one output's labels and predictions: one prediction column
    gives `BinaryAccuracy`; labels of lower rank than the predictions, or a single label
    column against several prediction columns, give `SparseCategoricalAccuracy`; otherwise
    `CategoricalAccuracy`. The metric keeps the identifier as its name, so the logs say
    "accuracy" (or "acc"). Keras decides by shapes alone; only when the shapes are not
    known yet (None) does `loss` decide (a sparse loss: sparse; a binary loss: binary).

    Other identifiers go through `metrics.get`; a plain function is wrapped in a
    `MeanMetricWrapper`. A string identifier becomes the metric's name.

    Args:
        identifier: A string id, a `Metric`, a metric class or config dict, or a function
            `fn(y_true, y_pred)`.
        y_true_shape: Shape (or tensor) of this output's labels.
        y_pred_shape: Shape (or tensor) of this output's predictions.
        loss: (Optional) The output's loss (string, function or Loss object).

    Returns:
        A `Metric` instance.

    Example:
    >>> m = get_metric_for_compile("accuracy", (32,), (32, 10))
    >>> type(m).__name__, m.name
    ('SparseCategoricalAccuracy', 'accuracy')
    """
    from keras_like import metrics as metrics_module

    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        name = str(identifier)
        if _shape_of(y_true_shape) is not None and _shape_of(y_pred_shape) is not None:
            is_binary, is_sparse = is_binary_or_sparse_categorical(y_true_shape, y_pred_shape)
            kind = "binary" if is_binary else "sparse" if is_sparse else "categorical"
        else:
            kind = _accuracy_kind_from_loss(loss)
        cls = {"binary": metrics_module.BinaryAccuracy,
               "sparse": metrics_module.SparseCategoricalAccuracy,
               "categorical": metrics_module.CategoricalAccuracy}[kind]
        metric_obj = cls(name=name)
    else:
        metric_obj = metrics_module.get(identifier)
    if isinstance(identifier, str):
        metric_name = identifier
    elif hasattr(metric_obj, "name"):
        metric_name = metric_obj.name
    elif hasattr(metric_obj, "__name__"):
        metric_name = to_snake_case(metric_obj.__name__)
    else:
        metric_name = to_snake_case(type(metric_obj).__name__)
    if not isinstance(metric_obj, metrics_module.Metric):
        metric_obj = metrics_module.MeanMetricWrapper(metric_obj)
    metric_obj.name = metric_name
    return metric_obj


def _object_name(obj):
    if getattr(obj, "name", None):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)


def get_loss(identifier, y_true, y_pred):
    """One `compile(loss=...)` entry as a `Loss`; "crossentropy"/"ce" pick by the shapes."""
    from keras_like import losses as losses_module

    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            loss_obj = losses_module.binary_crossentropy
        elif is_sparse:
            loss_obj = losses_module.sparse_categorical_crossentropy
        else:
            loss_obj = losses_module.categorical_crossentropy
    else:
        loss_obj = losses_module.get(identifier)
    if not isinstance(loss_obj, losses_module.Loss):
        name = identifier if isinstance(identifier, str) else _object_name(loss_obj)
        loss_obj = losses_module.LossFunctionWrapper(loss_obj, name=name)
    return loss_obj


class CompileLoss:
    """The compiled loss: the weighted sum of one loss per output.

    Args:
        loss: A loss (string id, function or `Loss`), or a list/dict with one per output.
        loss_weights: A float (single output), or a list/dict with one weight per output.
        reduction: Reduction of the individual losses (they reduce themselves).
        output_names: The model's output names (for dict arguments and tracker names).
    """

    def __init__(self, loss, loss_weights=None, reduction="sum_over_batch_size",
                 output_names=None):
        if loss_weights and not isinstance(loss_weights, (list, tuple, dict, float)):
            raise ValueError(
                "Expected `loss_weights` argument to be a float (single output case) or a "
                "list, tuple, or dict (multiple output case). Received instead: "
                f"loss_weights={loss_weights} of type {type(loss_weights)}"
            )
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.reduction = reduction
        self.output_names = output_names
        self.name = "compile_loss"
        self.built = False
        self._metrics = []
        self._entries = []  # (output index, loss, weight or None, tracker or None)
        self._structure = None
        self._fast = None  # (loss, weight) when there is one output and one loss

    @property
    def metrics(self):
        return self._metrics

    @property
    def variables(self):
        return [v for m in self._metrics for v in m.variables]

    def build(self, y_true, y_pred):
        from keras_like import metrics as metrics_module

        structure = OutputStructure(y_pred, self.output_names)
        flat_pred = structure.flat_pred(y_pred)
        flat_true = structure.align(y_true, "y_true")
        specs = structure.per_output(self._user_loss, "loss")
        if self._user_loss_weights is None:
            weights = [None] * structure.num_outputs
        elif isinstance(self._user_loss_weights, float) and structure.num_outputs == 1:
            weights = [self._user_loss_weights]
        else:
            weights = structure.per_output(self._user_loss_weights, "loss_weights")
        order = list(range(structure.num_outputs))
        if isinstance(self._user_loss, dict) and structure.kind != "single":
            # Keras visits a dict of losses in the dict's own order.
            position = {name: i for i, name in enumerate(structure.names)}
            position.update({key: i for i, key in enumerate(structure.keys)})
            order = [position[k] for k in self._user_loss if k in position]
        entries = []
        for i in order:
            if specs[i] is None:
                continue
            loss = get_loss(specs[i], flat_true[i], flat_pred[i])
            weight = None if weights[i] is None else float(weights[i])
            entries.append([i, loss, weight, None])
        if len(entries) > 1:
            for entry in entries:
                tracker = metrics_module.Mean(name=f"{structure.names[entry[0]]}_loss")
                entry[3] = tracker
                self._metrics.append(tracker)
        self._entries = [tuple(e) for e in entries]
        self._structure = structure
        if structure.kind == "single" and len(entries) == 1:
            self._fast = (entries[0][1], entries[0][2])
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        fast = self._fast
        if fast is not None and not tree.is_nested(y_true):
            value = fast[0](y_true, y_pred, sample_weight=sample_weight)
            return value if fast[1] is None else value * fast[1]
        structure = self._structure
        flat_pred = structure.flat_pred(y_pred)
        flat_true = structure.align(y_true, "y_true")
        flat_sw = structure.align(sample_weight, "sample_weight", replicate=True)
        total = None
        for index, loss, weight, tracker in self._entries:
            y_t = flat_true[index]
            if y_t is None:
                continue
            y_p = flat_pred[index]
            value = loss(y_t, y_p, sample_weight=flat_sw[index])
            if tracker is not None:
                tracker.update_state(value, sample_weight=tree.flatten(y_p)[0].shape[0])
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        return total


def _shape(x):
    # Targets are tensors here: a list must not pass for a shape, as it would in `_shape_of`.
    return None if x is None else tuple(x.shape)


def _as_metric_list(entry, y_true, y_pred):
    if entry is None:
        return None
    entries = tree.flatten(entry) if isinstance(entry, (list, tuple)) else [entry]
    return [get_metric_for_compile(m, _shape(y_true), _shape(y_pred)) for m in entries]


class CompileMetrics(Metric):
    """All metrics from `compile(metrics=..., weighted_metrics=...)` as one `Metric`.

    `result()` is a dict: for one output, keys are the metric names; for several outputs they
    are "<output name>_<metric name>". A weighted metric whose name is already taken becomes
    "weighted_<name>"; other clashes get a "_1", "_2", ... suffix (as in Keras).
    """

    def __init__(self, metrics, weighted_metrics, name="compile_metric", output_names=None):
        super().__init__(name=name)
        if metrics and not isinstance(metrics, (list, tuple, dict)):
            raise ValueError(
                "Expected `metrics` argument to be a list, tuple, or dict. Received instead: "
                f"metrics={metrics} of type {type(metrics)}"
            )
        if weighted_metrics and not isinstance(weighted_metrics, (list, tuple, dict)):
            raise ValueError(
                "Expected `weighted_metrics` argument to be a list, tuple, or dict. Received "
                f"instead: weighted_metrics={weighted_metrics} of type {type(weighted_metrics)}"
            )
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.output_names = output_names
        self.name = "compile_metrics"
        self.built = False
        self._flat_metrics = []  # per output: list of metrics or None
        self._flat_weighted_metrics = []
        self._updates = ()  # (metric, output index, weighted)
        self._structure = None

    @property
    def metrics(self):
        if not self.built:
            return []
        return [m for group in self._flat_metrics + self._flat_weighted_metrics if group
                for m in group]

    @property
    def variables(self):
        return [v for m in self.metrics for v in m.variables]

    def build(self, y_true, y_pred):
        structure = OutputStructure(y_pred, self.output_names)
        flat_pred = structure.flat_pred(y_pred)
        flat_true = structure.align(y_true, "y_true")
        self._flat_metrics = self._build_set(self._user_metrics, structure, flat_true,
                                             flat_pred, "metrics")
        self._flat_weighted_metrics = self._build_set(self._user_weighted_metrics, structure,
                                                      flat_true, flat_pred, "weighted_metrics")
        self._output_prefixes = [None] if structure.num_outputs == 1 else structure.names
        updates = []
        for weighted, groups in ((False, self._flat_metrics),
                                 (True, self._flat_weighted_metrics)):
            for index, group in enumerate(groups):
                for m in group or []:
                    updates.append((m, index, weighted))
        self._updates = tuple(updates)
        self._structure = structure
        self.built = True

    def _build_set(self, spec, structure, flat_true, flat_pred, argument_name):
        n = structure.num_outputs
        if not spec:
            return [None] * n
        if n == 1:
            return [_as_metric_list(tree.flatten(spec), flat_true[0], flat_pred[0])]
        per_output = None
        if isinstance(spec, (list, tuple)) and len(spec) == n:
            per_output = [spec[p] for p in structure._positional]
        elif isinstance(spec, dict) and set(spec) <= set(structure.names) | set(structure.keys):
            per_output = [spec.get(k, spec.get(name))
                          for k, name in zip(structure.keys, structure.names)]
        if per_output is None:
            shape = tree.map_structure(lambda _: "X", flat_pred) if structure.kind != "dict" \
                else {k: "X" for k in structure.keys}
            raise ValueError(
                f"Invalid `{argument_name}`. `{argument_name}` should contain metrics objects "
                "and either be a dict or a list matching the output names of the functional "
                f"model {structure.output_names} or match the output structure of the model: "
                f"{shape}.\nReceived: {argument_name}={spec}"
            )
        return [_as_metric_list(entry, y_t, y_p)
                for entry, y_t, y_p in zip(per_output, flat_true, flat_pred)]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        structure = self._structure
        if structure.kind == "single" and not tree.is_nested(y_true):
            for metric, _, weighted in self._updates:
                if weighted:
                    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
                else:
                    metric.update_state(y_true, y_pred)
            return
        flat_pred = structure.flat_pred(y_pred)
        flat_true = structure.align(y_true, "y_true")
        flat_sw = structure.align(sample_weight, "sample_weight", replicate=True)
        for metric, index, weighted in self._updates:
            y_t = flat_true[index]
            if y_t is None:
                continue
            if weighted:
                metric.update_state(y_t, flat_pred[index], sample_weight=flat_sw[index])
            else:
                metric.update_state(y_t, flat_pred[index])

    def reset_state(self):
        for metric, _, _ in self._updates:
            metric.reset_state()

    def result(self):
        if not self.built:
            raise ValueError("Cannot get result() since the metric has not yet been built.")
        results = {}
        counters = {}
        for weighted, groups in ((False, self._flat_metrics),
                                 (True, self._flat_weighted_metrics)):
            for index, group in enumerate(groups):
                prefix = self._output_prefixes[index]
                for m in group or []:
                    name = m.name if prefix is None else f"{prefix}_{m.name}"
                    if name not in counters:
                        counters[name] = 1
                    elif weighted:
                        name = f"weighted_{m.name}"
                        if prefix is not None:
                            name = f"{prefix}_{name}"
                        if name not in counters:
                            counters[name] = 1
                        else:
                            suffix = counters[name]
                            counters[name] += 1
                            name = f"{name}_{suffix}"
                    else:
                        suffix = counters[name]
                        counters[name] += 1
                        name = f"{name}_{suffix}"
                    results[name] = m.result()
        return results

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        raise NotImplementedError
