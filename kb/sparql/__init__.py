"""The SPARQL 1.1 Protocol endpoint's logic: reading requests, checking query text before any
parser sees it, and running queries in worker processes that a time limit can kill."""
