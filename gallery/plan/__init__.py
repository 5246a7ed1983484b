"""The offline plan: the Pulumi program run under a mock engine, recorded resource by resource.

Nothing is imported here: the command line reads the default below when it starts, without Pulumi.
"""

# Stacks planned at a time with `--all-shards`, each in a process of its own: the project's machines have two cores,
# and a stack's plan keeps one busy.
DEFAULT_JOBS = 2
