"""The stacks a catalog deploys to, run by the engines teams already use: the matrix for GitHub Actions, the
settings for Pulumi Deployments (settings.py), and `gallery apply` through Pulumi's Automation API, one process per
stack, the main stack first (apply.py, automation.py)."""
