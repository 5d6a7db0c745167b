"""`python -m walkthrough`: same as the `walkthrough` console script."""

from walkthrough.cli import main

raise SystemExit(main())
