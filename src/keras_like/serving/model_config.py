"""TF Serving's `--model_config_file`: a `ModelServerConfig` in protobuf text format, e.g.

    model_config_list {
      config { name: "mlp" base_path: "/models/mlp" model_platform: "tensorflow"
               model_version_policy { specific { versions: 1 versions: 2 } }
               version_labels { key: "stable" value: 1 } }
    }

parsed by protobuf's own text-format parser against the messages of TF Serving's
`model_server_config.proto` (rebuilt here from their field names and numbers, so no TF Serving
package is needed).
"""

import dataclasses
import functools

_PACKAGE = "tensorflow.serving"


@functools.cache
def _model_server_config():
    """The ModelServerConfig message class (protobuf is imported on first use)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    _T = descriptor_pb2.FieldDescriptorProto

    def _field(message, name, number, kind, label=_T.LABEL_OPTIONAL, type_name=None):
        field = message.field.add(name=name, number=number, type=kind, label=label)
        if type_name:
            field.type_name = f".{_PACKAGE}.{type_name}"

    file = descriptor_pb2.FileDescriptorProto(name="keras_like_model_server_config.proto",
                                              package=_PACKAGE, syntax="proto3")
    policy = file.message_type.add(name="ServableVersionPolicy")
    latest = policy.nested_type.add(name="Latest")
    _field(latest, "num_versions", 1, _T.TYPE_UINT32)
    policy.nested_type.add(name="All")
    specific = policy.nested_type.add(name="Specific")
    _field(specific, "versions", 1, _T.TYPE_INT64, _T.LABEL_REPEATED)
    _field(policy, "latest", 100, _T.TYPE_MESSAGE, type_name="ServableVersionPolicy.Latest")
    _field(policy, "all", 101, _T.TYPE_MESSAGE, type_name="ServableVersionPolicy.All")
    _field(policy, "specific", 102, _T.TYPE_MESSAGE, type_name="ServableVersionPolicy.Specific")

    config = file.message_type.add(name="ModelConfig")
    _field(config, "name", 1, _T.TYPE_STRING)
    _field(config, "base_path", 2, _T.TYPE_STRING)
    _field(config, "model_platform", 4, _T.TYPE_STRING)
    _field(config, "model_version_policy", 7, _T.TYPE_MESSAGE, type_name="ServableVersionPolicy")
    entry = config.nested_type.add(name="VersionLabelsEntry")
    entry.options.map_entry = True
    _field(entry, "key", 1, _T.TYPE_STRING)
    _field(entry, "value", 2, _T.TYPE_INT64)
    _field(config, "version_labels", 8, _T.TYPE_MESSAGE, _T.LABEL_REPEATED,
           "ModelConfig.VersionLabelsEntry")

    config_list = file.message_type.add(name="ModelConfigList")
    _field(config_list, "config", 1, _T.TYPE_MESSAGE, _T.LABEL_REPEATED, "ModelConfig")
    server = file.message_type.add(name="ModelServerConfig")
    _field(server, "model_config_list", 1, _T.TYPE_MESSAGE, type_name="ModelConfigList")

    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName(f"{_PACKAGE}.ModelServerConfig"))


@dataclasses.dataclass
class ModelSpec:
    """One served model: its name, base path, version policy and version labels."""

    name: str
    base_path: str
    policy: str = "latest"  # "latest", "all" or "specific"
    num_versions: int = 1  # for "latest"
    versions: tuple = ()  # for "specific"
    labels: dict = dataclasses.field(default_factory=dict)


def parse_model_config(text):
    """[ModelSpec] from the text of a `--model_config_file`; ValueError on a bad file."""
    from google.protobuf import text_format

    message = _model_server_config()()
    try:
        text_format.Parse(text, message)
    except text_format.ParseError as e:
        raise ValueError(f"Invalid model config file: {e}") from None
    specs = []
    for config in message.model_config_list.config:
        if not config.name or not config.base_path:
            raise ValueError("Invalid model config file: every config needs a name and a "
                             f"base_path. Received: {text_format.MessageToString(config)!r}")
        if config.model_platform not in ("", "tensorflow", "keras"):
            raise ValueError(f"Invalid model config file: model_platform "
                             f"{config.model_platform!r} for {config.name!r} is not served")
        spec = ModelSpec(config.name, config.base_path, labels=dict(config.version_labels))
        version_policy = config.model_version_policy
        if version_policy.HasField("specific"):
            spec.policy, spec.versions = "specific", tuple(version_policy.specific.versions)
        elif version_policy.HasField("all"):
            spec.policy = "all"
        elif version_policy.HasField("latest"):
            spec.num_versions = max(1, version_policy.latest.num_versions)
        specs.append(spec)
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"Invalid model config file: a model name appears twice in {names}")
    return specs
