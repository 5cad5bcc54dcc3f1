"""`TerminateOnNaN`: stops training at the first NaN or infinite batch loss."""

import numpy as np

from keras_like.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN or Inf loss is encountered.

    By default training stops gracefully (`model.stop_training = True`), so every callback's
    `on_train_end()` still runs. With `raise_error=True` a `RuntimeError` is raised at once
    instead, skipping that cleanup.

    Args:
        raise_error: If False (default), stop via `model.stop_training = True`; if True,
            raise a `RuntimeError` on a NaN/Inf loss.

    Example:
    >>> model.fit(x, y, callbacks=[keras_like.callbacks.TerminateOnNaN()])
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        """Checks the batch loss (`logs["loss"]`) for NaN or Inf."""
        logs = logs or {}
        loss = logs.get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately."
                )
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
