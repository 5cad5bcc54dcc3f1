"""The saving methods of `Model`: `save`, `save_weights`, `load_weights`, `to_json`."""


class ModelSaving:
    """Mixed into `Model`; every method goes through `keras_like.saving.saving_api`."""

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (architecture, weights, compile and optimizer state).

        Args:
            filepath: A path ending in `.keras` (the Keras 3 format, recommended) or `.h5`
                (the legacy HDF5 format).
            overwrite: Whether to replace an existing file (without a terminal to ask on,
                `False` keeps the existing file).
            zipped: Accepted for compatibility; `.keras` files are always zipped.

        The file is written atomically: a process killed mid-save leaves the previous file
        intact.

        Example:
        >>> model.save("model.keras")
        >>> reloaded = keras_like.models.load_model("model.keras")
        """
        from keras_like.saving import saving_api

        saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Saves every variable (optimizer state included) to a `.weights.h5` file."""
        from keras_like.saving import saving_api

        saving_api.save_weights(self, filepath, overwrite=overwrite,
                                max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights from a `.weights.h5`, `.keras` or legacy `.h5` file.

        Args:
            filepath: The file.
            skip_mismatch: Skip (with a warning) layers whose stored weights do not fit,
                instead of raising.
            by_name: Legacy `.h5` only: match layers by name instead of by order.
        """
        from keras_like.saving import saving_api

        saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (`keras_like.models.model_from_json`
        rebuilds it); keyword arguments go to `json.dumps`."""
        from keras_like.saving import saving_api

        return saving_api.model_to_json(self, **kwargs)
