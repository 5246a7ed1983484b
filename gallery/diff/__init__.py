"""The catalog diff: what a change to images.yaml will do to Azure, for reviewers of a pull request.

`catalog` and `versions` compare two loaded catalogs in the catalog's terms; `resources` compares
their desired states (gallery.desired) resource by resource; `findings` says how serious each finding is and which ones
block; `render` writes text, markdown, JSON or GitHub annotations; `sources` reads a side from a
file or a git revision.
"""
