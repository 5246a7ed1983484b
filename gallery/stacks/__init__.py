"""The stacks a catalog deploys to, run by the engines teams already use: the matrix for GitHub Actions, the
settings for Pulumi Deployments (settings.py), and `gallery apply` through Pulumi's Automation API, one process per
stack, the main stack first (apply.py, automation.py).

Nothing is imported here: the command line reads the defaults below when it starts.
"""

# `gallery apply`: stacks run at a time, each a process driving the Pulumi CLI (which runs the program and the
# provider plugins in processes of their own).
DEFAULT_JOBS = 2
# The GitHub Actions matrix: shard stacks deployed at a time (each a runner; Azure's ARM limits are per
# subscription, which every stack shares).
DEFAULT_MAX_PARALLEL = 4
