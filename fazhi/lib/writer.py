from typing import Protocol


class Writer(Protocol):
    """Anything with write(str): sys.stdout, a management command's OutputWrapper, StringIO."""

    def write(self, s: str, /) -> object: ...
