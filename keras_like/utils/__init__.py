"""`keras_like.utils`."""
