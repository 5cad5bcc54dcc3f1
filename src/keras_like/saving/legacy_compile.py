"""The `training_config` of legacy `.h5` files (FORMATS.md §3.3): compile arguments, both ways.

Keras 3 writes the model's compile arguments (strings, or Keras-3 entries for objects) plus
`optimizer_config = {"class_name", "config"}`. tf.keras 2 writes its built objects: metrics as
per-output lists of `MeanMetricWrapper` entries, losses with an extra `fn` key and
`reduction: "auto"`, the optimizer as `"Custom>Adam"` with `jit_compile` and
`is_legacy_optimizer`. Reading accepts both (Keras 3.15 itself fails on tf.keras losses,
§3.5); entries without a `module` get the Keras module of their kind, so they resolve only
to keras_like's own or registered objects.
"""

from keras_like.saving.object_registration import get_registered_name
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

# Compile arguments a training config may carry besides loss, metrics and the optimizer.
_PASSED_THROUGH = ("loss_weights", "run_eagerly", "steps_per_execution", "jit_compile")
# Metric ids `compile` resolves by the data rather than by name.
_COMPILE_METRIC_IDS = ("accuracy", "acc", "crossentropy", "ce")
# tf.keras optimizer config keys that configure nothing in keras_like.
_TF_OPTIMIZER_ONLY = ("jit_compile", "is_legacy_optimizer")


def training_config(model):
    """The `training_config` Keras 3 writes for a compiled model, or None."""
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if config is None or getattr(model, "optimizer", None) is None:
        return None
    config = dict(config)
    config.pop("optimizer", None)
    optimizer = model.optimizer
    config["optimizer_config"] = {
        "class_name": get_registered_name(type(optimizer)),
        "config": {k: serialize_keras_object(v) for k, v in optimizer.get_config().items()},
    }
    return config


def compile_arguments(config, custom_objects=None, num_outputs=1):
    """`model.compile(**...)` arguments from a `training_config` (Keras 3 or tf.keras 2)."""
    if not isinstance(config, dict):
        raise ValueError(f"the training_config must be a JSON object; received "
                         f"{type(config).__name__}")
    arguments = {}
    optimizer = config.get("optimizer_config")
    if optimizer is not None:
        arguments["optimizer"] = _optimizer(optimizer, custom_objects)
    if config.get("loss") is not None:
        arguments["loss"] = _nested(config["loss"], "keras.losses", custom_objects)
    for key in ("metrics", "weighted_metrics"):
        if config.get(key) is not None:
            metrics = _nested(config[key], "keras.metrics", custom_objects)
            if num_outputs == 1 and isinstance(metrics, list) and len(metrics) == 1 and \
                    isinstance(metrics[0], list):
                # tf.keras saves the built metrics per output, even for one output.
                metrics = metrics[0]
            arguments[key] = metrics
    for key in _PASSED_THROUGH:
        if config.get(key) is not None:
            arguments[key] = config[key]
    return arguments


def is_legacy_optimizer(config, keras_version):
    """Whether the file's optimizer is tf.keras's pre-2.11 `OptimizerV2`, whose saved
    variables (hyperparameters, then each kind of slot for all variables) do not line up with
    Keras 3's (iteration, learning rate, slots interleaved per variable)."""
    optimizer = config.get("optimizer_config") if isinstance(config, dict) else None
    inner = optimizer.get("config") if isinstance(optimizer, dict) else None
    if isinstance(inner, dict) and "is_legacy_optimizer" in inner:
        return bool(inner["is_legacy_optimizer"])
    major, _, rest = (keras_version or "").partition(".")
    minor = rest.split(".")[0]
    return major in ("1", "2") and (major == "1" or not minor.isdigit() or int(minor) < 11)


def _optimizer(entry, custom_objects):
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ValueError(f"the optimizer_config must be an object with a 'class_name'; "
                         f"received {entry!r:.200}")
    inner = dict(entry.get("config") or {})
    for key in _TF_OPTIMIZER_ONLY:
        inner.pop(key, None)
    if "lr" in inner and "learning_rate" not in inner:  # Keras <= 2.2
        inner["learning_rate"] = inner.pop("lr")
    return deserialize_keras_object(_with_module({**entry, "config": inner},
                                                 "keras.optimizers"), custom_objects)


def _nested(value, module, custom_objects):
    """Losses or metrics: strings stay (compile resolves them, "accuracy" by the data) once
    they are known to resolve, entries are deserialized, lists and per-output dicts walked."""
    if isinstance(value, list):
        return [_nested(v, module, custom_objects) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _nested(v, module, custom_objects) for k, v in value.items()}
    if isinstance(value, str):
        _check_name(value, module, custom_objects)
        return value
    if not isinstance(value, dict):
        return value
    entry = dict(value)
    if module == "keras.losses" and isinstance(entry.get("config"), dict):
        entry["config"] = _loss_config(entry["class_name"], entry["config"])
    return deserialize_keras_object(_with_module(entry, module), custom_objects)


def _check_name(name, module, custom_objects):
    """Raises now, not at the first `fit`, for a loss or metric id that resolves to nothing."""
    from keras_like import losses, metrics
    from keras_like.saving.object_registration import CustomObjectScope

    if module == "keras.metrics" and name.lower() in _COMPILE_METRIC_IDS:
        return
    with CustomObjectScope(custom_objects):
        (losses if module == "keras.losses" else metrics).get(name)


def _loss_config(class_name, config):
    config = dict(config)
    if not class_name.endswith("LossFunctionWrapper"):
        # tf.keras adds the wrapped function to every built-in loss's config.
        config.pop("fn", None)
    if config.get("reduction") == "auto":  # tf.keras's default, Keras 3's is this one
        config["reduction"] = "sum_over_batch_size"
    return config


def _with_module(entry, module):
    if "module" in entry or entry.get("class_name") in ("function", "__lambda__"):
        return entry
    class_name = entry["class_name"]
    if ">" in class_name:
        # A registered name: resolved through the registry, else by the part after ">"
        # among keras_like's classes (tf.keras writes "Custom>Adam" for its own Adam).
        return {**entry, "module": module, "class_name": class_name.rsplit(">", 1)[1],
                "registered_name": class_name}
    return {**entry, "module": module, "registered_name": None}
