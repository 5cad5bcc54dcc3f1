"""Hostile model files: every one is refused with a ValueError or OSError that names the file
and says what is wrong, and loading one never runs code the file carries.

Each load runs in a child process (tests/child_process.py), so a crash, a hang or a runaway
allocation is a failed test with the case named. The child also runs under a guard: an audit
hook and patched `pickle` / `np.load` entry points log every unpickle, bytecode load, process
spawn or zip inflation a case causes, and the tests require that log to stay empty.
"""

import hashlib
import io
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import time
import zipfile

import h5py
import numpy as np
import pytest
from child_process import run_cases

import keras_like as keras

SAVING_DIR = os.path.join(os.path.dirname(keras.__file__), "saving")

# Installed once per child process (run_cases starts a fresh one after a crash). Events are
# appended to _guard_log; the parent requires the file not to exist afterwards.
GUARD = r'''
import sys as _sys, pickle as _pickle, zipfile as _zipfile
# h5py's import asks `uname -p` in a subprocess: import it before the hook goes in.
import h5py as _h5py

def _guard_note(event):
    import traceback
    with open(_guard_log, "a") as f:
        f.write(event + "\n" + "".join(traceback.format_stack(limit=12)) + "\n")

def _guard_refuse(event):
    def refuse(*args, **kwargs):
        _guard_note(event)
        raise RuntimeError("the guard forbids " + event + " while loading")
    return refuse

_GUARDED_EVENTS = ("pickle.find_class", "marshal.loads", "marshal.load", "os.system",
                   "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                   "os.forkpty", "ctypes.dlopen")

def _guard_hook(event, args):
    if event not in _GUARDED_EVENTS:
        return
    caller = _sys._getframe(1).f_globals.get("__name__", "")
    if event.startswith("marshal.") and caller.startswith("importlib"):
        return  # the import system reading .pyc files of keras_like's own lazy imports
    _guard_note(event)
    raise RuntimeError("the guard forbids " + event + " while loading")

_sys.addaudithook(_guard_hook)
_pickle.load = _guard_refuse("pickle.load")
_pickle.loads = _guard_refuse("pickle.loads")
_pickle.Unpickler = _guard_refuse("pickle.Unpickler")
_real_np_load = np.load

def _guarded_np_load(*args, allow_pickle=False, **kwargs):
    if allow_pickle:
        _guard_note("np.load(allow_pickle=True)")
    return _real_np_load(*args, allow_pickle=allow_pickle, **kwargs)

np.load = _guarded_np_load

def _guard_no_inflate(load):
    """Runs `load` with zip inflation forbidden: a bomb must be refused from its header."""
    real = _zipfile._get_decompressor
    _zipfile._get_decompressor = _guard_refuse("zip inflation")
    try:
        return load()
    finally:
        _zipfile._get_decompressor = real
'''


def guarded(expression, log):
    """`expression` as a run_cases case that installs GUARD (once) before evaluating."""
    install = f"(globals().update(_guard_log={log!r}), exec({GUARD!r}, globals()))"
    return f"({install} if '_guard_log' not in globals() else None, {expression})[1]"


def guard_events(log):
    if not os.path.exists(log):
        return ""
    with open(log) as f:
        return f.read()


# ---- building hostile files -------------------------------------------------------------------

def base_model():
    return keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(3, activation="relu", name="hidden"),
        keras.layers.Dense(2, name="out"),
    ], name="base")


# Where the "hidden" kernel lives in the variable store.
KERNEL = "layers/dense/vars/0"
BASE_MODEL = ('keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", '
              'name="hidden"), keras.layers.Dense(2, name="out")], name="base")')


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def keras_members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def edit_h5(data, edit, folder):
    """The bytes of HDF5 file `data` after `edit(h5py.File)`."""
    scratch = os.path.join(folder, f"scratch-{hashlib.sha1(data).hexdigest()[:8]}.h5")
    with open(scratch, "wb") as f:
        f.write(data)
    with h5py.File(scratch, "r+") as h5:
        edit(h5)
    with open(scratch, "rb") as f:
        edited = f.read()
    os.remove(scratch)
    return edited


def deep_json(depth):
    return '{"class_name": "Sequential", "config": ' + "[" * depth + "]" * depth + "}"


def bomb_zip(path, member, size, others):
    """A zip whose `member` inflates to `size` zero bytes, written in 16 MiB chunks so the
    test never holds the inflated data."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in others.items():
            archive.writestr(name, data)
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = bytes(16 << 20)
        with archive.open(info, "w", force_zip64=True) as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return path


# Header fields a test rewrites: (offset in the local header, offset in the central
# directory entry, width in bytes).
HEADER_FIELDS = {"flags": (6, 8, 2), "method": (8, 10, 2), "compressed_size": (18, 20, 4),
                 "size": (22, 24, 4)}


def patch_headers(path, member, **fields):
    """Rewrites fields of `member`'s local header and central directory entry in place."""
    with open(path, "rb") as f:
        raw = bytearray(f.read())
    name = member.encode()
    # (signature, offset of the name) of a local header and of a central directory entry.
    for which, (signature, name_at) in enumerate(((b"PK\x03\x04", 30), (b"PK\x01\x02", 46))):
        header = raw.find(signature)
        while header >= 0 and raw[header + name_at:header + name_at + len(name)] != name:
            header = raw.find(signature, header + 4)
        assert header >= 0, (member, signature)
        for field, value in fields.items():
            offset, width = HEADER_FIELDS[field][which], HEADER_FIELDS[field][2]
            raw[header + offset:header + offset + width] = value.to_bytes(width, "little")
    with open(path, "wb") as f:
        f.write(raw)
    return path


