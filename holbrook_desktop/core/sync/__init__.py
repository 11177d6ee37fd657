"""Several PCs, one set of records: bundles of events exchanged through a folder the school syncs."""
