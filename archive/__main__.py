"""``python -m archive``: the same as the ``clippings`` command."""

from .cli import main

if __name__ == "__main__":  # not when a worker process of an import imports it
    main()
