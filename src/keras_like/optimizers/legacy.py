"""`keras_like.optimizers.legacy`: Keras 3 keeps these names only to explain their absence.

Every name here is one class whose constructor raises the ImportError Keras 3 raises.
"""


class LegacyOptimizerWarning:
    """Stands for the Keras 2 `optimizers.legacy` classes, which Keras 3 does not have.

    Example:

    >>> LegacyOptimizerWarning(learning_rate=0.1)
    Traceback (most recent call last):
        ...
    ImportError: `keras.optimizers.legacy` is not supported in Keras 3. ...
    """

    def __init__(self, *args, **kwargs):
        raise ImportError(
            "`keras.optimizers.legacy` is not supported in Keras 3. When using "
            "`tf.keras`, to continue using a `tf.keras.optimizers.legacy` "
            "optimizer, you can install the `tf_keras` package (Keras 2) and "
            "set the environment variable `TF_USE_LEGACY_KERAS=True` to "
            "configure TensorFlow to use `tf_keras` when accessing `tf.keras`."
        )


Adagrad = Adam = Ftrl = Optimizer = RMSprop = SGD = LegacyOptimizerWarning

__all__ = ["Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"]
