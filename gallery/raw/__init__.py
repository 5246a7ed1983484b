"""Raw azure-native resources judged by the catalog's own rules: the Pulumi-free half of the policy pack.

App teams declare `azure-native:compute:Gallery`, `GalleryImage` and `GalleryImageVersion` in programs of their
own. `resources` holds such a resource as plain data (its camelCase inputs, exactly what the engine receives),
`model` turns it back into the catalog's model objects, `scope` says which of gallery.catalog.rules judge one
resource and which need the whole stack, `judge` runs them, and `changes` runs the review diff's blocking rules
against the resources a stack already has. policy/ wraps these in pulumi-policy's policies.
"""
