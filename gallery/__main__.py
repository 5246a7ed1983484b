import sys

from gallery.cli import main

sys.exit(main())
