"""Money out of the house: the PRISME payment file and the payments the nightly run marks paid."""
