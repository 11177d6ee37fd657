"""Reading a policy: the text, the contents, search and reading aloud."""
