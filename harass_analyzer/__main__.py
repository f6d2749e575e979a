"""`python -m harass_analyzer` runs the CLI."""
from .cli import main

main()
