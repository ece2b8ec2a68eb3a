"""Widgets of the terminal UI, one concept per module."""
