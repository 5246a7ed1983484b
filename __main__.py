"""The Pulumi program `pulumi up` runs: the stack's part of the catalog (config `catalog`, default images.yaml).

Without `shards:` in the catalog the stack declares all of it. With shards, a shard's stack has the config `shard`
(its name) and `foundation` (the main stack, whose outputs it reads); the main stack has neither.
`gallery plan` declares the same part the same way (gallery.program) under Pulumi's mock engine.
"""
from pathlib import Path

import pulumi

from gallery import program

config = pulumi.Config()
environment, part = program.part(config, pulumi.get_stack())  # `{stack}` is the main stack's name
# Relative paths are relative to the project, wherever `pulumi` was started from.
catalog = program.load(Path(__file__).resolve().parent, config, environment)
program.declare_part(catalog, part, pulumi.get_stack())
