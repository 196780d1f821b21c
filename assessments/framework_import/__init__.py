"""Importing a 考评办法 table as an office publishes it (xlsx or Word).

`tables` reads the file into a grid of cells, each knowing its source cell;
`phrases` turns 评分标准 text into rules; `structure` finds the header, the
levels (板块 → 二级指标 → 指标) and the points, and lists the findings. No
Django import in this package: the command, the views and the tests share it.
"""

from assessments.framework_import.model import (
    Finding,
    ParsedGroup,
    ParsedIndicator,
    ParsedRule,
    ParsedSection,
    ParsedTable,
    TableError,
)
from assessments.framework_import.structure import parse_file, parse_grid

__all__ = [
    "Finding",
    "ParsedGroup",
    "ParsedIndicator",
    "ParsedRule",
    "ParsedSection",
    "ParsedTable",
    "TableError",
    "parse_file",
    "parse_grid",
]
