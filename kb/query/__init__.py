"""Named queries: the catalogue of queries/*.rq, parameter binding, the query-text reader, rows."""
