"""The `keras_like` console script: `keras_like serve ...` (see keras_like.serving.server)."""

import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: keras_like serve [--help] [options]\n\n"
              "commands:\n  serve   serve .keras models over TensorFlow Serving's REST API")
        return 0 if argv else 2
    if argv[0] != "serve":
        print(f"keras_like: unknown command {argv[0]!r} (try: keras_like serve --help)",
              file=sys.stderr)
        return 2
    from keras_like.serving.server import main as serve

    serve(argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
