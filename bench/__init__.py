"""``make bench``: customer search and listing measured at scale (see README, Performance)."""
