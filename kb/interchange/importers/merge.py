"""Compare imported records with the curated studies: what is new, what is added, what conflicts."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from kb.interchange.importers.records import Conflict, mint_slug
from kb.namespaces import BIBO, EV, FABIO, ID

STUDY = rdflib.Namespace(ID + "study/")
DESIGN = rdflib.Namespace(ID + "design/")


def _text(value):
    return " ".join(str(value).split())


def _loose(value):
    """Compare titles and journals without case, periods or a trailing full stop."""
    return re.sub(r"[.\s]+", " ", _text(value)).strip().casefold()


# record attribute -> (predicate, datatype (None: a plain string), how two values are compared)
FIELDS = {
    "pmid": (BIBO.pmid, None, _text),
    "doi": (BIBO.doi, None, lambda v: _text(v).casefold()),
    "pmcid": (EV.pmcid, None, _text),
    "title": (DCTERMS.title, None, _loose),
    "journal": (EV.journal, None, _loose),
    "year": (FABIO.hasPublicationYear, XSD.gYear, _text),
    "first_author": (EV.firstAuthor, None, _text),
    "authors": (EV.authors, None, _text),
}


@dataclass
class Curated:
    """The curated data: one rdflib graph per file, and their union."""

    files: dict  # path -> rdflib.Graph
    union: rdflib.Graph = field(default_factory=rdflib.Graph)

    @classmethod
    def load(cls, data_dir):
        files = {}
        union = rdflib.Graph()
        for path in sorted(Path(data_dir).rglob("*.ttl")):
            graph = rdflib.Graph().parse(path, format="turtle")
            files[path] = graph
            union += graph
        return cls(files, union)

    def file_of(self, triple):
        """Return the file that states a triple."""
        return next((p for p, g in self.files.items() if triple in g), None)

    def studies(self):
        return set(self.union.subjects(RDF.type, EV.Study))

    def slugs(self):
        return {str(s) for s in self.union.objects(None, EV.slug)}


@dataclass
class Plan:
    new: list = field(default_factory=list)  # (record, study IRI, design IRI)
    additions: list = field(default_factory=list)  # (study IRI, predicate, Literal)
    replacements: list = field(default_factory=list)  # (study IRI, predicate, old Literal, new Literal, file)
    conflicts: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)  # study IRIs the file matched with nothing to change

    @property
    def changes(self):
        return bool(self.new or self.additions or self.replacements)


def values_of(record):
    """Return the record's values by FIELDS key (first author and full list from its authors)."""
    values = {k: getattr(record, k) for k in ("pmid", "doi", "pmcid", "title", "journal", "year")}
    values["first_author"] = record.authors[0] if record.authors else None
    complete_list = record.authors_complete and len(record.authors) > 1
    values["authors"] = "; ".join(record.authors) if complete_list else None
    return {k: v for k, v in values.items() if v}


def design_for(types, union):
    """Return the design PubMed publication types map to (by name), strongest first; else not-stated."""
    designs = []
    for mapping in union.subjects(RDF.type, EV.PublicationTypeMapping):
        if str(union.value(mapping, SKOS.prefLabel)) in types:
            design = union.value(mapping, EV.mapsToDesign)
            designs.append((int(union.value(design, EV.rank) or 99), str(design), design))
    return min(designs)[2] if designs else DESIGN["not-stated"]


def match(record, curated):
    """Return the curated studies the record's PMID, DOI, key or title points to."""
    union, found = curated.union, []
    for attr in ("pmid", "doi"):
        value = getattr(record, attr)
        if value:
            predicate, _, norm = FIELDS[attr]
            found += [s for s, v in union.subject_objects(predicate) if norm(v) == norm(value)]
    keyed = STUDY[record.key] if record.key else None
    if keyed in curated.studies():
        found.append(keyed)
    if not found:
        found += [s for s in curated.studies()
                  if _loose(union.value(s, DCTERMS.title) or "") == _loose(record.title)]
    return list(dict.fromkeys(found))


def plan(records, curated, source_name, prefer_import=False):
    """Decide, record by record, what an import creates, adds, replaces or must refuse."""
    result, taken = Plan(), curated.slugs()
    for record in records:
        matches = match(record, curated)
        if len(matches) > 1:
            result.conflicts.append(Conflict(source_name, record.entry, " ".join(map(str, matches)),
                                             "identity", "several curated studies", "one record", "data/"))
            continue
        if not matches:
            slug = mint_slug(record, taken)
            taken.add(slug)
            design = design_for(record.publication_types, curated.union) if record.publication_types \
                else DESIGN["not-stated"]
            result.new.append((record, STUDY[slug], design))
            continue
        compare(record, matches[0], curated, source_name, prefer_import, result)
    return result


def compare(record, study, curated, source_name, prefer_import, result):
    """Add to the plan what one record adds to, or disputes in, a curated study."""
    union, changed = curated.union, False
    for key, value in values_of(record).items():
        predicate, datatype, norm = FIELDS[key]
        new = rdflib.Literal(value, datatype=datatype)
        old = union.value(study, predicate)
        if old is None:
            result.additions.append((study, predicate, new))
            changed = True
        elif norm(old) != norm(value):
            where = curated.file_of((study, predicate, old))
            if prefer_import:
                result.replacements.append((study, predicate, old, new, where))
                changed = True
            else:
                result.conflicts.append(Conflict(source_name, record.entry, str(study), key, str(old),
                                                 str(value), str(where)))
    if record.publication_types:
        design = design_for(record.publication_types, union)
        curated_design = union.value(study, EV.studyDesign)
        if design != DESIGN["not-stated"] and curated_design is not None and design != curated_design:
            if prefer_import:
                where = curated.file_of((study, EV.studyDesign, curated_design))
                result.replacements.append((study, EV.studyDesign, curated_design, design, where))
                changed = True
            else:
                where = curated.file_of((study, EV.studyDesign, curated_design))
                result.conflicts.append(Conflict(source_name, record.entry, str(study),
                                                 "design (from publication types)", str(curated_design),
                                                 str(design), str(where)))
        known = {str(t) for t in union.objects(study, EV.publicationType)}
        for name in record.publication_types:
            if name not in known:
                result.additions.append((study, EV.publicationType, rdflib.Literal(name)))
                changed = True
    if not changed:
        result.unchanged.append(study)
