"""The administrator's area: password-protected, for HR and the head: who is due, exports, staff."""
