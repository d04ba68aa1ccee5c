"""The record format, engine-free: a docs folder walked once (`files`), each file read into
front matter and values with positions (`source`, `yaml_build`, `guesses`), checked against
the models (`models`, `schema`) and the rules across records (`rules`), as diagnostics an
author can act on (`diagnostics`); `loading` runs it all over a folder."""
