"""The component provider's entry point: `pulumi package add` (and the engine) run it from this directory."""

import sys
from pathlib import Path

# The plugin runs from provider/ in a clone of this repository: gallery/ is one level up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pulumi.provider import main

from gallery.provider.provider import GalleryProvider

if __name__ == "__main__":
    main(GalleryProvider(), sys.argv[1:])
