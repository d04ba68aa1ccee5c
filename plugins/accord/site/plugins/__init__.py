"""MkDocs plugins: thin adapters that hand the catalogue to MkDocs and mkdocs-material.

`accord/records` loads and validates once per build and owns the catalogue;
`accord/pages` renders record pages and generated pages from it; `accord/search`
shapes mkdocs-material's search index.
"""
