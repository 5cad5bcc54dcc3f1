"""RNN: runs any RNN cell over the time axis (Keras 3's `keras.layers.RNN`)."""

from keras_like import ops, tree
from keras_like.backend.variable import Variable
from keras_like.layers.layer import Layer
from keras_like.layers.rnn import time_loop
from keras_like.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from keras_like.layers.rnn.stacked_rnn_cells import StackedRNNCells
from keras_like.saving import serialization_lib


class RNN(Layer):
    """Base class for recurrent layers: applies `cell` to every time step of a sequence.

    Args:
        cell: An RNN cell: an object with `call(input_at_t, states_at_t) -> (output_at_t,
            states_at_t_plus_1)` and a `state_size` (an int or a list of ints, one per state),
            optionally `output_size` and `get_initial_state(batch_size)`. A list of cells is
            stacked with `StackedRNNCells`.
        return_sequences: Return every step's output (batch, time, units) instead of the last
            one (batch, units).
        return_state: Also return the final states, after the output.
        go_backwards: Process the sequence from its last step; the returned sequence is in
            processing order.
        stateful: Keep the final states of a batch as the initial states of the next one
            (row i continues row i); needs a fixed batch size. `reset_state()` clears them.
        unroll: Accepted for Keras compatibility (the loop runs eagerly either way).
        zero_output_for_mask: Output zeros at masked steps instead of the previous output.

    Call arguments: `sequences` (batch, time, ...), `initial_state` (a list of tensors, one per
    state), `mask` (batch, time) bool, `training`.

    Example:
    >>> layer = RNN(LSTMCell(4), return_sequences=True)
    >>> layer(np.ones((2, 3, 5), "float32")).shape
    (2, 3, 4)
    """

    _NOT_TRACKED = Layer._NOT_TRACKED | {"states", "_expected_batch_size"}

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(
                f"Argument `cell` should have a `call` method. Received: cell={cell}"
            )
        if "state_size" not in dir(cell):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of "
                f"integers, one integer per RNN state). Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self.__dict__["states"] = None
        self.__dict__["_expected_batch_size"] = None
        state_size = getattr(self.cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers (one for each "
                "state tensor)."
            )
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch_size, size))
            else:
                states_shape.append([(batch_size, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError("output_size must be an integer.")
        output_shape = ((batch_size, length, output_size) if self.return_sequences
                        else (batch_size, output_size))
        return (output_shape, *states_shape) if self.return_state else output_shape

    def compute_mask(self, _, mask):
        # One mask for every input: a time step is skipped for all of them.
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    def build(self, sequences_shape, initial_state_shape=None):
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
            self.cell.built = True
            # Recorded as Keras's build wrapper does, so the cell's saved entry carries its
            # build_config like the files Keras writes.
            self.cell._build_shapes_dict = {"input_shape": step_input_shape}
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        "When using `stateful=True` in a RNN, the batch size must be static. "
                        f"Found dynamic batch size: sequence.shape={tuple(sequences_shape)}"
                    )
                self._create_state_variables(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size):
        # Not tracked (Keras's no_automatic_dependency_tracking): neither weights nor saved.
        self.__dict__["states"] = tree.map_structure(
            lambda value: Variable(value, trainable=False, dtype=self.variable_dtype,
                                   name="rnn_state"),
            self.get_initial_state(batch_size))
        self.__dict__["_expected_batch_size"] = batch_size

    def get_initial_state(self, batch_size):
        get_initial_state_fn = getattr(self.cell, "get_initial_state", None)
        if get_initial_state_fn is None:
            return [ops.zeros((batch_size, d), dtype=self.cell.compute_dtype)
                    for d in self.state_size]
        init_state = get_initial_state_fn(batch_size=batch_size)
        return list(init_state) if tree.is_nested(init_state) else [init_state]

    def reset_states(self):
        """Compatibility alias of `reset_state`."""
        self.reset_state()

    def reset_state(self):
        """Sets a stateful layer's carried states back to zeros."""
        if self.states is not None:
            for v in tree.flatten(self.states):
                v.assign(ops.zeros_like(v))

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell_kwargs = {}
        if isinstance(self.cell, Layer) and self.cell._call_has_training_arg:
            cell_kwargs["training"] = training

        def step(inputs, states):
            output, new_states = self.cell(inputs, states, **cell_kwargs)
            if not tree.is_nested(new_states):
                new_states = [new_states]
            return output, new_states

        return time_loop.run(step, sequences, initial_state, go_backwards=self.go_backwards,
                             mask=mask, zero_output_for_mask=self.zero_output_for_mask)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        time_loop.check_steps(self, sequences)
        if initial_state is None:
            if self.stateful:
                initial_state = tree.map_structure(lambda v: v.value, self.states)
            else:
                initial_state = self.get_initial_state(batch_size=sequences.shape[0])
        if self.stateful and self._expected_batch_size is not None \
                and sequences.shape[0] != self._expected_batch_size:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the "
                "same as the batch size of the initial state. \n"
                f"- Expected batch size: {self._expected_batch_size}\n"
                f"- Received batch size: {sequences.shape[0]}"
            )
        if not tree.is_nested(initial_state):
            initial_state = [initial_state]
        initial_state = tree.map_structure(
            lambda x: ops.convert_to_tensor(x, dtype=self.cell.compute_dtype),
            list(initial_state))
        try:
            last_output, outputs, states = self.inner_loop(
                sequences=sequences, initial_state=initial_state, mask=mask, training=training)
        finally:
            _reset_dropout_masks(self.cell)
        last_output = ops.cast(last_output, self.compute_dtype)
        outputs = ops.cast(outputs, self.compute_dtype)
        states = tree.map_structure(lambda x: ops.cast(x, self.compute_dtype), states)
        if self.stateful:
            for variable, state in zip(tree.flatten(self.states), tree.flatten(states)):
                variable.assign(state)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return output, *states
        return output

    def get_config(self):
        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialization_lib.serialize_keras_object(self.cell),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("cell"), dict):  # LSTM, GRU, SimpleRNN build their own
            config["cell"] = serialization_lib.deserialize_keras_object(
                config["cell"], custom_objects=custom_objects)
        return super().from_config(config)


def _reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        for c in cell.cells:
            _reset_dropout_masks(c)
