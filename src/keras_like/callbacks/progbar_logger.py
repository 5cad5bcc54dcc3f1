"""ProgbarLogger: Keras's progress output (verbose=1 bar, verbose=2 one line per epoch), on tqdm."""

import sys
import time

from keras_like.callbacks.callback import Callback


def _format_value(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.4e}"


def _format_logs(logs, skip=("size", "batch")):
    return " - ".join(f"{k}: {_format_value(v)}" for k, v in (logs or {}).items() if k not in skip)


def _format_time(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


class ProgbarLogger(Callback):
    """Prints metrics to stdout: a live bar per epoch (verbose=1) or one line (verbose=2)."""

    _REFRESH_SECONDS = 0.1

    def __init__(self, count_mode=None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self._bar = None
        self._mode = "train"
        self._seen = 0
        self._start = 0.0
        self._last_refresh = 0.0
        self._target = None

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self._target = params.get("steps")

    def _open(self, target):
        self._seen = 0
        self._start = time.perf_counter()
        self._last_refresh = 0.0
        if self.verbose == 1:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=target, file=sys.stdout, leave=True, ascii=" ━", ncols=100,
                             bar_format="{n_fmt}/{total_fmt} {bar:20} {elapsed} {postfix}",
                             dynamic_ncols=False, mininterval=self._REFRESH_SECONDS)

    def _update(self, step, logs, final=False):
        self._seen = step
        now = time.perf_counter()
        if self._bar is None:
            return
        self._bar.n = step
        if final or now - self._last_refresh >= self._REFRESH_SECONDS:
            self._last_refresh = now
            per_step = (now - self._start) / max(step, 1)
            text = f"{_format_time(per_step)}/step"
            if logs:
                text += " - " + _format_logs(logs)
            self._bar.set_postfix_str(text, refresh=False)
            self._bar.refresh()

    def _close(self, logs):
        elapsed = time.perf_counter() - self._start
        if self._bar is not None:
            self._update(self._seen, logs, final=True)
            self._bar.close()
            self._bar = None
        elif self.verbose == 2:
            per_step = elapsed / max(self._seen, 1)
            line = f"{self._seen}/{self._seen} - {_format_time(elapsed)} - " \
                   f"{_format_time(per_step)}/step"
            if logs:
                line += " - " + _format_logs(logs)
            print(line, flush=True)

    # ---- fit ---------------------------------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)
        self._mode = "train"
        self._open(self.params.get("steps") if self.params else None)

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._close(logs)

    # ---- evaluate / predict ------------------------------------------------------------------

    def on_test_begin(self, logs=None):
        if self._mode != "train":
            self._open(self.params.get("steps") if self.params else None)

    def on_test_batch_end(self, batch, logs=None):
        if self._mode != "train":
            self._update(batch + 1, logs)

    def on_test_end(self, logs=None):
        if self._mode != "train":
            self._close(logs)

    def on_predict_begin(self, logs=None):
        self._mode = "predict"
        self._open(self.params.get("steps") if self.params else None)

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch + 1, None)

    def on_predict_end(self, logs=None):
        self._close(None)

    def set_evaluate_mode(self):
        self._mode = "test"
