"""Writes of 法治建设考评 (workflow part), one module per entity group.
Import from the submodules: `from assessments.services import frameworks`."""
