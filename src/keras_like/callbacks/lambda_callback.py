"""`LambdaCallback`: a callback made of plain functions."""

from keras_like.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly.

    The functions are called at the matching points of `fit` / `evaluate` / `predict`, with
    positional arguments as the `Callback` hooks take them:
    `on_epoch_begin(epoch, logs)`, `on_epoch_end(epoch, logs)`, `on_train_begin(logs)`,
    `on_train_end(logs)`, `on_train_batch_begin(batch, logs)`,
    `on_train_batch_end(batch, logs)`.

    Args:
        on_epoch_begin: called at the beginning of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_train_begin: called at the beginning of model training.
        on_train_end: called at the end of model training.
        on_train_batch_begin: called at the beginning of every train batch.
        on_train_batch_end: called at the end of every train batch.
        **kwargs: Any other `Callback` hook, as `hook_name=function` (for example
            `on_test_batch_end=fn`).

    Example:
    >>> batch_print_callback = LambdaCallback(
    ...     on_train_batch_begin=lambda batch, logs: print(batch))
    >>> json_log = open("loss_log.json", mode="wt", buffering=1)
    >>> json_logging_callback = LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: json_log.write(
    ...         json.dumps({"epoch": epoch, "loss": logs["loss"]}) + "\\n"),
    ...     on_train_end=lambda logs: json_log.close())
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        if on_epoch_begin is not None:
            self.on_epoch_begin = on_epoch_begin
        if on_epoch_end is not None:
            self.on_epoch_end = on_epoch_end
        if on_train_begin is not None:
            self.on_train_begin = on_train_begin
        if on_train_end is not None:
            self.on_train_end = on_train_end
        if on_train_batch_begin is not None:
            self.on_train_batch_begin = on_train_batch_begin
        if on_train_batch_end is not None:
            self.on_train_batch_end = on_train_batch_end
