"""Calls to Azure Resource Manager that Pulumi cannot make: where they go, with what client and credential."""
