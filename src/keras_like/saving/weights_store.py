"""The HDF5 variable store of `.keras` and `.weights.h5` files (Keras 3 layout).

Each saveable object's variables live in a group `<path>/vars` as datasets "0", "1", ... in
the object's own variable order, with the object's name as the group's `name` attribute.
bfloat16 is stored as its raw 16 bits with a `dtype` attribute, as Keras writes it.

Reading trusts nothing in the file: a dataset is read only after its shape and dtype match
the live variable it fills, links and external or virtual storage are refused, and every
problem is a ValueError naming the file and the dataset.
"""

import contextlib

import h5py
import numpy as np

_NUMERIC_KINDS = "biuf"


class WeightsWriter:
    """Writes `vars` groups into an open, writable h5py File."""

    def __init__(self, h5file):
        self._file = h5file

    def write(self, path, name, variables):
        group = self._file.require_group(_vars_path(path))
        if isinstance(name, str):
            group.attrs["name"] = name
        for i, variable in enumerate(variables):
            value, dtype = variable_value(variable)
            if dtype == "bfloat16":
                dataset = group.create_dataset(str(i), data=_bfloat16_bits(value))
                dataset.attrs["dtype"] = "bfloat16"
            else:
                group.create_dataset(str(i), data=value)

    def entry(self, path):
        """The `store` a layer's `save_own_variables(store)` fills: `store[key] = array`
        writes dataset `<path>/vars/<key>` (Keras's H5Entry; lookups write "idf_weights")."""
        return _EntryWriter(self._file.require_group(_vars_path(path)))


class _EntryWriter:
    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value):
        value = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
        self._group.create_dataset(str(key), data=value)


def variable_value(variable):
    """(NumPy value, dtype name) of a Variable, exact for every dtype."""
    dtype = str(variable.dtype)
    value = np.asarray(variable.numpy())
    if dtype != "bfloat16" and str(value.dtype) != dtype:
        value = value.astype(dtype)
    return value, dtype


def _bfloat16_bits(values):
    # keras_like hands bfloat16 values over as float32; each is exactly a bfloat16, so its
    # top 16 bits are the bfloat16 encoding.
    return (np.ascontiguousarray(values, dtype=np.float32).view(np.uint32) >> 16).astype(
        np.uint16)


