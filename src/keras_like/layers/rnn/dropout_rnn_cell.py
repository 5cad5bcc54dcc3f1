"""DropoutRNNCell: the per-sequence dropout masks of an RNN cell (one mask for every step)."""

from keras_like import ops, random


class DropoutRNNCell:
    """Mixin of cells with `dropout`, `recurrent_dropout` and a `seed_generator`.

    The masks are drawn at the first step of a sequence and reused at every step, as Keras
    does; the RNN layer resets them after each call.
    """

    def _create_dropout_mask(self, step_input, dropout_rate):
        count = getattr(self, "dropout_mask_count", None)
        ones = ops.ones_like(step_input)
        if count is None:
            return random.dropout(ones, rate=dropout_rate, seed=self.seed_generator)
        return [random.dropout(ones, rate=dropout_rate, seed=self.seed_generator)
                for _ in range(count)]

    def get_dropout_mask(self, step_input):
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            # Through __dict__: masks are per call, not state the layer tracks.
            self.__dict__["_dropout_mask"] = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self.__dict__["_recurrent_dropout_mask"] = self._create_dropout_mask(
                step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self.__dict__["_dropout_mask"] = None

    def reset_recurrent_dropout_mask(self):
        self.__dict__["_recurrent_dropout_mask"] = None


def clip_rate(rate):
    """Keras clips dropout rates of recurrent cells into [0, 1] instead of rejecting them."""
    return min(1.0, max(0.0, float(rate)))
