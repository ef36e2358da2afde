"""Template filters."""

import re

from markupsafe import Markup, escape


def highlight(text, needle):
    """Escape text and mark each case-insensitive occurrence of needle."""
    text = "" if text is None else str(text)
    if not needle:
        return escape(text)
    parts = re.split(f"({re.escape(needle)})", text, flags=re.IGNORECASE)
    return Markup("").join(Markup("<mark>{}</mark>").format(p) if i % 2 else escape(p)
                           for i, p in enumerate(parts))
