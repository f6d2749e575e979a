"""Charts, human-readable reports and the evidence bundle writer."""
