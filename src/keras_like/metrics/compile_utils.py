"""How `Model.compile(metrics=[...])` turns one metric identifier into a `Metric`.

Follows `keras/src/trainers/compile_utils.py` (`get_metric`): "accuracy"/"acc" becomes
`BinaryAccuracy`, `SparseCategoricalAccuracy` or `CategoricalAccuracy` from the label and
prediction shapes; plain functions are wrapped in `MeanMetricWrapper`.
"""

from keras_like.backend.naming import to_snake_case


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
