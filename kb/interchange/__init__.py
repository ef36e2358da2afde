"""What goes in and out of the KB besides SPARQL: citation and claim exports, the audit report,
and importers of PubMed and BibTeX records."""
