"""Adopting an existing gallery: read it from Azure, write the catalog and the Pulumi import file."""
