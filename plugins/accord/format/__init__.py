"""Stage 1, the record format: reading a file (source), the schema (models, schema), the rules
across records, and the diagnostics an author sees."""
