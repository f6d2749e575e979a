"""`python -m harass_analyzer` runs the CLI (guarded: worker processes re-import this module)."""
from .cli import main

if __name__ == "__main__":
    main()
