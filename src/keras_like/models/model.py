"""`keras_like.Model`: a Layer with training (compile/fit/evaluate/predict).

`Model(inputs, outputs)` builds a Functional model; subclass `Model` and write `call` for
arbitrary Python models.
"""

from keras_like import tree
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.models.model_saving import ModelSaving
from keras_like.trainers.trainer import Trainer
from keras_like.utils.config_keys import known_kwargs, lenient_init


def _is_functional_call(args, kwargs):
    if "inputs" in kwargs and "outputs" in kwargs:
        return True
    if len(args) >= 2 or (len(args) == 1 and "outputs" in kwargs):
        return any(isinstance(t, KerasTensor) for t in tree.flatten(args[0]))
    return False


class Model(ModelSaving, Trainer, Layer):
    """Groups layers into an object with training and inference features."""

    # `__init__(*args, **kwargs)` hands its keywords to Layer (utils.config_keys reads this).
    _config_kwargs = Layer
    # String data stays a NumPy array up to the layer that reads it (a preprocessing layer).
    _passes_strings_through = True

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_call(args, kwargs):
            from keras_like.models.functional import Functional

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        from keras_like.models.functional import Functional

        if _is_functional_call(args, kwargs) and not isinstance(self, Functional):
            # A Model subclass built like a functional model (`MyModel(inputs, outputs)`, as in
            # "customizing fit()"): give the instance a class that also derives from Functional,
            # keeping the subclass's methods first in the MRO (Keras injects Functional too).
            cls = type(self)
            self.__class__ = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
            Functional.__init__(self, *args, **kwargs)
            return
        Trainer.__init__(self)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if args:
            raise TypeError(f"Model.__init__() got unexpected positional arguments: {args}")
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype, **kwargs)

    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by name or by index in `model.layers`."""
        if index is not None and name is not None:
            raise ValueError(
                "Provide only a layer name or a layer index. Received: "
                f"index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: "
                f"{[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def build(self, input_shape=None):
        """Builds a subclassed model by calling it on a symbolic input of `input_shape`."""
        if self.built:
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")

        def symbolic(shape):
            return KerasTensor(shape, self.compute_dtype)

        several = isinstance(input_shape, list) and input_shape and \
            isinstance(input_shape[0], (list, tuple))
        if several:
            x = [symbolic(s) for s in input_shape]
        elif isinstance(input_shape, dict):
            x = {k: symbolic(s) for k, s in input_shape.items()}
        else:
            x = symbolic(input_shape)
        self.built = True  # the symbolic call below must not try to build again
        try:
            self.compute_output_spec(x)
        except Exception as e:
            self.built = False
            raise ValueError(
                "You cannot build your model by calling `build()` if your layers do not support "
                "float type inputs. Instead, in order to instantiate and build your model, call "
                f"your model on real tensor data (of the correct dtype). Error: {e}"
            ) from e
        self._build_shapes_dict = {"input_shape": input_shape}
        self.built = True

    build._builds_by_calling = True

    def reset_states(self):
        """Resets the carried states of every stateful layer (RNNs built with stateful=True).

        Keras 2's `Model.reset_states`; Keras 3 leaves it to each layer's `reset_state()`.
        """
        for layer in self._flatten_layers(include_self=False):
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
                layer.reset_state()

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        from keras_like.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        import inspect

        from keras_like.models.functional import Functional

        # A functional config revives as a Functional model (or a subclass whose constructor
        # takes the same arguments); anything else goes to the constructor.
        is_functional_config = all(
            key in config for key in ("name", "layers", "input_layers", "output_layers"))
        spec = inspect.getfullargspec(cls.__init__)
        revivable = (cls in (Functional, Model)
                     or spec.args[1:] == inspect.getfullargspec(Functional.__init__).args[1:]
                     or (spec.varargs == "args" and spec.varkw == "kwargs"))
        if is_functional_config and revivable:
            from keras_like.models.functional_config import functional_from_config

            return functional_from_config(cls, config, custom_objects)
        try:
            with lenient_init(cls):
                return cls(**known_kwargs(cls, config))
        except TypeError as e:
            raise TypeError(
                "Unable to revive model from config. When overriding the `get_config()` "
                "method, make sure that the returned config contains all items used as "
                f"arguments in the constructor to {cls}, which is the default behavior. You can "
                "override this default behavior by defining a `from_config(cls, config)` class "
                f"method to specify how to create an instance of {cls.__name__} from its "
                f"config.\n\nReceived config={config}\n\nError encountered during "
                f"deserialization: {e}"
            ) from e
