"""`python -m authoring.cli …` runs the kehoach command line."""

from .commands import main

main()
