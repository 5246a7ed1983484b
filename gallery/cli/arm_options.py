"""The options every command that calls Azure Resource Manager takes: which cloud, or which local endpoint."""
from __future__ import annotations

import argparse

from gallery.azure.target import CLOUD_ENV, CLOUDS, ENDPOINT_ENV, ArmTarget, resolve_target


def add_arm_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Azure")
    group.add_argument("--cloud", choices=sorted(CLOUDS), default=None,
                       help=f"the Azure cloud, as azure-native:environment names it (default: ${CLOUD_ENV}, "
                            "else public)")
    group.add_argument("--arm-endpoint", metavar="URL", default=None,
                       help=f"a local ARM-compatible endpoint instead of Azure (loopback only; default: "
                            f"${ENDPOINT_ENV})")


def arm_target(args: argparse.Namespace) -> ArmTarget:
    """Raises ArmError for an unknown cloud or a non-loopback endpoint."""
    return resolve_target(args.cloud, args.arm_endpoint)
