"""`/optimizer_weights` of legacy `.h5` files: the optimizer's variables, both directions.

Keras 3 saves `optimizer.variables` in order: iteration, learning_rate (absent for a
schedule), then the slots, interleaved per trainable variable (FORMATS.md §2.5). tf.keras 2.11+
saves the same without the learning rate. Loading pairs them by order after building the
optimizer's slots; when the counts or any shape disagree, the optimizer keeps its fresh state
and a warning says why (as Keras does): the model itself is loaded either way.
"""

import warnings

from keras_like.backend.variable import Variable
from keras_like.saving.legacy_h5_weights import assign_all, save_weight_values


def save_optimizer_weights(h5file, optimizer):
    variables = optimizer.variables
    if variables:
        save_weight_values(h5file.create_group("optimizer_weights"), variables,
                           f"optimizer '{optimizer.name}'")


def restore_optimizer_weights(reader, group, model):
    """Assigns the saved optimizer state to `model.optimizer` when it lines up."""
    optimizer = model.optimizer
    names = reader.string_list_attribute(group, "weight_names")
    datasets = [reader.dataset(group, name) for name in names]
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    variables = optimizer.variables
    if len(datasets) == len(variables) - 1 and len(variables) > 1 and \
            isinstance(optimizer._learning_rate, Variable) and \
            variables[1] is optimizer._learning_rate:
        # tf.keras saves no learning-rate variable; the compiled config already set it.
        variables = [variables[0]] + variables[2:]
    problem = None
    if len(datasets) != len(variables):
        problem = (f"the optimizer '{optimizer.name}' has {len(optimizer.variables)} "
                   f"variables, the file has {len(datasets)}")
    else:
        for variable, dataset in zip(variables, datasets):
            if tuple(variable.shape) != tuple(dataset.shape):
                problem = (f"the optimizer variable {variable.path} has shape "
                           f"{tuple(variable.shape)}, the saved '{dataset.name}' has "
                           f"{tuple(dataset.shape)}")
                break
    if problem is not None:
        warnings.warn(f"Not restoring the optimizer state from '{reader.path}' ({problem}); "
                      "the model starts with a freshly initialized optimizer.", stacklevel=5)
        return
    assign_all(reader, list(zip(variables, datasets)))
