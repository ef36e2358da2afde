"""Namespaces used across the knowledge base, declared once."""

from rdflib import Namespace

BASE = "https://w3id.org/ketamine-kb/"
EV = Namespace(BASE + "ontology#")  # our own vocabulary (ontology/evidence.ttl)
ID = Namespace(BASE + "id/")  # resources the KB mints: claims, studies, conditions ...
GRAPH = Namespace(BASE + "graph/")  # one named graph per source file, plus derived graphs
CITO = Namespace("http://purl.org/spar/cito/")  # citation typing
FABIO = Namespace("http://purl.org/spar/fabio/")  # bibliographic works
BIBO = Namespace("http://purl.org/ontology/bibo/")  # PMID, DOI
OA = Namespace("http://www.w3.org/ns/oa#")  # Web Annotation: quotes and offsets
SCHEMA = Namespace("http://schema.org/")  # Claim, ClaimReview, MedicalCondition
MESH = Namespace("http://id.nlm.nih.gov/mesh/")  # MeSH descriptors and publication types
OBO = Namespace("http://purl.obolibrary.org/obo/")  # ECO, MONDO

# Prefixes offered to SPARQL users (editor, service description) and serializers.
PREFIXES = {
    "ev": str(EV),
    "kb": str(ID),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "cito": str(CITO),
    "fabio": str(FABIO),
    "bibo": str(BIBO),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "mesh": str(MESH),
    "obo": str(OBO),
    "sh": "http://www.w3.org/ns/shacl#",
    # one prefix per kind of resource the KB mints, as the data files use them
    "claim": str(ID) + "claim/",
    "study": str(ID) + "study/",
    "cond": str(ID) + "condition/",
    "group": str(ID) + "condition-group/",
    "design": str(ID) + "design/",
    "route": str(ID) + "route/",
    "drug": str(ID) + "intervention/",
    "src": str(ID) + "source/",
    "assessment": str(ID) + "assessment/",
    "outcome": str(ID) + "outcome/",
    "stat": str(ID) + "statistic/",
    "comparator": str(ID) + "comparator/",
    "directness": str(ID) + "directness/",
    "unit": str(ID) + "unit/",
    "dose-level": str(ID) + "dose-level/",
    "certainty": str(ID) + "certainty/",
    "certainty-rule": str(ID) + "certainty-rule/",
}
