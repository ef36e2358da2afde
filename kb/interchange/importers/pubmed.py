"""Read study records from a PubMed XML file (PubmedArticleSet), with ElementTree."""

import xml.etree.ElementTree as ET

from kb.interchange.importers.records import ImportFailed, StudyRecord, clean


def text_of(element):
    """Return the text of an element and its children (titles may hold <i>, <sup>)."""
    return clean("".join(element.itertext())) if element is not None else None


def year_of(article):
    """Return the publication year: PubDate/Year, else the year a MedlineDate starts with."""
    date = article.find("Journal/JournalIssue/PubDate")
    if date is None:
        return None
    year = clean(date.findtext("Year"))
    if year:
        return year
    medline = clean(date.findtext("MedlineDate")) or ""
    return medline[:4] if medline[:4].isdigit() else None


def authors_of(article):
    """Return the authors as 'Surname Initials' (or a collective name), in order."""
    names = []
    for author in article.findall("AuthorList/Author"):
        last, initials = clean(author.findtext("LastName")), clean(author.findtext("Initials"))
        collective = clean(author.findtext("CollectiveName"))
        if last:
            names.append(f"{last} {initials}" if initials else last)
        elif collective:
            names.append(collective)
    return names


def record_of(article_element, path, index):
    """Return the StudyRecord of one PubmedArticle, or raise naming the file and the entry."""
    citation = article_element.find("MedlineCitation")
    pmid = clean(citation.findtext("PMID")) if citation is not None else None
    entry = f"PMID {pmid}" if pmid else f"PubmedArticle {index}"
    article = citation.find("Article") if citation is not None else None
    if not pmid or article is None:
        raise ImportFailed(f"{path}: {entry} has no MedlineCitation/PMID or Article; nothing was changed")
    title = text_of(article.find("ArticleTitle"))
    if not title:
        raise ImportFailed(f"{path}: {entry} has no ArticleTitle; nothing was changed")
    journal = (clean(citation.findtext("MedlineJournalInfo/MedlineTA"))
               or clean(article.findtext("Journal/ISOAbbreviation"))
               or clean(article.findtext("Journal/Title")))
    doi = next((clean(e.text) for e in article.findall("ELocationID") if e.get("EIdType") == "doi"), None)
    ids = article_element.findall("PubmedData/ArticleIdList/ArticleId")
    doi = doi or next((clean(e.text) for e in ids if e.get("IdType") == "doi"), None)
    pmcid = next((clean(e.text) for e in ids if e.get("IdType") == "pmc"), None)
    types = [clean(e.text) for e in article.findall("PublicationTypeList/PublicationType")]
    return StudyRecord(entry=entry, title=title, pmid=pmid, doi=doi, pmcid=pmcid, journal=journal,
                       year=year_of(article), authors=authors_of(article),
                       publication_types=[t for t in types if t])


def parse(path):
    """Return the StudyRecords of a PubmedArticleSet file; a malformed file raises ImportFailed."""
    records, index, current, root = [], 0, None, None
    try:
        for event, element in ET.iterparse(str(path), events=("start", "end")):
            if root is None:
                root = element
                if element.tag != "PubmedArticleSet":
                    raise ImportFailed(f"{path}: the root element is <{element.tag}>, "
                                       "not <PubmedArticleSet>; nothing was changed")
            if event == "start" and element.tag == "PubmedArticle":
                index, current = index + 1, f"PubmedArticle {index + 1}"
            elif event == "end" and element.tag == "PMID" and current and current.startswith("PubmedArticle"):
                current = f"PMID {clean(element.text)}"
            elif event == "end" and element.tag == "PubmedArticle":
                records.append(record_of(element, path, index))
                current = None
                element.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        where = f"in entry {current}" if current else (
            f"after entry {records[-1].entry}" if records else "before the first entry")
        raise ImportFailed(f"{path}: not well-formed XML at line {line}, column {column} ({where}): "
                           f"{exc.msg if hasattr(exc, 'msg') else exc}; nothing was changed") from None
    if not records:
        raise ImportFailed(f"{path}: no PubmedArticle entries; nothing was changed")
    return records
