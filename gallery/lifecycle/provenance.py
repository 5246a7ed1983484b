"""Where a version came from, and what let it through: tags the catalog carries on the version.

`gallery upload --add-version` knows the blob it has just uploaded (its MD5, its size, the capture date);
`gallery version add` knows the source it is given; both know the build that runs them, from --build-id and
--commit or from the CI's own variables (GitHub Actions, Azure Pipelines). `gallery promote` adds the gates it
passed (gallery.lifecycle.gates). They are written as the version's `tags` in images.yaml, so they are reviewed in
the pull request like any other key, shown by the review diff, and sent to Azure on the version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from typing import Any, Mapping, Optional, Sequence

GIB = 1024**3
VHD_FOOTER = 512


@dataclasses.dataclass(frozen=True)
class Build:
    """The build that made the version: which system, its run id, the commit, and a link when there is one."""

    system: Optional[str] = None  # github-actions | azure-pipelines | None (given by hand, or none)
    id: Optional[str] = None
    commit: Optional[str] = None
    url: Optional[str] = None


def ci_build(
    environ: Mapping[str, str] = os.environ, *, build_id: Optional[str] = None, commit: Optional[str] = None
) -> Build:
    """The CI's build, if any; `build_id` and `commit` (the command's options) win over the environment."""
    if environ.get("GITHUB_ACTIONS") == "true":
        run = environ.get("GITHUB_RUN_ID")
        repo, server = environ.get("GITHUB_REPOSITORY"), environ.get("GITHUB_SERVER_URL", "https://github.com")
        url = f"{server}/{repo}/actions/runs/{run}" if run and repo else None
        found = Build("github-actions", run, environ.get("GITHUB_SHA"), url)
    elif environ.get("TF_BUILD", "").lower() == "true":
        run = environ.get("BUILD_BUILDID")
        collection, project = environ.get("SYSTEM_COLLECTIONURI"), environ.get("SYSTEM_TEAMPROJECT")
        url = (
            f"{collection.rstrip('/')}/{project}/_build/results?buildId={run}"
            if run and collection and project
            else None
        )
        found = Build("azure-pipelines", run, environ.get("BUILD_SOURCEVERSION"), url)
    else:
        found = Build()
    return dataclasses.replace(found, id=build_id or found.id, commit=commit or found.commit)


def build_tags(build: Build) -> dict[str, str]:
    values = {"build.system": build.system, "build.id": build.id, "build.commit": build.commit, "build.url": build.url}
    return {k: v for k, v in values.items() if v}


def upload_tags(
    *, container: str, blob: str, md5_b64: str, captured: dt.date, disks: Sequence[int], build: Build
) -> dict[str, str]:
    """What `upload --add-version` records: the OS disk's blob and MD5 (as the blob's Content-MD5), the capture
    date, the size of the version's disks (`disks`: each page blob's bytes; whole GiB each, what a replica holds;
    the review diff prices replicas by it), and the build."""
    return {
        "source.blob": f"{container}/{blob}",
        "source.md5": md5_b64,
        "source.captured": captured.isoformat(),
        "source.sizeGiB": str(sum(size_gib(d) for d in disks)),
        **build_tags(build),
    }


def source_tags(source: Mapping[str, Any], build: Build) -> dict[str, str]:
    """What `version add` records: the capture date of a VHD source (its blobs are named by it) and the build."""
    captured = source.get("vhd", {}).get("captured")
    return {**({"source.captured": captured.isoformat()} if captured else {}), **build_tags(build)}


def size_gib(page_blob_bytes: int) -> int:
    """A fixed VHD's disk size in whole GiB: the page blob less its footer, rounded up."""
    return math.ceil(max(0, page_blob_bytes - VHD_FOOTER) / GIB)


def set_tags(editor, node, tags: Mapping[str, str]) -> None:
    """Write `tags` into the version `node` of a CatalogEditor (its own `tags`, created when absent; existing keys
    are replaced, others kept)."""
    from ruamel.yaml.comments import CommentedMap

    if not tags:
        return
    existing = node.get("tags")
    if existing is None:  # filled first: comment lines after the version then follow its last tag
        editor.set(node, "tags", CommentedMap(tags))
        return
    for key, value in tags.items():
        editor.set(existing, key, value)
