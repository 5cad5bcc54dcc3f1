"""The `tensorboard` package (an optional extra): its event-file writer (TFRecord framing with
masked CRC-32C) and protobufs, so keras_like writes TensorBoard's own format without
TensorFlow."""

import importlib

_MISSING = ("keras_like writes TensorBoard logs through the `tensorboard` package, which is not "
            "installed. Install it with: pip install 'keras_like[tensorboard]'")


def load(module):
    """`tensorboard.<module>`, or an ImportError naming the extra."""
    try:
        return importlib.import_module(f"tensorboard.{module}")
    except ImportError as e:
        raise ImportError(_MISSING) from e
