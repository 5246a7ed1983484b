"""Logical names: the last part of every URN the program registers, from stable catalog keys.

Never change one: existing stacks hold them, and a new logical name is a new resource (a replacement)
unless an alias names the old one.
"""

from __future__ import annotations

from gallery.catalog.model import MAIN, AccessGrant, ImageDefinition, ImageVersion

COMPONENT_NAME = "gallery"  # the component's name; every logical name below starts with it


def group(component: str = COMPONENT_NAME) -> str:
    return f"{component}-rg"


def storage_account(component: str = COMPONENT_NAME) -> str:
    return f"{component}-storage"


def container(family: str, component: str = COMPONENT_NAME) -> str:
    return f"{component}-container-{family}"


def gallery(component: str = COMPONENT_NAME) -> str:
    return f"{component}-gallery"


def sharing(component: str = COMPONENT_NAME) -> str:
    return f"{component}-sharing"


def community(component: str = COMPONENT_NAME) -> str:
    return f"{component}-community"


def sharing_guard(component: str = COMPONENT_NAME) -> str:
    return f"{component}-sharing-guard"


def access(grant: AccessGrant, component: str = COMPONENT_NAME) -> str:
    return f"{component}-access-{grant.principal_id.lower()}-{grant.role_definition_guid.lower()}"


def definition(image: ImageDefinition, component: str = COMPONENT_NAME) -> str:
    return f"{component}-{image.name}"


def version(image: ImageDefinition, v: ImageVersion, component: str = COMPONENT_NAME) -> str:
    return f"{component}-{image.name}-{v.name}"


def stack(environment: str, owner: str) -> str:
    """The stack that declares the part `owner` of a catalog deployed as `environment` (the main stack's name, and
    the catalog's `{stack}`): the main stack is `environment` itself (`dev`), a shard's `<environment>-<shard>`."""
    return environment if owner == MAIN else f"{environment}-{owner}"


def urn(stack: str, project: str, types: list[str], name: str) -> str:
    """Pulumi's URN: the stack, the project, the type chain from the top parent down (`$`-joined), the name."""
    return f"urn:pulumi:{stack}::{project}::{'$'.join(types)}::{name}"
