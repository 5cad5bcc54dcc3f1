"""Served models in TF Serving's layout: `<base_path>/<version>/model.keras` (the highest
versions the policy keeps are live; new version directories are found by polling, without a
restart), or a single `.keras` file served as version 1.

Each loaded version has a `Signature`: its inputs named after the model's Input layers and its
outputs `output_0`, `output_1`, ... (or the keys of a dict of outputs), as `model.export()`
names them for TF Serving.
"""

import dataclasses
import logging
import os
import threading

import numpy as np

from keras_like.serving.model_config import ModelSpec

log = logging.getLogger("keras_like.serving")


class Signature:
    """What `serving_default` takes and returns, and how to run it on a batch."""

    def __init__(self, model):
        inputs = list(model.inputs)
        self._input_structure = getattr(model, "_inputs_struct", None)
        self.inputs = {t.name or f"input_{i}": (str(t.dtype), tuple(t.shape))
                       for i, t in enumerate(inputs)}
        if len(self.inputs) != len(inputs):
            raise ValueError(f"the model's inputs need distinct names: {[t.name for t in inputs]}")
        outputs_struct = getattr(model, "_outputs_struct", None)
        outputs = list(model.outputs)
        if isinstance(outputs_struct, dict):
            names = list(outputs_struct)
        else:
            names = [f"output_{i}" for i in range(len(outputs))]
        self.outputs = {name: (str(t.dtype), tuple(t.shape)) for name, t in zip(names, outputs)}
        self._model = model

    def run(self, arrays):
        """{output name: array} for {input name: array} (one batch)."""
        names = list(self.inputs)
        if isinstance(self._input_structure, dict):
            args = {name: arrays[name] for name in names}
        elif len(names) == 1:
            args = arrays[names[0]]
        else:
            args = [arrays[name] for name in names]
        result = self._model.predict_on_batch(args)
        if isinstance(result, dict):
            result = [result[name] for name in self.outputs]
        elif not isinstance(result, (list, tuple)):
            result = [result]
        return {name: np.asarray(value) for name, value in zip(self.outputs, result)}


@dataclasses.dataclass
class LoadedVersion:
    version: int
    path: str
    model: object
    signature: Signature


def _model_file(directory):
    """The `.keras` file inside a version directory (`model.keras` first), or None."""
    preferred = os.path.join(directory, "model.keras")
    if os.path.isfile(preferred):
        return preferred
    found = sorted(f for f in os.listdir(directory) if f.endswith(".keras"))
    return os.path.join(directory, found[0]) if found else None


class ServedModel:
    """One model name: its live versions, refreshed from disk by `refresh()`."""

    def __init__(self, spec: ModelSpec, loader=None):
        self.spec = spec
        self.name = spec.name
        self._loader = loader or _load_keras_file
        self._lock = threading.Lock()
        self._versions = {}  # version -> LoadedVersion
        self._ended = set()  # versions unloaded by the policy
        self._failed = {}  # version -> (path, mtime) that failed to load, not retried

    def _candidates(self):
        base = self.spec.base_path
        if os.path.isfile(base):
            return {1: base}
        if not os.path.isdir(base):
            return {}
        found = {}
        for entry in os.listdir(base):
            if not entry.isdigit():
                continue
            path = _model_file(os.path.join(base, entry))
            if path is not None:
                found[int(entry)] = path
        return found

    def _wanted(self, available):
        versions = sorted(available)
        if self.spec.policy == "all":
            return set(versions)
        if self.spec.policy == "specific":
            return set(self.spec.versions) & set(versions)
        return set(versions[-self.spec.num_versions:])

    def refresh(self):
        """Loads versions the policy now wants and unloads the others; returns what changed."""
        available = self._candidates()
        wanted = self._wanted(available)
        loaded = []
        for version in sorted(wanted - set(self._versions)):
            path = available[version]
            stamp = (path, os.path.getmtime(path))
            if self._failed.get(version) == stamp:
                continue
            try:
                model = self._loader(path)
                entry = LoadedVersion(version, path, model, Signature(model))
            except Exception as e:  # noqa: BLE001 - one bad version must not stop the server
                self._failed[version] = stamp
                log.error("model %s version %d (%s) failed to load: %s", self.name, version,
                          path, e)
                continue
            loaded.append(version)
            with self._lock:
                self._versions[version] = entry
                self._ended.discard(version)
        unloaded = []
        with self._lock:
            for version in sorted(set(self._versions) - wanted):
                del self._versions[version]
                self._ended.add(version)
                unloaded.append(version)
        return loaded, unloaded

    def get(self, version=None, label=None):
        """The LoadedVersion to serve; LookupError (404) / ValueError (400) as TF Serving."""
        with self._lock:
            if label is not None:
                if label not in self.spec.labels:
                    raise ValueError(f"Unrecognized servable version label: {label}")
                version = self.spec.labels[label]
            if version is None:
                if not self._versions:
                    raise LookupError(f"Servable not found for request: Latest({self.name})")
                return self._versions[max(self._versions)]
            entry = self._versions.get(int(version))
        if entry is None:
            raise LookupError(
                f"Servable not found for request: Specific({self.name}, {version})")
        return entry

    def statuses(self, version=None):
        """[(version, state)] for the status endpoint, newest first."""
        with self._lock:
            states = {v: "AVAILABLE" for v in self._versions}
            states.update({v: "END" for v in self._ended})
        if version is not None:
            if int(version) not in states:
                raise LookupError(
                    f"Could not find version {version} of model {self.name}")
            return [(int(version), states[int(version)])]
        return sorted(states.items(), reverse=True)

    @property
    def ready(self):
        with self._lock:
            return bool(self._versions)


def _load_keras_file(path):
    from keras_like.saving import load_model

    return load_model(path, compile=False)


class ModelStore:
    """Every served model, refreshed together (at start, then every `poll_seconds` by a daemon
    thread, as TF Serving's `--file_system_poll_wait_seconds`)."""

    def __init__(self, specs, poll_seconds=1.0, loader=None):
        self.models = {spec.name: ServedModel(spec, loader) for spec in specs}
        self.poll_seconds = poll_seconds
        self.on_change = []  # called with no arguments after a refresh that changed something
        self._stop = threading.Event()
        self._thread = None

    def refresh(self):
        changes = {}
        for name, model in self.models.items():
            loaded, unloaded = model.refresh()
            if loaded or unloaded:
                log.info("model %s: loaded versions %s, unloaded %s", name, loaded, unloaded)
                changes[name] = (loaded, unloaded)
        if changes:
            for callback in self.on_change:
                callback()
        return changes

    def start_polling(self):
        if self.poll_seconds and self.poll_seconds > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._poll, name="model-store-poll",
                                            daemon=True)
            self._thread.start()

    def _poll(self):
        while not self._stop.wait(self.poll_seconds):
            try:
                self.refresh()
            except Exception as e:  # noqa: BLE001 - keep polling whatever one scan hit
                log.error("model directory scan failed: %s", e)

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def get(self, name):
        model = self.models.get(name)
        if model is None:
            raise LookupError(f"Servable not found for request: Latest({name})")
        return model

    @property
    def ready(self):
        return all(model.ready for model in self.models.values())
