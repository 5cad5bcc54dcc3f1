"""The generic loop of an RNN layer over time: a cell called once per step through ops.scan.

Keras's semantics (keras.src.backend.*.rnn): go_backwards runs the steps from the last one and
returns the outputs in processing order; at a masked step every state keeps its previous value
and the output is zeros (`zero_output_for_mask`) or the previous step's output.
"""

from keras_like import ops, tree


def check_steps(layer, sequences):
    """An RNN needs at least one time step: the last output of zero steps does not exist."""
    if sequences.ndim < 3:
        raise ValueError(
            f"Input 0 of layer '{layer.name}' is incompatible with the layer: expected "
            f"ndim>=3, found ndim={sequences.ndim}. Full shape received: "
            f"{tuple(sequences.shape)}"
        )
    if sequences.shape[1] == 0:
        raise ValueError(
            f"Layer '{layer.name}' expected sequences with at least one time step. Received: "
            f"sequences.shape={tuple(sequences.shape)}"
        )


def step_mask(mask):
    """The (batch, time) bool mask of the first input, or None."""
    if mask is None:
        return None
    if isinstance(mask, (list, tuple)):
        mask = mask[0]
        if mask is None:
            return None
    return ops.cast(mask, "bool")


def run(step_function, sequences, initial_states, go_backwards=False, mask=None,
        zero_output_for_mask=False):
    """Runs `step_function(x_t, states) -> (output, new_states)` over axis 1 of sequences.

    Returns `(last_output, outputs, final_states)`; outputs is (batch, time, ...).
    """
    xs = ops.moveaxis(sequences, 1, 0)
    mask = step_mask(mask)
    if mask is not None:
        mask = ops.moveaxis(mask, 1, 0)
    if go_backwards:
        xs = ops.flip(xs, 0)
        mask = None if mask is None else ops.flip(mask, 0)

    def keep_where(keep, new, old):
        expanded = ops.reshape(keep, tuple(keep.shape) + (1,) * (new.ndim - 1))
        return ops.where(expanded, new, old)

    def scan_step(states, x):
        if mask is None:
            output, new_states = step_function(x, states)
            return new_states, output
        x, keep = x
        output, new_states = step_function(x, states)
        if zero_output_for_mask:
            output = keep_where(keep, output, ops.zeros_like(output))
        else:
            # The first state is the previous output (the first state of the last cell for
            # stacked cells), as Keras assumes.
            previous = states[0]
            if tree.is_nested(previous):
                previous = tree.flatten(states[-1])[0]
            output = keep_where(keep, output, previous)
        new_states = tree.map_structure(lambda n, s: keep_where(keep, n, s),
                                        list(new_states), list(states))
        return new_states, output

    final_states, outputs = ops.scan(scan_step, list(initial_states),
                                     xs if mask is None else (xs, mask))
    outputs = ops.moveaxis(outputs, 0, 1)
    return outputs[:, -1], outputs, final_states
