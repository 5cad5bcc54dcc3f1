"""`keras_like.callbacks`."""

from keras_like.callbacks.callback import Callback
from keras_like.callbacks.callback_list import CallbackList
from keras_like.callbacks.history import History
from keras_like.callbacks.progbar_logger import ProgbarLogger
