"""HR's work: who is due, exports, staff import, reminders, the governors' report, retention and
subject access."""