def _from_bfloat16_bits(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _vars_path(path):
    return f"{path}/vars" if path else "vars"


class WeightsReader:
    """Reads `vars` groups from an open h5py File, checking each dataset before reading."""

    def __init__(self, h5file, filename):
        self._file = h5file
        self.filename = filename

    def has(self, path):
        with _hdf5_errors(self.filename, _vars_path(path)):
            return _vars_path(path) in self._file

    def count(self, path):
        """Number of datasets stored for `path` (0 when the group is missing)."""
        with _hdf5_errors(self.filename, _vars_path(path)):
            group = self._group(path)
            return 0 if group is None else len(_dataset_names(group, self._where(path)))

    def read(self, path, variables, owner):
        """The stored values for `variables` (a list of live Variables) in order.

        Raises ValueError when the count, a shape or a dtype does not fit, or when the
        file's structure is damaged.
        """
        with _hdf5_errors(self.filename, _vars_path(path)):
            group = self._group(path)
            names = [] if group is None else _dataset_names(group, self._where(path))
            if len(names) != len(variables):
                raise ValueError(
                    f"{owner} expected {len(variables)} variables, but {self.filename} has "
                    f"{len(names)} at '{_vars_path(path)}'. Expected: "
                    f"{[v.name for v in variables]}")
            return [self._read_one(group, str(i), v, owner) for i, v in enumerate(variables)]

    def entry(self, path):
        """The read-only `store` a layer's `load_own_variables(store)` reads: `key in store`
        and `store[key]` (each dataset checked as `h5_guard` checks weights)."""
        from keras_like.saving.h5_guard import H5Reader

        with _hdf5_errors(self.filename, _vars_path(path)):
            return _EntryReader(H5Reader(self._file, self.filename), self._group(path))

    def _group(self, path):
        where = _vars_path(path)
        link = self._file.get(where, getlink=True)
        if link is None:
            return None
        if not isinstance(link, h5py.HardLink):
            raise ValueError(f"{self.filename}: '{where}' is a {type(link).__name__}; links "
                             "are refused (they can point outside the file).")
        group = self._file[where]
        if not isinstance(group, h5py.Group):
            raise ValueError(f"{self.filename}: '{where}' must be a group of datasets, "
                             f"found a {type(group).__name__}.")
        return group

    def _where(self, path):
        return f"{self.filename}: '{_vars_path(path)}'"

    def _read_one(self, group, key, variable, owner):
        where = f"{self.filename}: dataset '{group.name}/{key}'"
        link = group.get(key, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise ValueError(f"{where} is missing or a link; {owner} needs variable "
                             f"'{variable.name}' there.")
        dataset = group[key]
        if not isinstance(dataset, h5py.Dataset):
            raise ValueError(f"{where} is a {type(dataset).__name__}, not a dataset.")
        if dataset.external or dataset.is_virtual:
            raise ValueError(f"{where} stores its data outside the file; refused.")
        expected = tuple(variable.shape)
        if tuple(dataset.shape) != expected:
            raise ValueError(
                f"{where}: {owner} variable '{variable.name}' has shape {expected}, the file "
                f"holds shape {tuple(dataset.shape)}.")
        stored_dtype = dataset.attrs.get("dtype")
        if isinstance(stored_dtype, bytes):
            stored_dtype = stored_dtype.decode("utf-8", "replace")
        if dataset.dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(
                f"{where} holds {dataset.dtype} data; {owner} variable '{variable.name}' "
                f"needs numbers ({variable.dtype}).")
        try:
            value = dataset[()]
        except (OSError, ValueError, TypeError) as e:
            raise ValueError(f"{where} cannot be read: {e}") from None
        if stored_dtype == "bfloat16":
            if dataset.dtype != np.uint16:
                raise ValueError(f"{where} says bfloat16 but stores {dataset.dtype}.")
            value = _from_bfloat16_bits(np.asarray(value))
        return np.asarray(value)


class _EntryReader:
    def __init__(self, h5_reader, group):
        self._reader, self._group = h5_reader, group

    def __contains__(self, key):
        return self._group is not None and self._reader.find(self._group, str(key)) is not None

    def __getitem__(self, key):
        if self._group is None:
            raise KeyError(key)
        return self._reader.read(self._reader.dataset(self._group, str(key)))

    def keys(self):
        return [] if self._group is None else list(self._group.keys())

    def __len__(self):
        return len(self.keys())


@contextlib.contextmanager
def _hdf5_errors(filename, where):
    """h5py reports a damaged file (a bad object header, heap or B-tree) as a KeyError,
    RuntimeError, OSError or TypeError from whichever access meets the damage; the user
    gets a ValueError naming the file and the group."""
    try:
        yield
    except (KeyError, RuntimeError, OSError, TypeError) as e:
        raise ValueError(f"{filename}: cannot read '{where}': the HDF5 structure is damaged "
                         f"({type(e).__name__}: {e}).") from None


def _dataset_names(group, where):
    names = list(group.keys())
    expected = [str(i) for i in range(len(names))]
    if sorted(names, key=_as_index) != expected:
        raise ValueError(f"{where} must hold datasets named 0..{len(names) - 1}; found "
                         f"{sorted(names)[:10]}")
    return expected


def _as_index(name):
    return int(name) if name.isdigit() else -1


def assign_checked(variable, value, where):
    """Assigns a stored value to a Variable, converting its dtype exactly as Keras does."""
    dtype = str(variable.dtype)
    target = "float32" if dtype == "bfloat16" else dtype
    if value.dtype.kind == "f" and np.dtype(target).kind in "iub":
        raise ValueError(f"{where}: variable '{variable.name}' is {dtype}; the file holds "
                         f"{value.dtype} values.")
    variable.assign(value.astype(target, copy=False))
