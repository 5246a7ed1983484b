"""`gallery shards`: the stacks of a catalog, for people, GitHub Actions and Pulumi Deployments."""

from __future__ import annotations

import json

import yaml

from gallery.cli import main
from tests.fixtures.paths import CATALOGS, ROOT

EXAMPLE = str(CATALOGS / "shards" / "example.yaml")


def test_text_lists_each_stack_with_its_part_size_and_the_stack_it_reads(capsys):
    assert main(["shards", EXAMPLE, "--stack", "prod"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "stack         holds              definitions  versions  resources  reads",
        "prod          main (foundation)            1         1         10",
        "prod-linux    shard linux                  2         3          6  prod",
        "prod-windows  shard windows                2         2          5  prod",
    ]


def test_the_resources_of_the_stacks_add_up_to_the_single_stack(capsys):
    assert main(["shards", EXAMPLE, "--format", "json"]) == 0
    stacks = json.loads(capsys.readouterr().out)
    # 19 resources in one stack; each shard's stack has a component of its own.
    assert sum(s["resources"] for s in stacks) == 19 + 2
    assert stacks[1]["config"] == {"image-gallery:shard": "linux", "image-gallery:foundation": "dev"}


def test_the_github_matrix_is_one_line_main_stack_first_then_the_shards(capsys):
    assert main(["shards", EXAMPLE, "--format", "github-matrix", "--org", "contoso", "--max-parallel", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one line, for $GITHUB_OUTPUT
    matrix = json.loads(out)
    assert matrix["foundation"] == {
        "include": [
            {"stack": "dev", "stack-name": "contoso/dev", "shard": "main", "foundation": "", "config-map": "{}"}
        ]
    }
    assert [e["stack-name"] for e in matrix["shards"]["include"]] == ["contoso/dev-linux", "contoso/dev-windows"]
    assert (matrix["has-shards"], matrix["max-parallel"]) == (True, 2)
    # pulumi/actions reads config-map as YAML: each key with its value, not secret.
    assert yaml.safe_load(matrix["shards"]["include"][0]["config-map"]) == {
        "image-gallery:shard": {"value": "linux", "secret": False},
        "image-gallery:foundation": {"value": "contoso/image-gallery/dev", "secret": False},
    }


def test_a_catalog_without_shards_has_one_job_and_no_shards(capsys):
    assert main(["shards", str(ROOT / "images.yaml"), "--format", "github-matrix"]) == 0
    matrix = json.loads(capsys.readouterr().out)
    assert [e["stack"] for e in matrix["foundation"]["include"]] == ["dev"]
    assert matrix["shards"] == {"include": []} and matrix["has-shards"] is False


def test_deployments_settings_and_the_webhook_that_deploys_each_shard_after_the_main_stack(capsys):
    assert (
        main(
            [
                "shards",
                EXAMPLE,
                "--format",
                "deployments",
                "--org",
                "contoso",
                "--repo-url",
                "https://github.com/contoso/images.git",
                "--github",
                "contoso/images",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    main_stack, linux, _ = doc["stacks"]
    assert main_stack["url"] == "/api/stacks/contoso/image-gallery/dev/deployments/settings"
    assert main_stack["settings"]["gitHub"]["deployCommits"] is True
    assert linux["settings"]["gitHub"]["deployCommits"] is False  # it follows the main stack instead
    assert linux["settings"]["operationContext"]["preRunCommands"] == [
        "pulumi config set --stack contoso/image-gallery/dev-linux image-gallery:shard linux",
        "pulumi config set --stack contoso/image-gallery/dev-linux image-gallery:foundation contoso/image-gallery/dev",
    ]
    assert linux["settings"]["sourceContext"]["git"] == {
        "repoURL": "https://github.com/contoso/images.git",
        "branch": "refs/heads/main",
        "repoDir": ".",
    }
    hooks = [(h["url"], h["hook"]["payloadUrl"], h["hook"]["format"], h["hook"]["filters"]) for h in doc["webhooks"]]
    assert hooks == [
        (
            "/api/stacks/contoso/image-gallery/dev/hooks",
            "image-gallery/dev-linux",
            "pulumi_deployments",
            ["update_succeeded"],
        ),
        (
            "/api/stacks/contoso/image-gallery/dev/hooks",
            "image-gallery/dev-windows",
            "pulumi_deployments",
            ["update_succeeded"],
        ),
    ]


def test_deployments_without_an_organization_is_a_user_error(capsys):
    assert main(["shards", EXAMPLE, "--format", "deployments"]) == 1
    assert capsys.readouterr().err == (
        "error: --format deployments needs --org (the Pulumi organization) and "
        "--repo-url (the repository Pulumi Deployments clones)\n"
    )
