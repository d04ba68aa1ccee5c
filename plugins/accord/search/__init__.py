"""Stage 4, search: the Whoosh index kept on disk, queries and scoring, and the lessons that
concern a draft (advice)."""
