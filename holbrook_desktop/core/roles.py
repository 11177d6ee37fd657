"""The roles a member of staff can have: the policy's own scope (section 2.1)."""

ROLES = ("teacher", "teaching-assistant", "office", "lunchtime", "governor", "contractor",
         "volunteer", "trainee", "supply", "other")
