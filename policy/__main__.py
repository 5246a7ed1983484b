"""The policy pack's entry point: Pulumi runs it from this directory, next to the project it judges with."""

import sys
from pathlib import Path

# The pack runs from policy/ in a clone of this repository: gallery/ is one level up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pulumi_policy import EnforcementLevel, PolicyPack

from policy.policies import PACK, policies

# Mandatory: what the rules refuse, Azure refuses too (later, half-way through a deployment). A team that wants
# warnings first sets `{"all": "advisory"}` with --policy-pack-config.
PolicyPack(name=PACK, enforcement_level=EnforcementLevel.MANDATORY, policies=policies())
