"""Argument checks of fit / evaluate / predict, run before any data is touched.

Keras on TensorFlow refuses these inputs somewhere deep in tf.data; here they fail at once
with a message that names the argument and the value received.
"""

import numbers


def check_batch_size(value, name="batch_size"):
    """`None` (the default of 32, or derived from `steps`) or a positive integer."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a positive integer. "
            f"Received: {name}={value!r}"
        )


def check_validation_split(value):
    """A fraction in [0, 1): 0 means no validation data."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(
            "Invalid value for argument `validation_split`. Expected a float in [0, 1). "
            f"Received: validation_split={value!r}"
        )


def check_has_samples(epoch_iterator, method):
    """Array inputs with zero samples would run zero steps and report nothing."""
    adapter = epoch_iterator.data_adapter
    num_samples = getattr(adapter, "num_samples", None)
    if num_samples == 0:
        raise ValueError(
            f"`{method}` received empty data: the input arrays hold 0 samples (shapes "
            f"{adapter.shapes}). Pass at least one sample."
        )


def no_batches_error(method):
    return ValueError(
        f"`{method}` got no batches: the input (a generator, PyDataset or iterator) yielded "
        "nothing. Pass data holding at least one sample."
    )
