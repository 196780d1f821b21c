def register() -> None:
    """Navigation items and to-dos of results, appeals and publication."""
