"""`standardize_data_format`: the layers' `data_format` argument, checked and defaulted."""

from keras_like.backend import config as backend_config


def standardize_data_format(data_format):
    """`None` -> the configured image data format; otherwise a checked lower-case value."""
    if data_format is None:
        return backend_config.image_data_format()
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format
