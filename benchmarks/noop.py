"""The job that does nothing: the baseline of what a job costs in an RQ worker."""


def noop(*_args: object) -> None:
    return None
