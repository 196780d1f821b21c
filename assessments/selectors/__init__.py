"""Reads of 法治建设考评, one module per entity group, with their joins decided
in one place: `frameworks`, `campaigns`, `scores`, `results` (composite,
ranking, what-if), `appeals`, `publication`, `trends`. Nothing here writes."""
