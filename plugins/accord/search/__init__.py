"""Search, engine-free: the Whoosh index kept on disk (`index`, over `schema`, `manifest`,
`generations`, `reading`), queries and scoring (`query`, `filters`, `scoring`), what it knows
of each record (`documents`), the site's static index for the browser (`static`), and the
lessons that concern a draft (`advice`). It reads the format and the catalogue, never the site."""
