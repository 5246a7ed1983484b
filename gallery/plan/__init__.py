"""The offline plan: the Pulumi program run under a mock engine, recorded resource by resource."""