def lying_size_zip(path, members, liar, declared):
    """A zip whose headers claim member `liar` inflates to `declared` bytes while its deflate
    stream inflates to far more."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED if name == liar else zipfile.ZIP_STORED
            archive.writestr(info, data)
    return patch_headers(path, liar, size=declared)


class Files:
    """The hostile files of one test module, all under one folder."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.log = os.path.join(self.folder, "guard.log")
        self.marker = os.path.join(self.folder, "CODE_RAN")
        model = base_model()
        model.compile(optimizer="adam", loss="mse")
        self.good_keras = os.path.join(self.folder, "good.keras")
        self.good_weights = os.path.join(self.folder, "good.weights.h5")
        model.save(self.good_keras)
        model.save_weights(self.good_weights)
        self.members = keras_members(self.good_keras)
        self.config = json.loads(self.members["config.json"])
        with open(self.good_weights, "rb") as f:
            self.weights_bytes = f.read()

    def path(self, name):
        return os.path.join(self.folder, name)

    def kernel_bytes(self):
        """The stored bytes of the "hidden" kernel, as they lie in the `.keras` file."""
        with h5py.File(io.BytesIO(self.members["model.weights.h5"]), "r") as h5:
            return h5[KERNEL][()].tobytes()

    def lambda_keras(self):
        """A `.keras` file whose Lambda layer adds 2 and, when it runs, leaves the marker."""
        path = self.path("lambda.keras")
        if not os.path.exists(path):
            fn = eval(f"lambda x: (open({self.marker!r}, 'w').close(), x + 2.0)[1]")
            model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(fn)])
            model.save(path)
            # Building the model ran the lambda here, in the test process.
            os.remove(self.marker)
        return path

    def raw(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def keras_with(self, name, **replace):
        """A `.keras` file like the good one, members replaced (None removes one)."""
        members = dict(self.members)
        for member, data in replace.items():
            member = {"config": "config.json", "weights": "model.weights.h5"}.get(member,
                                                                                member)
            if data is None:
                members.pop(member)
            else:
                members[member] = data
        return write_zip(self.path(name), members)

    def keras_with_layer(self, name, index, **changes):
        """A `.keras` file whose layer `index` (1 = "hidden") has `changes` in its config;
        a change named `entry__<key>` replaces a key of the layer's entry instead."""
        config = json.loads(json.dumps(self.config))
        entry = config["config"]["layers"][index]
        for key, value in changes.items():
            if key.startswith("entry__"):
                entry[key[len("entry__"):]] = value
            else:
                entry["config"][key] = value
        return self.keras_with(name, config=json.dumps(config))

    def weights_edit(self, name, edit):
        """(`.keras` file, `.weights.h5` file) whose variable store went through `edit`."""
        keras_path = self.keras_with(name + ".keras",
                                     weights=edit_h5(self.members["model.weights.h5"], edit,
                                                     self.folder))
        weights_path = self.raw(name + ".weights.h5",
                                edit_h5(self.weights_bytes, edit, self.folder))
        return keras_path, weights_path


def load(path, **kwargs):
    options = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return f"keras.models.load_model({path!r}{options})"


def load_weights(path):
    return f"{BASE_MODEL}.load_weights({path!r})"


def replace_dataset(where, value, **options):
    def edit(h5):
        del h5[where]
        h5.create_dataset(where, data=value, **options)
    return edit


def replace_link(where, link):
    def edit(h5):
        del h5[where]
        h5[where] = link
    return edit


# (id, builder(files) -> [(expression, path the message must name[, regex])], regex). The
# regex (the entry's own, else the case's) must match the message; every case must also
# raise ValueError or OSError.
CASES = []


def case(case_id, pattern):
    def register(builder):
        CASES.append((case_id, builder, pattern))
        return builder
    return register


# -- the container --

@case("empty_keras_file", r"not a zip archive")
def _(f):
    return [(load(f.raw("empty.keras", b"")), "empty.keras")]


@case("text_not_zip", r"not a zip archive")
def _(f):
    return [(load(f.raw("text.keras", b"this is not a model\n" * 50)), "text.keras")]


@case("truncated_keras", r"not a zip archive")
def _(f):
    with open(f.good_keras, "rb") as src:
        data = src.read()
    return [(load(f.raw("half.keras", data[:len(data) // 2])), "half.keras")]


@case("zip_signature_then_random_bytes", r"not a zip archive")
def _(f):
    noise = np.random.default_rng(0).bytes(20000)
    return [(load(f.raw("noise.keras", b"PK\x03\x04" + noise)), "noise.keras")]


@case("corrupt_config_bytes", r"config\.json cannot be read.*CRC")
def _(f):
    with open(f.good_keras, "rb") as src:
        data = bytearray(src.read())
    at = data.find(b'"class_name": "Sequential"')
    data[at + 2:at + 12] = b"XXXXXXXXXX"
    return [(load(f.raw("corrupt_config.keras", bytes(data))), "corrupt_config.keras")]


@case("corrupt_weights_metadata", r"model\.weights\.h5 cannot be read \(Bad CRC-32")
def _(f):
    with open(f.good_keras, "rb") as src:
        data = bytearray(src.read())
    start = data.find(b"\x89HDF\r\n\x1a\n")
    # The superblock and root group headers: the file is unreadable as HDF5.
    data[start + 8:start + 600] = np.random.default_rng(1).bytes(592)
    return [(load(f.raw("corrupt_h5.keras", bytes(data))), "corrupt_h5.keras")]


@case("corrupt_weight_values", r"model\.weights\.h5 cannot be read \(Bad CRC-32")
def _(f):
    # Only the stored float values change: the HDF5 structure still parses, so only the zip
    # checksum can tell the weights are not the ones saved.
    kernel = f.kernel_bytes()
    with open(f.good_keras, "rb") as src:
        data = bytearray(src.read())
    at = data.find(kernel)
    assert at > 0
    data[at:at + 4] = b"\x00\x00\xc0\x7f"  # a NaN
    return [(load(f.raw("corrupt_values.keras", bytes(data))), "corrupt_values.keras")]


@case("no_config_json", r"has no config\.json")
def _(f):
    return [(load(f.keras_with("noconfig.keras", config=None)), "noconfig.keras")]


@case("no_weights_member", r"has no model\.weights\.h5")
def _(f):
    return [(load(f.keras_with("noweights.keras", weights=None)), "noweights.keras")]


@case("config_not_json", r"config\.json.*not valid JSON")
def _(f):
    return [(load(f.keras_with("badjson.keras", config=b"{'class_name': Sequential,")),
             "badjson.keras")]


@case("config_empty", r"config\.json.*empty")
def _(f):
    return [(load(f.keras_with("emptyjson.keras", config=b"  \n")), "emptyjson.keras")]


@case("config_not_utf8", r"config\.json.*not UTF-8")
def _(f):
    return [(load(f.keras_with("latin1.keras", config=b'{"class_name": "\xff\xfe"}')),
             "latin1.keras")]


@case("config_not_an_object", r"does not describe a model")
def _(f):
    return [(load(f.keras_with(f"{kind}.keras", config=text)), f"{kind}.keras")
            for kind, text in (("list", b"[1, 2]"), ("string", b'"Sequential"'),
                               ("null", b"null"), ("number", b"3"))]


@case("config_nested_1e5_deep", r"nests deeper")
def _(f):
    return [(load(f.keras_with("deep.keras", config=deep_json(10**5))), "deep.keras"),
            (load(f.keras_with("deepdict.keras",
                               config='{"a": ' * 10**5 + "1" + "}" * 10**5)),
             "deepdict.keras")]


@case("member_escapes_with_dotdot", r"'\.\./x'.*escapes the archive")
def _(f):
    return [(load(f.keras_with("dotdot.keras", **{"../x": b"owned"})), "dotdot.keras")]


@case("member_absolute_path", r"'/abs'.*escapes the archive")
def _(f):
    return [(load(f.keras_with("abs.keras", **{"/abs": b"owned"})), "abs.keras")]


@case("member_windows_escape", r"escapes the archive")
def _(f):
    return [(load(f.keras_with("winesc.keras", **{"..\\x": b"owned"})), "winesc.keras"),
            (load(f.keras_with("drive.keras", **{"C:/x": b"owned"})), "drive.keras")]


@case("zip_bomb_600mb_weights", r"zip bomb")
def _(f):
    others = {k: v for k, v in f.members.items() if k != "model.weights.h5"}
    path = bomb_zip(f.path("bomb.keras"), "model.weights.h5", 600 << 20, others)
    assert os.path.getsize(path) < 5 << 20
    return [(f"_guard_no_inflate(lambda: {load(path)})", "bomb.keras"),
            (f"_guard_no_inflate(lambda: {BASE_MODEL}.load_weights({path!r}))", "bomb.keras")]


@case("zip_bomb_600mb_config", r"zip bomb|refused")
def _(f):
    others = {k: v for k, v in f.members.items() if k != "config.json"}
    path = bomb_zip(f.path("bombcfg.keras"), "config.json", 600 << 20, others)
    return [(f"_guard_no_inflate(lambda: {load(path)})", "bombcfg.keras")]


@case("zip_bomb_600mb_extra_member", r"zip bomb")
def _(f):
    path = bomb_zip(f.path("bombextra.keras"), "assets/junk.bin", 600 << 20, f.members)
    return [(f"_guard_no_inflate(lambda: {load(path)})", "bombextra.keras")]


@case("zip_size_header_lies", r"config\.json cannot be read")
def _(f):
    members = dict(f.members)
    members["config.json"] = members["config.json"] + b" " * (4 << 20)
    path = lying_size_zip(f.path("liar.keras"), members, "config.json",
                          len(f.members["config.json"]))
    return [(load(path), "liar.keras")]


@case("member_encrypted", r"cannot be read.*encrypted")
def _(f):
    return [(load(patch_headers(f.keras_with(f"crypt_{short}.keras"), member, flags=1)),
             f"crypt_{short}.keras")
            for short, member in (("config", "config.json"), ("weights", "model.weights.h5"))]


@case("member_unknown_compression", r"cannot be read.*(compression|method)")
def _(f):
    return [(load(patch_headers(f.keras_with(f"method_{short}.keras"), member, method=99)),
             f"method_{short}.keras")
            for short, member in (("config", "config.json"), ("weights", "model.weights.h5"))]


@case("member_past_archive_end", r"model\.weights\.h5 cannot be read")
def _(f):
    # A stored member whose headers claim 1 GiB: no ratio to call a bomb, and no such bytes.
    path = patch_headers(f.keras_with("pastend.keras"), "model.weights.h5",
                         size=1 << 30, compressed_size=1 << 30)
    return [(load(path), "pastend.keras"),
            (f"{BASE_MODEL}.load_weights({path!r})", "pastend.keras")]


# -- the config --

@case("units_1e12", r"invalid value for `units`")
def _(f):
    return [(load(f.keras_with_layer("units_huge.keras", 1, units=10**12)), "units_huge.keras")]


@case("units_largest_int32", r"asks for more memory than this machine has")
def _(f):
    # Passes the constructor's bound; the (4, 2**31 - 1) kernel cannot be allocated.
    return [(load(f.keras_with_layer("units_int32.keras", 1, units=2**31 - 1)),
             "units_int32.keras")]


@case("units_negative", r"invalid value for `units`")
def _(f):
    return [(load(f.keras_with_layer("units_neg.keras", 1, units=-3)), "units_neg.keras"),
            (load(f.keras_with_layer("units_zero.keras", 1, units=0)), "units_zero.keras")]


@case("units_wrong_type", r"invalid value for `units`")
def _(f):
    return [(load(f.keras_with_layer(f"units_{kind}.keras", 1, units=value)),
             f"units_{kind}.keras")
            for kind, value in (("string", "3"), ("float", 3.5), ("bool", True),
                                ("list", [3]), ("null", None), ("dict", {"a": 1}))]


@case("build_shape_absurd", None)
def _(f):
    return [(load(f.keras_with_layer("build_huge.keras", 1,
                                     entry__build_config={"input_shape": [None, 10**12]})),
             "build_huge.keras", r"asks for more memory"),
            (load(f.keras_with_layer("build_neg.keras", 1,
                                     entry__build_config={"input_shape": [None, -4]})),
             "build_neg.keras", r"Layer 'hidden': build_config input_shape must be a shape.*-4")]


@case("build_config_shape_not_a_shape", r"(input_shape|build_config|input shape).*oops")
def _(f):
    # The message should say that the layer's saved input shape is not a shape.
    return [(load(f.keras_with_layer("build_str.keras", 1,
                                     entry__build_config={"input_shape": "oops"})),
             "build_str.keras")]


@case("unknown_layer_class", None)
def _(f):
    return [(load(f.keras_with_layer("unknown.keras", 1, entry__class_name="NoSuchLayer")),
             "unknown.keras", r"cannot load layer class 'NoSuchLayer'.*not implemented yet"),
            (load(f.keras_with_layer("unknown_mod.keras", 1, entry__class_name="NoSuchLayer",
                                     entry__module="my_company.layers")), "unknown_mod.keras",
             r"Could not locate class 'NoSuchLayer'")]


@case("class_name_not_a_string", r"class_name.*string")
def _(f):
    return [(load(f.keras_with_layer("clsint.keras", 1, entry__class_name=7)), "clsint.keras")]


@case("layer_config_not_a_dict", r"config of 'Dense'.*must be a dict")
def _(f):
    return [(load(f.keras_with_layer("cfglist.keras", 1, entry__config=[1, 2])),
             "cfglist.keras")]


@case("dunder_class_names", r"cannot load layer class '__\w+__'")
def _(f):
    return [(load(f.keras_with_layer(f"dunder{i}.keras", 1, entry__class_name=name)),
             f"dunder{i}.keras")
            for i, name in enumerate(("__class__", "__builtins__", "__loader__", "__dict__",
                                      "__spec__"))]


@case("os_system_as_class", r"Could not locate class 'system'")
def _(f):
    return [(load(f.keras_with_layer("os_class.keras", 1, entry__class_name="system",
                                     entry__module="os", config=f"touch {f.marker}")),
             "os_class.keras")]


@case("subprocess_popen_as_class", r"Could not locate class 'Popen'")
def _(f):
    path = f.keras_with_layer("popen.keras", 1, entry__class_name="Popen",
                              entry__module="subprocess", args=["touch", f.marker])
    return [(load(path), "popen.keras"), (load(path, safe_mode=False), "popen.keras")]


@case("builtins_eval_as_class", r"Could not locate class 'eval'")
def _(f):
    return [(load(f.keras_with_layer("eval_class.keras", 1, entry__class_name="eval",
                                     entry__module="builtins")), "eval_class.keras")]


@case("os_system_as_activation", r"Could not locate function 'system'")
def _(f):
    activation = {"module": "os", "class_name": "function", "config": "system",
                  "registered_name": "system"}
    return [(load(f.keras_with_layer("os_act.keras", 1, activation=activation)), "os_act.keras")]


@case("builtins_exec_as_activation", r"Could not locate function '(exec|eval|__import__)'")
def _(f):
    out = []
    for name in ("exec", "eval", "__import__"):
        activation = {"module": "builtins", "class_name": "function", "config": name,
                      "registered_name": "function"}
        path = f.keras_with_layer(f"builtin_{name}.keras", 1, activation=activation)
        out.append((load(path), path))
    return out


@case("dotted_activation_string",
       r"Could not interpret activation function identifier: os\.system")
def _(f):
    return [(load(f.keras_with_layer("dotted.keras", 1, activation="os.system")),
             "dotted.keras")]


@case("planted_module_never_imported", r"Could not locate (class|function)")
def _(f):
    # A module on the child's sys.path whose import would leave the marker: the file names
    # it, and loading must fail without importing it, even with safe_mode=False.
    with open(f.path("planted_evil.py"), "w") as mod:
        mod.write(f"open({f.marker!r}, 'w').close()\n"
                  "import keras_like\n"
                  "class Evil(keras_like.layers.Layer):\n    pass\n"
                  "def boom(x):\n    return x\n")
    as_class = f.keras_with_layer("planted_class.keras", 1, entry__class_name="Evil",
                                  entry__module="planted_evil")
    activation = {"module": "planted_evil", "class_name": "function", "config": "boom",
                  "registered_name": "boom"}
    as_function = f.keras_with_layer("planted_fn.keras", 1, activation=activation)
    return [(load(as_class), "planted_class.keras"),
            (load(as_class, safe_mode=False), "planted_class.keras"),
            (load(as_function), "planted_fn.keras"),
            (load(as_function, safe_mode=False), "planted_fn.keras")]


@case("lambda_refused_in_safe_mode", r"lambda.*safe_mode=False")
def _(f):
    path = f.lambda_keras()
    return [(load(path), "lambda.keras"), (load(path, compile=False), "lambda.keras")]


@case("lambda_as_activation_refused", r"lambda.*safe_mode=False")
def _(f):
    entry = json.loads(keras_members(f.lambda_keras())["config.json"])
    function = entry["config"]["layers"][1]["config"]["function"]
    return [(load(f.keras_with_layer("lambda_act.keras", 1, activation=function)),
             "lambda_act.keras")]


# -- the variable store (each edit is tried in a `.keras` and in a `.weights.h5` file) --

def both(paths):
    keras_path, weights_path = paths
    return [(load(keras_path), os.path.basename(keras_path)),
            (load_weights(weights_path), os.path.basename(weights_path))]


@case("weights_wrong_shape", r"'hidden'.*shape \(4, 3\).*\(3, 4\)")
def _(f):
    return both(f.weights_edit("wshape", replace_dataset(KERNEL, np.zeros((3, 4), "f4"))))


@case("weights_wrong_count", r"expected 2 variables.*has 1")
def _(f):
    def edit(h5):
        del h5["layers/dense/vars/1"]
    return both(f.weights_edit("wcount", edit))


@case("weights_as_strings", r"holds .*data.*needs numbers")
def _(f):
    return both(f.weights_edit("wstr", replace_dataset(
        KERNEL, np.array([[b"a", b"b", b"c"]] * 4))))


@case("weights_as_variable_length_strings", r"needs numbers")
def _(f):
    return both(f.weights_edit("wvlen", replace_dataset(
        KERNEL, np.array([["x" * 5] * 3] * 4, dtype=object), dtype=h5py.string_dtype())))


@case("weights_compound_dtype", r"needs numbers")
def _(f):
    record = np.zeros((4, 3), dtype=[("a", "f4"), ("b", "i4")])
    return both(f.weights_edit("wcompound", replace_dataset(KERNEL, record)))


@case("weights_bfloat16_tag_on_floats", r"says bfloat16")
def _(f):
    def edit(h5):
        h5[KERNEL].attrs["dtype"] = "bfloat16"
    return both(f.weights_edit("wbf16", edit))


@case("weights_hdf5_shape_bomb", r"holds shape \(1099511627776, 3\)")
def _(f):
    def edit(h5):
        del h5[KERNEL]
        # 12 TiB declared; chunked, so nothing is allocated in the file.
        h5.create_dataset(KERNEL, shape=(2**40, 3), dtype="f4", chunks=(1024, 3),
                          maxshape=(None, 3))
    return both(f.weights_edit("wbomb", edit))


@case("weights_hdf5_shape_bomb_rank", r"holds shape")
def _(f):
    def edit(h5):
        del h5[KERNEL]
        h5.create_dataset(KERNEL, shape=(2**20,) * 4, dtype="f8", chunks=(1, 1, 1, 64))
    return both(f.weights_edit("wbomb4", edit))


@case("weights_soft_link_group", r"'layers/dense/vars' is a SoftLink; links are refused")
def _(f):
    def edit(h5):
        del h5["layers/dense/vars"]
        h5["layers/dense/vars"] = h5py.SoftLink("/layers/dense_1/vars")
    return both(f.weights_edit("wsoftgroup", edit))


@case("weights_soft_link_dataset", r"'/layers/dense/vars/0' is missing or a link")
def _(f):
    return both(f.weights_edit("wsoft", replace_link(KERNEL, h5py.SoftLink("/vars"))))


@case("weights_external_link", None)
def _(f):
    target = f.path("elsewhere.h5")
    with h5py.File(target, "w") as h5:
        h5["k"] = np.ones((4, 3), "f4")
    group_link = f.weights_edit("wextgroup", replace_link(
        "layers/dense/vars", h5py.ExternalLink(target, "/")))
    dataset_link = f.weights_edit("wext", replace_link(KERNEL, h5py.ExternalLink(target, "/k")))
    return ([entry + (r"'layers/dense/vars' is a ExternalLink; links are refused",)
             for entry in both(group_link)]
            + [entry + (r"'/layers/dense/vars/0' is missing or a link",)
               for entry in both(dataset_link)])


@case("weights_external_storage", r"stores its data outside the file")
def _(f):
    outside = f.raw("outside.bin", np.ones((4, 3), "f4").tobytes())

    def edit(h5):
        del h5[KERNEL]
        h5.create_dataset(KERNEL, shape=(4, 3), dtype="f4", external=[(outside, 0, 48)])
    return both(f.weights_edit("wextstore", edit))


@case("weights_virtual_dataset", r"stores its data outside the file")
def _(f):
    target = f.path("vsource.h5")
    with h5py.File(target, "w") as h5:
        h5["k"] = np.ones((4, 3), "f4")

    def edit(h5):
        del h5[KERNEL]
        layout = h5py.VirtualLayout(shape=(4, 3), dtype="f4")
        layout[:] = h5py.VirtualSource(target, "k", shape=(4, 3))
        h5.create_virtual_dataset(KERNEL, layout)
    return both(f.weights_edit("wvirtual", edit))


@case("weights_group_where_dataset", r"is a Group, not a dataset")
def _(f):
    def edit(h5):
        del h5[KERNEL]
        h5.create_group(KERNEL)
    return both(f.weights_edit("wgroup", edit))


@case("weights_bad_dataset_names", r"must hold datasets named 0\.\.1")
def _(f):
    def edit(h5):
        h5.move("layers/dense/vars/1", "layers/dense/vars/bias")
    return both(f.weights_edit("wnames", edit))


@case("weights_hdf5_signature_then_random", r"not a readable HDF5 file")
def _(f):
    noise = b"\x89HDF\r\n\x1a\n" + np.random.default_rng(2).bytes(4096)
    return [(load(f.keras_with("h5noise.keras", weights=noise)), "h5noise.keras"),
            (load_weights(f.raw("h5noise.weights.h5", noise)), "h5noise.weights.h5")]


@case("weights_file_empty_or_text", r"not an HDF5 file|not a readable HDF5 file \(.*signature")
def _(f):
    return [(load(f.keras_with("h5empty.keras", weights=b"")), "h5empty.keras"),
            (load_weights(f.raw("empty.weights.h5", b"")), "empty.weights.h5"),
            (load_weights(f.raw("text.weights.h5", b"hello\n" * 100)), "text.weights.h5")]


@case("weights_file_truncated", r"not a readable HDF5 file.*truncated")
def _(f):
    data = f.weights_bytes
    return [(load_weights(f.raw("half.weights.h5", data[:len(data) // 2])),
             "half.weights.h5")]


# -- the path --

@case("path_is_directory", r"is a directory")
def _(f):
    folder = f.path("a_folder.keras")
    os.makedirs(folder, exist_ok=True)
    weights_folder = f.path("w_folder.weights.h5")
    os.makedirs(weights_folder, exist_ok=True)
    return [(load(folder), "a_folder.keras"), (load_weights(weights_folder), "w_folder")]


@case("path_missing", r"No such")
def _(f):
    return [(load(f.path("missing.keras")), "missing.keras"),
            (load(f.path("missing.h5")), "missing.h5"),
            (load_weights(f.path("missing.weights.h5")), "missing.weights.h5")]


@case("unzipped_folder_damaged", None)
def _(f):
    broken = f.path("unzipped_badjson")
    os.makedirs(broken, exist_ok=True)
    with open(os.path.join(broken, "config.json"), "w") as out:
        out.write("{nope")
    no_weights = f.path("unzipped_noweights")
    os.makedirs(no_weights, exist_ok=True)
    with open(os.path.join(no_weights, "config.json"), "wb") as out:
        out.write(f.members["config.json"])
    return [(load(broken), "unzipped_badjson", r"config\.json is not valid JSON"),
            (load(no_weights), "unzipped_noweights", r"has no model\.weights\.h5")]


@case("unzipped_folder_config_huge", r"config\.json is \d+ bytes; refused")
def _(f):
    folder = f.path("unzipped_huge")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "wb") as out:
        out.truncate(300 << 20)  # sparse: no disk, and nothing should read it
    return [(load(folder), "unzipped_huge")]


@case("pickle_renamed_as_model", None)
def _(f):
    # Unpickling this would run `touch CODE_RAN`.
    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {f.marker}",))
    data = pickle.dumps(Payload())
    npy = io.BytesIO()
    np.save(npy, np.array([Payload()], dtype=object), allow_pickle=True)
    return [(load(f.raw("pickled.keras", data)), "pickled.keras", r"not a zip archive"),
            (load(f.raw("pickled.pkl", data)), "pickled.pkl", r"File format not supported"),
            (load_weights(f.raw("pickled.weights.h5", data)), "pickled.weights.h5",
             r"not an HDF5 file"),
            (load(f.keras_with("npyweights.keras", weights=npy.getvalue())),
             "npyweights.keras", r"not a readable HDF5 file")]


# -- legacy `.h5` (saving/legacy_h5.py) --

def legacy_file(f, name, model_config):
    path = f.path(name)
    with h5py.File(path, "w") as h5:
        if model_config is not None:
            h5.attrs["model_config"] = model_config
        h5.attrs["keras_version"] = "2.15.0"
        h5.attrs["backend"] = "tensorflow"
        h5.create_group("model_weights")
    return path


@case("legacy_h5_missing_model_config", r"no model config found")
def _(f):
    return [(load(legacy_file(f, "noconfig.h5", None)), "noconfig.h5")]


@case("legacy_h5_broken_model_config", r"'model_config'.*not valid JSON|nests deeper")
def _(f):
    return [(load(legacy_file(f, "badconfig.h5", "{'class_name': Sequential")), "badconfig.h5"),
            (load(legacy_file(f, "deepconfig.h5", deep_json(10**5))), "deepconfig.h5")]


@case("legacy_h5_model_config_not_a_model",
       r"model config must (be a JSON object|have a string 'class_name')")
def _(f):
    return [(load(legacy_file(f, "listconfig.h5", "[1, 2, 3]")), "listconfig.h5"),
            (load(legacy_file(f, "nocls.h5", '{"config": {}}')), "nocls.h5")]


@case("legacy_h5_random_after_signature", r"as an HDF5 file|not a readable HDF5|not an HDF5")
def _(f):
    noise = b"\x89HDF\r\n\x1a\n" + np.random.default_rng(3).bytes(4096)
    return [(load(f.raw("noise.h5", noise)), "noise.h5"),
            (load(f.raw("empty.h5", b"")), "empty.h5"),
            (load_weights(f.path("noise.h5")), "noise.h5"),
            (load_weights(f.path("empty.h5")), "empty.h5")]


# ---- the checks -------------------------------------------------------------------------------

class Hostile:
    def __init__(self, folder):
        self.files = Files(folder)
        self.expected = {}
        cases = []
        for case_id, builder, pattern in CASES:
            built = builder(self.files)
            self.expected[case_id] = (pattern, built)
            cases.extend(guarded(entry[0], self.files.log) for entry in built)
        env = dict(os.environ)
        # The planted module is importable in the child: only the loader's restraint keeps
        # it from running.
        env["PYTHONPATH"] = os.pathsep.join([self.files.folder, env.get("PYTHONPATH", "")])
        outcomes = run_cases(cases, timeout=300, env=env)
        self.outcomes = {}
        index = 0
        for case_id, (_, built) in self.expected.items():
            self.outcomes[case_id] = outcomes[index:index + len(built)]
            index += len(built)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return Hostile(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case_id", [c[0] for c in CASES])
def test_hostile_file_is_refused_clearly(hostile, case_id):
    pattern, built = hostile.expected[case_id]
    outcomes = hostile.outcomes[case_id]
    assert len(outcomes) == len(built)
    for entry, outcome in zip(built, outcomes):
        expression, named = entry[:2]
        pattern = entry[2] if len(entry) > 2 else hostile.expected[case_id][0]
        # The guard's prefix makes `outcome.describe()` unreadable.
        seen = f"{expression} -> {outcome.kind} {outcome.error_type}: {outcome.message}"
        assert outcome.kind == "error", seen
        assert outcome.raised("ValueError") or outcome.raised("OSError"), seen
        for forbidden in ("KeyError", "IndexError", "RecursionError", "MemoryError",
                          "AttributeError", "UnboundLocalError"):
            assert not outcome.raised(forbidden), seen
        assert named in outcome.message, f"the message does not name {named}: {seen}"
        assert re.search(pattern, outcome.message, re.S), seen


def test_no_hostile_file_ran_code_unpickled_or_inflated(hostile):
    # Depends on every case having run: the module fixture ran them all in one go.
    assert all(hostile.outcomes[c[0]] for c in CASES)
    assert guard_events(hostile.files.log) == ""
    assert not os.path.exists(hostile.files.marker), "a hostile file ran code"


def test_the_guard_notices_unpickling_and_inflation(tmp_path):
    # The guard itself must work, or the test above proves nothing.
    log = str(tmp_path / "guard.log")
    payload = pickle.dumps({"a": 1})
    path = str(tmp_path / "deflated.zip")
    write_zip(path, {"x": b"0" * 1000}, compression=zipfile.ZIP_DEFLATED)
    outcomes = run_cases([
        guarded(f"__import__('pickle').loads({payload!r})", log),
        guarded(f"_guard_no_inflate(lambda: __import__('zipfile').ZipFile({path!r}).read('x'))",
                log),
        guarded("__import__('marshal').loads(__import__('marshal').dumps(1))", log),
        guarded("__import__('os').system('true')", log),
        guarded(f"np.load(__import__('io').BytesIO({_npy_bytes()!r}), allow_pickle=True)", log),
    ])
    assert [o.kind for o in outcomes] == ["error"] * 4 + ["value"], [
        o.describe() for o in outcomes]
    events = guard_events(log)
    for event in ("pickle.loads", "zip inflation", "marshal.loads", "os.system",
                  "np.load(allow_pickle=True)"):
        assert event in events


def _npy_bytes():
    buffer = io.BytesIO()
    np.save(buffer, np.arange(3))
    return buffer.getvalue()


def test_lambda_layer_loads_and_runs_with_safe_mode_false(tmp_path):
    files = Files(tmp_path)
    path = files.lambda_keras()
    [refused] = run_cases([f"{load(path)}.predict(np.ones((2, 4), 'float32'), verbose=0)"])
    assert refused.raised("ValueError") and "safe_mode=False" in refused.message, (
        refused.describe())
    assert not os.path.exists(files.marker)
    [loaded] = run_cases([
        f"{load(path, safe_mode=False)}.predict(np.ones((2, 4), 'float32'), verbose=0)"])
    assert loaded.kind == "value", loaded.describe()
    np.testing.assert_array_equal(loaded.value, np.full((2, 4), 3.0, "float32"))
    assert os.path.exists(files.marker), "the lambda should have run"


def test_saving_package_never_unpickles():
    offenders = []
    for name in sorted(os.listdir(SAVING_DIR)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(SAVING_DIR, name)) as f:
            source = f.read()
        for pattern in (r"\bimport\s+(c?pickle|dill|joblib|marshal|shelve)\b",
                        r"\bfrom\s+(c?pickle|dill|joblib|marshal|shelve)\b",
                        r"allow_pickle\s*=\s*True", r"\bpickle\.", r"np\.load\(",
                        r"numpy\.load\("):
            for match in re.finditer(pattern, source):
                line = source[:match.start()].count("\n") + 1
                offenders.append(f"{name}:{line}: {match.group(0)}")
    assert offenders == []


# ---- damage anywhere in an HDF5 file's structure ---------------------------------------------

def _legacy_h5(folder):
    path = os.path.join(folder, "good.h5")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "HDF5 is legacy"
        base_model().save(path)
    return path


@pytest.mark.parametrize("kind", ["weights.h5", "keras", "legacy_h5"])
def test_damaged_hdf5_structure_is_refused_or_harmless(tmp_path, kind):
    """16 random bytes written every 61 bytes of a good file, one file per position.

    Damage in unused space or in the weight values themselves is undetectable in a
    `.weights.h5` (HDF5 keeps no checksums) and loads; everything else must be a clear error.
    In the `.keras` case the zip CRC is made to match, as a crafted file would.
    """
    files = Files(tmp_path)
    if kind == "legacy_h5":
        with open(_legacy_h5(files.folder), "rb") as f:
            good = f.read()
    else:
        good = files.weights_bytes
    rng = np.random.default_rng(7)
    cases, names = [], []
    for at in range(0, len(good), 61):
        damaged = bytearray(good)
        damaged[at:at + 16] = rng.bytes(16)
        name = f"d{at}"
        if kind == "weights.h5":
            cases.append(load_weights(files.raw(name + ".weights.h5", bytes(damaged))))
        elif kind == "keras":
            cases.append(load(files.keras_with(name + ".keras", weights=bytes(damaged))))
        else:
            cases.append(load(files.raw(name + ".h5", bytes(damaged))))
        names.append(name)
    outcomes = run_cases([guarded(c, files.log) for c in cases], timeout=300)
    errors = 0
    for name, expression, outcome in zip(names, cases, outcomes):
        seen = f"{expression} -> {outcome.kind} {outcome.error_type}: {outcome.message}"
        assert outcome.kind in ("object", "error"), seen
        if outcome.kind == "error":
            errors += 1
            assert outcome.raised("ValueError") or outcome.raised("OSError"), seen
            assert name in outcome.message, seen
    # The sweep must have hit the structure, or it tested nothing.
    assert errors >= 10
    assert guard_events(files.log) == ""


# ---- atomic saves -----------------------------------------------------------------------------

# A model of about 135 MB, so that a save takes long enough to be killed in the middle. `fill`
# decides the weights: "random" (initializers) or a constant.
SAVER = r"""
import sys
import keras_like as keras
dest, what, fill = sys.argv[1:4]
init = "glorot_uniform" if fill == "random" else keras.initializers.Constant(float(fill))
model = keras.Sequential([keras.Input((2048,))] + [
    keras.layers.Dense(2048, kernel_initializer=init, bias_initializer=init)
    for _ in range(8)])
print("saving", flush=True)
if what == "model":
    model.save(dest)
else:
    model.save_weights(dest)
print("saved", flush=True)
"""


def _saver(dest, what, fill):
    return subprocess.Popen([sys.executable, "-c", SAVER, dest, what, fill],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _save_to_completion(dest, what, fill):
    proc = _saver(dest, what, fill)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "saved" in out, err


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _temp_files(folder, visible_before):
    return [n for n in os.listdir(folder) if n not in visible_before]


def _kill_mid_save(dest, what, trigger, expected_size):
    """Starts a save to `dest` and SIGKILLs it when `trigger` holds for a temp file; returns
    the temp files seen at that moment."""
    folder = os.path.dirname(dest)
    before = set(os.listdir(folder))
    proc = _saver(dest, what, "0.5")
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            temps = _temp_files(folder, before)
            sizes = {}
            for name in temps:
                try:
                    sizes[name] = os.path.getsize(os.path.join(folder, name))
                except FileNotFoundError:  # renamed or removed between listdir and stat
                    pass
            if trigger == "temp_appears" and sizes:
                break
            if trigger == "half_written" and any(
                    s > 0.4 * expected_size for n, s in sizes.items() if n.endswith(".tmp")):
                break
            assert proc.poll() is None, "the save finished before it could be killed: " + (
                proc.stderr.read())
            time.sleep(0.001)
        else:
            raise AssertionError("no temp file appeared")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return temps


def _weights_of(dest, what):
    if what == "model":
        model = keras.models.load_model(dest, compile=False)
    else:
        model = keras.Sequential([keras.Input((2048,))] + [
            keras.layers.Dense(2048) for _ in range(8)])
        model.load_weights(dest)
    return [np.asarray(v.numpy()) for v in model.weights]


SAVE_KINDS = [("model", "m.keras"), ("weights", "m.weights.h5")]


@pytest.mark.parametrize("trigger", ["temp_appears", "half_written"])
@pytest.mark.parametrize("what,name", SAVE_KINDS)
def test_killed_save_leaves_the_previous_file_intact(tmp_path, what, name, trigger):
    dest = str(tmp_path / name)
    _save_to_completion(dest, what, "random")
    digest, size = _sha256(dest), os.path.getsize(dest)
    previous = _weights_of(dest, what)

    temps = _kill_mid_save(dest, what, trigger, size)

    assert temps and all(t.startswith(".") and t != name for t in temps), temps
    assert _sha256(dest) == digest, "the destination changed under a killed save"
    for got, want in zip(_weights_of(dest, what), previous):
        np.testing.assert_array_equal(got, want)
    # Only hidden temp files may be left; nothing under a name a user would load.
    assert sorted(n for n in os.listdir(tmp_path) if not n.startswith(".")) == [name]
    # The next save goes through despite the leftovers.
    _save_to_completion(dest, what, "0.25")
    assert all(np.all(w == np.float32(0.25)) for w in _weights_of(dest, what))


@pytest.mark.parametrize("what,name", SAVE_KINDS)
def test_killed_first_save_leaves_no_file(tmp_path, what, name):
    dest = str(tmp_path / name)
    _kill_mid_save(dest, what, "half_written", 134e6)
    assert not os.path.exists(dest)
    assert all(n.startswith(".") for n in os.listdir(tmp_path)), os.listdir(tmp_path)
