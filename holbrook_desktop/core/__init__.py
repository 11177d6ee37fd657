"""The handbook's core: content, search, reading progress and records. Never imports Qt."""
