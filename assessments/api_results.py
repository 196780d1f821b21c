def register(router) -> None:  # noqa: ANN001
    """Results, appeals and publication endpoints (added with those features)."""
