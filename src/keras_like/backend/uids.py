"""Per-prefix integer ids (`keras.backend.get_uid`)."""

from keras_like.backend import naming


def get_uid(prefix=""):
    """Associates a string prefix with an integer counter and returns the next value.

    The counter is the one that numbers automatic layer names, as in Keras: after a layer
    named "dense" exists, `get_uid("dense")` returns 2. `clear_session()` resets it.

    Args:
        prefix: String prefix to index.

    Returns:
        Unique integer ID.

    Example:

    >>> get_uid("my_prefix_for_the_example")
    1
    >>> get_uid("my_prefix_for_the_example")
    2
    """
    # Shares backend.naming's counts so names and uids advance together, like Keras's
    # "object_name_uids" global.
    with naming._NAME_COUNTS_LOCK:
        counts = naming._NAME_COUNTS
        counts[prefix] = counts.get(prefix, 0) + 1
        return counts[prefix]
