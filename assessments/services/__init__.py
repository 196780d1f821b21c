"""Writes of 法治建设考评, one module per entity group, each write with its audit
entry in the same transaction.
Import from the submodules: `from assessments.services import frameworks`."""
