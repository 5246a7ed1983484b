"""The Pulumi program `pulumi up` runs: the stack's catalog (config `catalog`, default images.yaml) declared.

`gallery plan` declares the same catalog the same way (gallery.program) under Pulumi's mock engine.
"""
from pathlib import Path

import pulumi

from gallery import program

# Relative paths are relative to the project, wherever `pulumi` was started from.
catalog = program.load(Path(__file__).resolve().parent, pulumi.Config(), pulumi.get_stack())
program.declare(catalog)
