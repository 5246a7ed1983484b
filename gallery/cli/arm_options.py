"""The options every command that calls Azure Resource Manager takes: which cloud, or which local endpoint."""

from __future__ import annotations

import argparse
import functools
import os
from pathlib import Path
from typing import Optional

from gallery.azure.errors import ArmError
from gallery.azure.target import CLOUD_ENV, CLOUDS, ENDPOINT_ENV, ArmTarget, resolve_target
from gallery.catalog.roles import GUID

SUBSCRIPTION_ENVS = ("AZURE_SUBSCRIPTION_ID", "ARM_SUBSCRIPTION_ID")


def add_arm_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Azure")
    group.add_argument(
        "--cloud",
        choices=sorted(CLOUDS),
        default=None,
        help=f"the Azure cloud, as azure-native:environment names it (default: ${CLOUD_ENV}, else public)",
    )
    group.add_argument(
        "--subscription",
        metavar="ID",
        default=None,
        help="the subscription of the gallery (default: $AZURE_SUBSCRIPTION_ID, $ARM_SUBSCRIPTION_ID, "
        "or the stack's azure-native:subscriptionId)",
    )
    group.add_argument(
        "--arm-endpoint",
        metavar="URL",
        default=None,
        help=f"a local ARM-compatible endpoint instead of Azure (loopback only; default: ${ENDPOINT_ENV})",
    )


def _stack_config(args: argparse.Namespace) -> dict[str, str]:
    return _read_stack_config(args.stack, args.catalog)


@functools.lru_cache(maxsize=4)
def _read_stack_config(stack: str, catalog: str) -> dict[str, str]:
    """Read once per command, though both the cloud and the subscription may come from it."""
    from gallery.catalog.stackconfig import project_dir, stack_config

    return stack_config(stack, project_dir(Path(catalog)))


def arm_target(args: argparse.Namespace) -> ArmTarget:
    """--cloud/--arm-endpoint, the environment, then the stack's azure-native:environment.
    Raises ArmError for an unknown cloud or a non-loopback endpoint."""
    cloud = args.cloud
    if cloud is None and not args.arm_endpoint and not os.environ.get(ENDPOINT_ENV) and not os.environ.get(CLOUD_ENV):
        cloud = _stack_config(args).get("azure-native:environment")
    return resolve_target(cloud, args.arm_endpoint)


def subscription(args: argparse.Namespace) -> str:
    """--subscription, the environment, then the stack's azure-native:subscriptionId. Raises ArmError."""
    found: Optional[str] = args.subscription or next(
        (os.environ[name] for name in SUBSCRIPTION_ENVS if os.environ.get(name)), None
    )
    found = found or _stack_config(args).get("azure-native:subscriptionId")
    if not found:
        raise ArmError(
            "no subscription is known for the gallery",
            "pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or `pulumi config set "
            f"azure-native:subscriptionId ID --stack {args.stack}`",
        )
    if not GUID.match(found):
        origin = (
            "--subscription"
            if args.subscription
            else next(
                (name for name in SUBSCRIPTION_ENVS if os.environ.get(name)),
                f"azure-native:subscriptionId of stack {args.stack}",
            )
        )
        raise ArmError(
            f"{origin} {found!r} is not a subscription id",
            "a subscription id is a GUID, like 00000000-0000-0000-0000-000000000000",
        )
    return found
