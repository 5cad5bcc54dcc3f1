"""Atomic file replacement for every file keras_like writes.

A save writes a temporary file in the destination's folder (same filesystem, so the final
rename is atomic), flushes and fsyncs it, renames it over the destination and fsyncs the
folder. A process killed at any moment leaves either the previous file or the complete new
one, never a half-written file under the destination name.
"""

import contextlib
import os
import tempfile


def _fsync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some filesystems do not open folders; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable_destination(path):
    """Raises a clear error before any work when `path` cannot receive a file."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot save to '{path}': it is a directory.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot save to '{path}': the folder '{folder}' does not exist.")


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path next to `path`; on success it replaces `path` atomically.

    The caller writes the whole file to the yielded path (h5py and zipfile both want a
    path or a file object). On an exception the temporary file is removed and `path` is
    untouched.
    """
    path = os.fspath(path)
    check_writable_destination(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                                dir=folder)
    os.close(fd)
    try:
        # mkstemp makes the file private (0600); a saved model gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        yield temp
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise
    _fsync_folder(folder)


@contextlib.contextmanager
def atomic_open(path, mode="wb"):
    """`open(path, mode)` whose result appears under `path` only once fully written."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files; mode must be 'w' or 'wb', got {mode!r}")
    with atomic_path(path) as temp:
        with open(temp, mode) as f:
            yield f
            f.flush()
