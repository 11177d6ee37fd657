"""Acknowledging a policy: the declaration, the signature pad and the signed record."""
