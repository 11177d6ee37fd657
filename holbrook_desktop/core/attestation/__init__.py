"""Acknowledgements made into signed attestation PDFs; the school's signing key; verification; export."""
