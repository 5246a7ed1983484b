"""What happens to versions after they are declared: catalog edits, the lifecycle policy, Azure's status.

Nothing is imported here: the command line reads the default below when it starts, without Azure's SDK.
"""

# Status reads at a time: well under ARM's per-principal read limits, and 16x faster than one by one.
DEFAULT_WORKERS = 16
