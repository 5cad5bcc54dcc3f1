"""`keras_like.optimizers`."""

from keras_like.optimizers import legacy, schedules  # noqa: F401
from keras_like.optimizers.adadelta import Adadelta
from keras_like.optimizers.adafactor import Adafactor
from keras_like.optimizers.adagrad import Adagrad
from keras_like.optimizers.adam import Adam
from keras_like.optimizers.adamax import Adamax
from keras_like.optimizers.adamw import AdamW
from keras_like.optimizers.ftrl import Ftrl
from keras_like.optimizers.lion import Lion
from keras_like.optimizers.nadam import Nadam
from keras_like.optimizers.optimizer import Optimizer
from keras_like.optimizers.rmsprop import RMSprop
from keras_like.optimizers.sgd import SGD

_BY_NAME = {"adam": Adam, "sgd": SGD}
# Keras resolves names case-insensitively by class name ("RMSprop", "rmsprop", "RMSProp", ...).
_BY_NAME.update({cls.__name__.lower(): cls for cls in (
    Adadelta, Adafactor, Adagrad, Adamax, AdamW, Ftrl, Lion, Nadam, RMSprop)})


def _all_classes():
    classes = dict(_BY_NAME)
    for name, obj in globals().items():
        if isinstance(obj, type) and issubclass(obj, Optimizer) and obj is not Optimizer:
            classes[name.lower()] = obj
    return classes


def get(identifier):
    """An optimizer from an instance, a name ("adam", "sgd", "rmsprop", ...) or a config."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _all_classes().get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


def serialize(optimizer):
    from keras_like.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    cls = _all_classes().get(config["class_name"].lower())
    if cls is None:
        from keras_like.saving.serialization_lib import deserialize_keras_object

        return deserialize_keras_object(config, custom_objects=custom_objects)
    return cls.from_config(config.get("config", {}))
