"""The CrossGuard policy pack `image-gallery`: the catalog's rules for programs that declare galleries themselves.

`pulumi preview --policy-pack policy` runs `__main__.py`, which serves `policies.policies()`; the rules come from
gallery.catalog.rules through gallery.raw, so the pack and `gallery validate` never disagree.
"""
