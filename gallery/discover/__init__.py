"""Adopting an existing gallery: read it from Azure, write the catalog and the Pulumi import file.

Nothing is imported here: the command line loads this package's modules only when `discover` runs.
"""

# Requests at a time. ARM allows bursts of a few hundred reads per subscription and refills about 25 a
# second, so 16 keeps a large gallery's discovery quick without running into throttling for long.
DEFAULT_WORKERS = 16
