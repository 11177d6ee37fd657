"""The administrator: password, settings that change the rules, the school's name and logo."""
