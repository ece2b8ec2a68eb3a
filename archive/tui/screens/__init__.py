"""Screens of the terminal UI: search (the home screen), reader, help, import, dialogs."""
