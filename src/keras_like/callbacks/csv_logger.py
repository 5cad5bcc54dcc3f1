"""`CSVLogger`: streams the logs of every epoch to a CSV file."""

import collections
import collections.abc
import csv
import os

import numpy as np

from keras_like.callbacks.callback import Callback


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    The first row is the header: "epoch" then the log keys in sorted order (when no
    validation key is logged, "val_<key>" columns are added for every key, left "NA").
    Values that are 1-D iterables are written as `"[a, b, ...]"`.

    Args:
        filename: Filename of the CSV file, e.g. "run/log.csv".
        separator: String used to separate elements in the CSV file.
        append: True: append if the file exists (to continue a training). False: overwrite
            an existing file.

    Example:
    >>> csv_logger = CSVLogger("training.log")
    >>> model.fit(x_train, y_train, callbacks=[csv_logger])
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        # The csv module wants newline="" (it writes its own "\r\n" line ends).
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}

        def handle_value(k):
            is_zero_dim_ndarray = isinstance(k, np.ndarray) and k.ndim == 0
            if isinstance(k, str):
                return k
            if isinstance(k, collections.abc.Iterable) and not is_zero_dim_ndarray:
                return f'"[{", ".join(map(str, k))}]"'
            return k

        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys.extend([f"val_{k}" for k in self.keys])

        if not self.writer:

            class CustomDialect(csv.excel):
                delimiter = self.sep

            fieldnames = ["epoch"] + (self.keys or [])
            self.writer = csv.DictWriter(self.csv_file, fieldnames=fieldnames,
                                         dialect=CustomDialect)
            if self.append_header:
                self.writer.writeheader()

        row_dict = collections.OrderedDict({"epoch": epoch})
        row_dict.update((key, handle_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row_dict)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
