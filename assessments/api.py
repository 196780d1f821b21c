from assessments import api_results


def register(router) -> None:  # noqa: ANN001
    api_results.register(router)
