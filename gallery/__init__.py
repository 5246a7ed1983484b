"""Azure Compute Gallery as code: images.yaml -> validated model -> Pulumi resources / plan / diff."""

__version__ = "0.1.0"
