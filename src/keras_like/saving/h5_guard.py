"""Reading untrusted HDF5 files: bounded attributes, hard links only, checked datasets.

A model file comes from anywhere. Every read of a legacy `.h5` goes through an `H5Reader`,
which turns each problem into a ValueError (content) or OSError (the file itself) whose message
names the file:

* only hard links are followed: a soft link can point anywhere in the file and an external
  link opens another file, neither of which Keras ever writes;
* attributes are read only after their element count is checked, and decoded strings are
  bounded in length;
* datasets must hold numbers, keep their data inside the file (no external storage, no virtual
  datasets) and declare no more bytes than the file can hold (for compressed data: no more than
  deflate's best ratio allows), so a lying header cannot make a read allocate without bound.
"""

import contextlib
import math
import os

import h5py
import numpy as np

# The largest string attribute read (a model_config JSON; Keras's own are a few hundred KB).
MAX_STRING_BYTES = 64 * 2**20
# The most names one list attribute may hold (all its chunks together).
MAX_NAMES = 1_000_000
# Deflate's maximal compression ratio is about 1032:1; no compressed dataset expands more.
_MAX_COMPRESSION_RATIO = 1100
_NUMERIC_KINDS = "fiub"
_LINK_KINDS = {h5py.SoftLink: "a soft link", h5py.ExternalLink: "an external link"}


