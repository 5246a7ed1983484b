"""Adopting an existing gallery: read it from Azure, write the catalog and the Pulumi import file.

Nothing is imported here: the command line loads this package's modules only when `discover` runs.
"""

# Requests at a time. ARM allows bursts of a few hundred reads per subscription and refills about 25 a
# second: 32 at once stays inside the burst for a gallery of a few hundred definitions (one version list
# each), and past it the client waits out 429's Retry-After. A discovery is a one-off bulk read, so it
# takes more at once than `gallery status` (16), which may run in every CI job.
DEFAULT_WORKERS = 32
