"""URL slugs from titles: "Hello, World!" -> "hello-world"."""

import re

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(title, max_length=80):
    """Lower-case ASCII letters and digits joined by single hyphens, at most `max_length` long
    (cut at a hyphen when possible)."""
    slug = _NOT_ALNUM.sub("-", title.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[:cut] if cut > 0 else slug[:max_length]
    return slug
