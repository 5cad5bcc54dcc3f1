"""Runnable examples: `python -m keras_like.examples.<name>`."""
