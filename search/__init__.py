"""Search: documents, the indexing pipeline, the query builder and the embedded engine."""
