"""The blueprints, one module each; none imports another (what they share is in webapp/)."""

from . import browse, claims, concepts, conditions, exports, linked_data, queries, sources, sparql, studies

BLUEPRINTS = (browse.bp, conditions.bp, claims.bp, studies.bp, sources.bp, concepts.bp, linked_data.bp,
              exports.bp, sparql.bp, queries.bp)
