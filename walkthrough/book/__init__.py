"""Our chapters as data: directives, excerpts, the one expand-every-chapter loop, fingerprints, Python pairs.

No mkdocs and no HTML here: `check`, the site and `explain` all read the book through this package.
"""
