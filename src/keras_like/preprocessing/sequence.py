"""`keras_like.preprocessing.sequence`: Keras 3 exports `pad_sequences` here too."""

from keras_like.utils.sequence_utils import pad_sequences  # noqa: F401

__all__ = ["pad_sequences"]
