"""Pure DataFrame → DataFrame analysis of the enriched event table."""
