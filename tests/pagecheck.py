"""Read rendered pages the way the tests need: title, headings, links, labels, text."""

from html.parser import HTMLParser


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title, self.h1, self.links, self.alternates = "", [], [], []
        self.inputs, self.labels, self.scripts = [], set(), 0
        self._stack, self._text = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._stack.append(tag)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append((attrs.get("type"), attrs.get("href")))
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs.get("id"))
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag == "script":
            self.scripts += 1
        if tag == "h1":
            self.h1.append("")

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if "title" in self._stack:
            self.title += data
        if "h1" in self._stack and self.h1:
            self.h1[-1] += data
        if "script" not in self._stack and "style" not in self._stack:
            self._text.append(data)

    @property
    def text(self):
        """The page's visible text, whitespace collapsed."""
        return " ".join(" ".join(self._text).split())

    def internal_links(self):
        """Links to pages of this app (not anchors, not other sites)."""
        return sorted({href.split("#")[0] for href in self.links
                       if href.startswith("/") and not href.startswith("//")})
