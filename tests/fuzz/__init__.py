"""Property tests (hypothesis): no input makes a reader raise anything but its own errors."""
