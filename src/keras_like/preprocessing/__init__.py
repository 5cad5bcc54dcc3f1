"""`keras_like.preprocessing`: the Keras 3 paths kept for older code (`preprocessing.sequence`)."""

from keras_like.preprocessing import sequence  # noqa: F401
