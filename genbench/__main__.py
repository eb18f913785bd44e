"""`python -m genbench` runs the command line, also from an uninstalled checkout."""

from genbench.cli import main

main()
