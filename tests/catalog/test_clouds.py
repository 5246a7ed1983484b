"""The regions of each cloud the project targets (public, US Government, China), chosen by --cloud, ARM_ENVIRONMENT
or the stack's azure-native:environment, in validation and discovery."""

from __future__ import annotations

import pytest

from armlocal import SUBSCRIPTION
from gallery.azure.target import resolve_target
from gallery.catalog import regions
from gallery.catalog.loader import load_catalog, load_catalog_text
from gallery.cli import main
from gallery.discover.run import discover
from gallery.errors import CatalogError

CATALOG = """\
resourceGroup: rg-images-{stack}
location: LOCATION
storage:
  account: stimages{stack}001
gallery:
  name: gal_{stack}
replication: {regions: [LOCATION, OTHER]}
images:
  - name: app
    osType: Linux
    osState: Generalized
    hyperVGeneration: V2
    identifier: {publisher: P, offer: O, sku: S}
    versions:
      - {version: 1.0.0, source: {managedImage: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/app}}
"""


def text(location: str, other: str) -> str:
    return CATALOG.replace("LOCATION", location).replace("OTHER", other)


def messages(data: str, **kw) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog_text(data, "images.yaml", "dev", **kw)
    return [p.text() for p in info.value.problems]


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    monkeypatch.delenv("ARM_ENVIRONMENT", raising=False)


def test_each_cloud_has_its_own_regions():
    assert regions.is_region("usgovvirginia", "usgovernment") and not regions.is_region("usgovvirginia")
    assert regions.is_region("chinanorth3", "china") and not regions.is_region("westeurope", "china")
    assert set(regions.regions("usgovernment")) == {
        "usdodcentral",
        "usdodeast",
        "usgovarizona",
        "usgoviowa",
        "usgovtexas",
        "usgovvirginia",
    }
    assert set(regions.regions("china")) == {
        "chinaeast",
        "chinaeast2",
        "chinaeast3",
        "chinanorth",
        "chinanorth2",
        "chinanorth3",
    }
    assert regions.cloud_key("AzureUSGovernment") == "usgovernment" and regions.cloud_key("germany") is None


@pytest.mark.parametrize(
    "cloud, location, other",
    [
        ("usgovernment", "usgovvirginia", "usgovtexas"),
        ("china", "chinanorth3", "chinaeast2"),
        ("public", "westeurope", "northeurope"),
    ],
)
def test_a_catalog_of_each_cloud_is_valid_in_that_cloud(cloud, location, other):
    assert load_catalog_text(text(location, other), "images.yaml", cloud=cloud).cloud == cloud


def test_a_region_of_another_cloud_is_named_as_such():
    found = messages(text("usgovvirginia", "usgovtexas"))
    assert found[0] == (
        "images.yaml:2:11: error: location: 'usgovvirginia' is not an Azure region: it is a region of the "
        "usgovernment cloud; the stack deploys to the public cloud (azure-native:environment, --cloud or "
        "ARM_ENVIRONMENT); set it to usgovernment if that is where this catalog goes"
    )
    assert found[2:] == [
        "images.yaml:7:40: error: replication.regions[1]: 'usgovtexas' is not an Azure region: it is a region of the "
        "usgovernment cloud; the stack deploys to the public cloud (azure-native:environment, --cloud or "
        "ARM_ENVIRONMENT); set it to usgovernment if that is where this catalog goes"
    ]
    assert messages(text("chinaeast2", "chinanorht"), cloud="china")[-1] == (
        "images.yaml:7:37: error: replication.regions[1]: 'chinanorht' is not a region of Azure's china cloud; did "
        "you mean 'chinanorth'?"
    )


def test_the_stack_config_or_the_environment_chooses_the_cloud(tmp_path, monkeypatch, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: image-gallery\nruntime: python\n")
    (tmp_path / "images.yaml").write_text(text("usgovvirginia", "usgovarizona"))
    (tmp_path / "Pulumi.gov.yaml").write_text("config:\n  azure-native:environment: usgovernment\n")
    assert load_catalog(tmp_path / "images.yaml", "gov").cloud == "usgovernment"
    assert main(["validate", str(tmp_path / "images.yaml"), "--stack", "gov"]) == 0
    assert main(["validate", str(tmp_path / "images.yaml"), "--stack", "dev"]) == 1
    assert main(["validate", str(tmp_path / "images.yaml"), "--stack", "dev", "--cloud", "usgovernment"]) == 0
    monkeypatch.setenv("ARM_ENVIRONMENT", "AzureUSGovernment")
    assert main(["validate", str(tmp_path / "images.yaml"), "--stack", "dev"]) == 0
    monkeypatch.setenv("ARM_ENVIRONMENT", "germany")
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "images.yaml"), "--stack", "dev"]) == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / 'images.yaml'}: error: unknown Azure cloud 'germany' (from --cloud, ARM_ENVIRONMENT or "
        "azure-native:environment); use one of: public, usgovernment, china\n"
    )


def test_discover_knows_the_regions_of_the_cloud_it_reads(arm):
    from armlocal.bodies import image_properties, version_properties

    arm.add_group("rg-gov", location="usgovvirginia")
    arm.add_gallery("rg-gov", "gal_gov", location="usgovvirginia")
    arm.add_image("rg-gov", "gal_gov", "app", image_properties("Linux", "P", "O", "S"), location="usgovvirginia")
    props = version_properties({"usgovvirginia": 1, "usgovtexas": 1})
    props["storageProfile"] = {
        "source": {
            "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            "rg/providers/Microsoft.Compute/images/app"
        }
    }
    arm.add_version("rg-gov", "gal_gov", "app", "1.0.0", props, location="usgovvirginia")
    public = discover(resolve_target(), SUBSCRIPTION, "rg-gov", "gal_gov", stack="dev")
    assert public.catalog is None and "it is a region of the usgovernment cloud" in public.problems[0].message
    gov = discover(resolve_target(), SUBSCRIPTION, "rg-gov", "gal_gov", stack="dev", cloud="usgovernment")
    assert gov.problems == [] and gov.catalog.cloud == "usgovernment"
    assert [t.name for t in gov.catalog.images[0].versions[0].target_regions] == ["usgovvirginia", "usgovtexas"]
