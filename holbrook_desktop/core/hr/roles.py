"""The roles a member of staff can have: the policy's own scope (section 2.1)."""

ROLES = ("teacher", "teaching-assistant", "office", "lunchtime", "governor", "contractor",
         "volunteer", "trainee", "supply", "other")

ROLE_LABELS = {
    "teacher": "Teacher", "teaching-assistant": "Teaching assistant", "office": "Office",
    "lunchtime": "Lunchtime", "governor": "Governor", "contractor": "Contractor",
    "volunteer": "Volunteer", "trainee": "Trainee", "supply": "Supply", "other": "Other",
}