class H5Reader:
    """Checked access to one open HDF5 file; `path` is the name errors give."""

    def __init__(self, h5file, path):
        self.file = h5file
        self.path = path
        try:
            self.size = h5file.id.get_filesize()
        except Exception:  # noqa: BLE001 - an in-memory or odd driver: bound by the limits only
            self.size = None

    def error(self, problem):
        return ValueError(f"Cannot load '{self.path}': {problem}")

    # ---- links -----------------------------------------------------------------------------

    def find(self, group, name):
        """The object at the `/`-separated `name` under `group`, or None when a part is
        missing; soft and external links are refused."""
        if not isinstance(name, str) or not name:
            raise self.error(f"invalid object name {name!r:.200} under '{group.name}'")
        node = group
        for part in name.split("/"):
            if part in ("", ".", ".."):
                raise self.error(f"invalid object name '{name:.200}' under '{group.name}'")
            if not isinstance(node, h5py.Group):
                return None
            try:
                link = node.get(part, getlink=True)
            except (KeyError, ValueError, TypeError, OSError, RuntimeError) as e:
                raise self.error(f"cannot read the link '{part:.200}' in '{node.name}': "
                                 f"{e}") from None
            if link is None:
                return None
            if not isinstance(link, h5py.HardLink):
                kind = _LINK_KINDS.get(type(link), "a user-defined link")
                raise self.error(f"'{node.name.rstrip('/')}/{part:.200}' is {kind}; only "
                                 "hard links are read (Keras writes no other kind)")
            try:
                node = node[part]
            except (KeyError, ValueError, TypeError, OSError, RuntimeError) as e:
                raise self.error(f"cannot open '{node.name.rstrip('/')}/{part:.200}': "
                                 f"{e}") from None
        return node

    def group(self, parent, name):
        node = self.find(parent, name)
        if not isinstance(node, h5py.Group):
            what = "missing" if node is None else "not a group"
            raise self.error(f"the group '{name:.200}' under '{parent.name}' is {what}")
        return node

    def dataset(self, parent, name):
        """A checked dataset (see `check_dataset`); a ValueError if it is missing."""
        node = self.find(parent, name)
        if not isinstance(node, h5py.Dataset):
            what = "missing" if node is None else "not a dataset"
            raise self.error(f"the weight '{name:.200}' in '{parent.name}' is {what}")
        self.check_dataset(node)
        return node

    # ---- attributes ------------------------------------------------------------------------

    def _raw_attribute(self, obj, name):
        """The attribute's value (None when absent), after its size is checked."""
        try:
            aid = h5py.h5a.open(obj.id, name.encode("utf-8"))
        except KeyError:
            return None
        except (ValueError, TypeError, OSError, RuntimeError) as e:
            raise self.error(f"cannot read the attribute '{name}' of '{obj.name}': {e}") \
                from None
        shape = aid.shape
        count = math.prod(shape) if shape else 1
        if count > MAX_NAMES:
            raise self.error(f"the attribute '{name}' of '{obj.name}' declares {count} "
                             f"elements (at most {MAX_NAMES} are read)")
        if shape is not None and aid.dtype.kind == "S" and \
                count * aid.dtype.itemsize > MAX_STRING_BYTES:
            raise self.error(f"the attribute '{name}' of '{obj.name}' is larger than "
                             f"{MAX_STRING_BYTES} bytes")
        try:
            return obj.attrs[name]
        except (ValueError, TypeError, OSError, RuntimeError, UnicodeDecodeError) as e:
            raise self.error(f"cannot read the attribute '{name}' of '{obj.name}': {e}") \
                from None

    def string_attribute(self, obj, name):
        """A string attribute (vlen or fixed-length, bytes or str) as str, or None."""
        value = self._raw_attribute(obj, name)
        if value is None:
            return None
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value[()]
        return self._text(value, f"the attribute '{name}' of '{obj.name}'")

    def string_list_attribute(self, obj, name):
        """A list-of-strings attribute, Keras style: one attribute `name`, or chunks `name0`,
        `name1`, ... when it outgrew the object header; an empty list is stored as a float
        array of shape (0,)."""
        value = self._raw_attribute(obj, name)
        if value is not None:
            return self._text_list(value, name, obj)
        names, chunk = [], 0
        while True:
            value = self._raw_attribute(obj, f"{name}{chunk}")
            if value is None:
                return names
            names.extend(self._text_list(value, f"{name}{chunk}", obj))
            if len(names) > MAX_NAMES:
                raise self.error(f"the attribute '{name}' of '{obj.name}' holds more than "
                                 f"{MAX_NAMES} names")
            chunk += 1

    def _text_list(self, value, name, obj):
        where = f"the attribute '{name}' of '{obj.name}'"
        if isinstance(value, (str, bytes, np.bytes_, np.str_)):
            return [self._text(value, where)]
        if not isinstance(value, np.ndarray) or value.ndim > 1:
            raise self.error(f"{where} must be a list of names; received {value!r:.200}")
        if value.size == 0:
            return []
        if value.ndim == 0:
            value = value.reshape(1)
        if value.dtype.kind not in "OSU":
            raise self.error(f"{where} must hold strings; it holds {value.dtype}")
        return [self._text(v, where) for v in value]

    def _text(self, value, where):
        if isinstance(value, (bytes, np.bytes_)):
            try:
                value = bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                raise self.error(f"{where} is not valid UTF-8") from None
        if not isinstance(value, str):
            raise self.error(f"{where} must be a string; received {type(value).__name__}")
        if len(value) > MAX_STRING_BYTES:
            raise self.error(f"{where} is longer than {MAX_STRING_BYTES} characters")
        return value

    # ---- datasets --------------------------------------------------------------------------

    def check_dataset(self, dataset):
        """Refuses datasets that are not plain numbers stored inside this file."""
        where = f"the weight '{dataset.name}'"
        try:
            virtual = dataset.is_virtual
            plist = dataset.id.get_create_plist()
            external = plist.get_external_count()
            filters = plist.get_nfilters()
            dtype, shape = dataset.dtype, dataset.shape
        except (ValueError, TypeError, OSError, RuntimeError) as e:
            raise self.error(f"cannot read the header of {where}: {e}") from None
        if virtual or external:
            raise self.error(f"{where} keeps its data in other files; only data inside the "
                             "file is read")
        if shape is None:
            raise self.error(f"{where} has no data (an empty dataspace)")
        if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None or \
                dtype.subdtype is not None:
            raise self.error(f"{where} holds {_dtype_name(dtype)} values; weights must be "
                             "numbers")
        nbytes = math.prod(shape) * dtype.itemsize
        if self.size is not None:
            limit = self.size * (_MAX_COMPRESSION_RATIO if filters else 1)
            if nbytes > limit:
                raise self.error(f"{where} declares shape {shape} ({nbytes} bytes), more "
                                 f"than a file of {self.size} bytes can hold")

    def read(self, dataset):
        """The values of a dataset `check_dataset` accepted, as a NumPy array."""
        try:
            return np.asarray(dataset[()])
        except (ValueError, TypeError, OSError, RuntimeError) as e:
            raise OSError(f"Cannot read the weight '{dataset.name}' from '{self.path}': "
                          f"{e}") from None


def _dtype_name(dtype):
    if h5py.check_string_dtype(dtype) is not None or dtype.kind in "SU":
        return "string"
    return str(dtype)


@contextlib.contextmanager
def open_for_reading(filepath):
    """Yields an `H5Reader` over `filepath` (a path, or an open `h5py.File` / `h5py.Group`,
    which stays open)."""
    if isinstance(filepath, h5py.Group):
        yield H5Reader(filepath, filepath.file.filename)
        return
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: '{path}'")
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot load '{path}': it is a directory, not an HDF5 file")
    try:
        h5file = h5py.File(path, "r")
    except (OSError, ValueError, RuntimeError, KeyError, TypeError) as e:
        raise OSError(f"Cannot open '{path}' as an HDF5 file: {e}") from None
    try:
        yield H5Reader(h5file, path)
    finally:
        h5file.close()
