"""`keras_like.callbacks`."""

from keras_like.callbacks.backup_and_restore import BackupAndRestore
from keras_like.callbacks.callback import Callback
from keras_like.callbacks.callback_list import CallbackList
from keras_like.callbacks.csv_logger import CSVLogger
from keras_like.callbacks.early_stopping import EarlyStopping
from keras_like.callbacks.history import History
from keras_like.callbacks.lambda_callback import LambdaCallback
from keras_like.callbacks.learning_rate_scheduler import LearningRateScheduler
from keras_like.callbacks.model_checkpoint import ModelCheckpoint
from keras_like.callbacks.progbar_logger import ProgbarLogger
from keras_like.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from keras_like.callbacks.tensorboard import TensorBoard
from keras_like.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
    "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger",
    "ReduceLROnPlateau", "TensorBoard", "TerminateOnNaN",
]
