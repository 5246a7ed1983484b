"""The CI workflows (.github/workflows/) run the stacks `gallery shards --format github-matrix` names: the keys they
read from its output are keys it writes, and every caller of the reusable stacks.yml gives the inputs it declares.
(GitHub itself is not run here: this is what can be checked of the files.)"""

from __future__ import annotations

import json
import re

import yaml

from gallery.catalog.loader import load_catalog
from gallery.stacks.settings import github_matrix
from tests.fixtures.paths import CATALOGS, ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict:
    doc = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def test_the_stacks_workflow_reads_only_what_the_matrix_has():
    text = (WORKFLOWS / "stacks.yml").read_text("utf-8")
    assert 'gallery shards images.yaml --stack "${{ inputs.environment }}"' in text
    assert "--format github-matrix" in text
    matrix = github_matrix(load_catalog(CATALOGS / "shards" / "example.yaml", "dev"), "dev", "contoso")
    top = set(re.findall(r"fromJSON\(needs\.stacks\.outputs\.matrix\)\.([\w-]+)", text))
    assert top == {"foundation", "shards", "has-shards", "max-parallel"} and top <= set(matrix)
    entry_keys = set(matrix["foundation"]["include"][0]) & set(matrix["shards"]["include"][0])
    assert set(re.findall(r"matrix\.([\w-]+)", text)) - {"outputs"} <= entry_keys
    jobs = _load("stacks.yml")["jobs"]
    assert jobs["shards"]["needs"] == ["stacks", "foundation"]  # the main stack first
    shard_action = next(s for s in jobs["shards"]["steps"] if s.get("uses", "").startswith("pulumi/actions"))
    assert shard_action["with"]["config-map"] == "${{ matrix.config-map }}" and shard_action["with"]["upsert"] is True


def test_every_caller_of_the_stacks_workflow_gives_its_inputs():
    declared = set(_load("stacks.yml")["on"]["workflow_call"]["inputs"])
    calls = [
        (name, job)
        for name in ("deploy.yml", "pull-request.yml")
        for job in _load(name)["jobs"].values()
        if job.get("uses") == "./.github/workflows/stacks.yml"
    ]
    assert [(name, job["with"]["environment"], job["with"]["command"]) for name, job in calls] == [
        ("deploy.yml", "dev", "up"),
        ("deploy.yml", "prod", "up"),
        ("pull-request.yml", "dev", "preview"),
        ("pull-request.yml", "prod", "preview"),
    ]
    assert all(set(job["with"]) == declared for _, job in calls)
    deploy = _load("deploy.yml")["jobs"]
    assert deploy["prod"]["needs"] == "dev"  # dev, then prod


def test_the_matrix_is_valid_json_for_fromjson():
    matrix = github_matrix(load_catalog(ROOT / "images.yaml", "prod"), "prod")
    assert json.loads(json.dumps(matrix)) == matrix
