"""``python -m archive``: the same as the ``clippings`` command."""

from .cli import main

main()
