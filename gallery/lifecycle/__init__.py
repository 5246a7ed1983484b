"""What happens to versions after they are declared: catalog edits, the lifecycle policy, Azure's status."""
