"""The school's content: policy files → Handbook → Policy → Section → Clause.

Rendering, cross-references, search, the checker and installing a new content folder live here too.
"""
