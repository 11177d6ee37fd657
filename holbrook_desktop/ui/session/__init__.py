"""Who is reading: the start screen, adding yourself, the staff list and the idle lock."""
