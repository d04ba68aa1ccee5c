"""The `accord` command line: `cli` only declares the commands; each command's work is a
module that returns data (`validate`, `due`, `export`, `search`, `render`, `sign`, `init`,
`scaffold`), printed by `output`; what they share is in `common`."""
