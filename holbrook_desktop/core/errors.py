"""What can go wrong, in two kinds: Refused (the person can fix it) and Failure (they cannot)."""


class HolbrookError(Exception):
    """Base of the app's own errors."""


class Refused(HolbrookError):
    """The person can put it right: the message says how."""


class Failure(HolbrookError):
    """Something the person cannot fix here (a damaged file, a full disk): the message says what to do."""
