"""What the engines need to know about a catalog's stacks: which ones, in what order, with what config.

- `stack_table`: every stack, the part it holds and how many resources (from the desired state);
- `github_matrix`: the jobs of a GitHub Actions workflow, for `strategy.matrix: ${{ fromJSON(...) }}`: the main
  stack (the foundation) first, then the shards, `max-parallel` at a time;
- `deployments`: Pulumi Deployments settings for each stack, and on the main stack one webhook per shard that
  deploys the shard when the main stack's update succeeds (Pulumi's "deployment webhook destination").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from gallery.catalog.model import Catalog
from gallery.catalog.stackconfig import PROJECT
from gallery.desired.build import desired_state
from gallery.desired.shards import StackPart, parts, qualified
from gallery.stacks import DEFAULT_MAX_PARALLEL


@dataclass(frozen=True)
class StackInfo:
    stack: str  # dev, dev-linux
    part: StackPart
    definitions: int
    versions: int
    resources: int  # what its state holds, the component included

    def document(self) -> dict:
        return {
            "stack": self.stack,
            "owner": self.part.owner,
            "foundation": self.part.foundation,
            "config": self.part.config(),
            "definitions": self.definitions,
            "versions": self.versions,
            "resources": self.resources,
        }


def stack_table(catalog: Catalog, environment: str, org: Optional[str] = None) -> list[StackInfo]:
    """Every stack of the catalog deployed as `environment`, the main one first."""
    counts: dict[str, int] = {}
    for res in desired_state(catalog):
        counts[res.owner] = counts.get(res.owner, 0) + 1
    out = []
    for part in parts(catalog, environment, org):
        images = [i for i in catalog.images if catalog.owner(i) == part.owner]
        component = 0 if part.is_main else 1  # the main stack's is counted already
        out.append(
            StackInfo(
                part.stack(environment),
                part,
                len(images),
                sum(len(i.versions) for i in images),
                counts.get(part.owner, 0) + component,
            )
        )
    return out


def config_map(part: StackPart) -> str:
    """pulumi/actions' `config-map` input (YAML flow text) that makes a stack the part it is."""
    return "{" + ", ".join(f"{key}: {{value: {value}, secret: false}}" for key, value in part.config().items()) + "}"


def github_matrix(
    catalog: Catalog, environment: str, org: Optional[str] = None, max_parallel: int = DEFAULT_MAX_PARALLEL
) -> dict:
    """Two matrices, main stack then shards: a workflow runs `foundation` first and `shards` after it."""

    def entry(part: StackPart) -> dict:
        stack = part.stack(environment)
        return {
            "stack": stack,
            "stack-name": f"{org}/{stack}" if org else stack,
            "shard": part.owner,
            "foundation": part.foundation or "",
            "config-map": config_map(part),
        }

    main, *shards = parts(catalog, environment, org)
    return {
        "environment": environment,
        "foundation": {"include": [entry(main)]},
        "shards": {"include": [entry(p) for p in shards]},
        "has-shards": bool(shards),
        "max-parallel": max_parallel,
    }


def deployments(
    catalog: Catalog,
    environment: str,
    org: str,
    repo_url: str,
    *,
    branch: str = "main",
    repo_dir: str = ".",
    github: Optional[str] = None,
) -> dict:
    """Pulumi Deployments settings of every stack (the body of `POST /api/stacks/{org}/{project}/{stack}/deployments/
    settings`) and the webhooks on the main stack (`POST /api/stacks/{org}/{project}/{main}/hooks`) that deploy each
    shard after the main stack's update succeeded. Only the main stack deploys on a push: the shards follow it."""
    stacks, hooks = [], []
    for part in parts(catalog, environment, org):
        stack = part.stack(environment)
        # A shard's stack config (its part, its main stack) is set before each run: the catalog says it, no file.
        pre_run = [
            f"pulumi config set --stack {qualified(stack, org)} {key} {value}" for key, value in part.config().items()
        ]
        settings: dict = {
            "sourceContext": {"git": {"repoURL": repo_url, "branch": f"refs/heads/{branch}", "repoDir": repo_dir}},
            # Azure credentials are the organization's choice (an ESC environment, or Deployments' Azure OIDC):
            # not written here.
            "operationContext": {"preRunCommands": pre_run},
        }
        if github:
            settings["gitHub"] = {"repository": github, "deployCommits": part.is_main, "previewPullRequests": True}
        stacks.append(
            {"stack": stack, "url": f"/api/stacks/{org}/{PROJECT}/{stack}/deployments/settings", "settings": settings}
        )
        if not part.is_main:
            hooks.append(
                {
                    "stack": environment,
                    "url": f"/api/stacks/{org}/{PROJECT}/{environment}/hooks",
                    "hook": {
                        "organizationName": org,
                        "projectName": PROJECT,
                        "stackName": environment,
                        "name": f"deploy-{stack}",
                        "displayName": f"deploy {stack} after {environment}",
                        "payloadUrl": f"{PROJECT}/{stack}",
                        "format": "pulumi_deployments",
                        "filters": ["update_succeeded"],
                        "active": True,
                    },
                }
            )
    return {"organization": org, "project": PROJECT, "stacks": stacks, "webhooks": hooks}
