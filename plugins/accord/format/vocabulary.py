"""Names of the format's closed vocabularies as people write them (no imports: used by
commands that must start fast)."""

KIND_NAMES = {  # as people write them
    "mou": "Memorandum of understanding",
    "moa": "Memorandum of agreement",
    "data-sharing": "Data-sharing agreement",
    "ppp": "Public–private partnership",
    "grant": "Grant",
    "service-level": "Service-level agreement",
    "other": "Agreement",
}
