"""`standardize_data_format` for the layers (the check lives in backend.config)."""

from keras_like.backend.config import standardize_data_format  # noqa: F401
