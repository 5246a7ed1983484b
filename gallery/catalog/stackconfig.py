"""The Pulumi project a catalog belongs to, and a stack's config (Pulumi.<stack>.yaml) read as the engine hands it over.

Read without Pulumi: the offline plan passes it to the program, and the commands that call Azure take
the stack's subscription and cloud from it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Optional

from gallery.catalog.inputs import read_input
from gallery.catalog.yamlload import load_yaml
from gallery.errors import CatalogError, Problem

PROJECT = "image-gallery"  # Pulumi.yaml's name: un-namespaced config keys belong to it


def project_dir(catalog_path: Path) -> Optional[Path]:
    """The Pulumi project the catalog belongs to: the nearest directory upwards holding Pulumi.yaml."""
    for directory in catalog_path.resolve().parents:
        if (directory / "Pulumi.yaml").is_file():
            return directory
    return None


def stack_config(stack: str, project: Optional[Path]) -> dict[str, str]:
    """The stack's config as the engine hands it to the program: full keys, string values."""
    path = project / f"Pulumi.{stack}.yaml" if project else None
    if path is None or not os.path.lexists(path):
        return {}
    # Anything else (a symlink loop, a directory, bad YAML) is the user's to fix, said like a catalog problem.
    text = read_input(path, str(path), what="a stack config file")
    data = load_yaml(text, str(path)).data if text.strip() else {}  # YAML's traps are refused here too
    if not isinstance(data, dict) or not isinstance(data.get("config") or {}, dict):
        raise CatalogError(
            [
                Problem(
                    str(path),
                    0,
                    0,
                    "",
                    "the stack's config must be a mapping with a config: mapping of keys",
                    "config.shape",
                )
            ]
        )
    config = {}
    for key, value in (data.get("config") or {}).items():
        key = key if ":" in key else f"{PROJECT}:{key}"
        if isinstance(value, dict) and "secure" in value:
            value = "<secret>"  # encrypted for the stack's secrets provider: not readable offline
        config[key] = value if isinstance(value, str) else _json(value)
    return config


def _json(value: Any) -> str:
    return json.dumps(value)
