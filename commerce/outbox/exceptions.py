class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (the order it names is gone, no recipient):
    the message goes straight to the dead letters."""
