"""The worker's log: each line once."""

import logging


def test_the_worker_prints_each_log_line_once() -> None:
    huey_logger = logging.getLogger("huey")
    # Huey's run_huey adds a handler of its own only to a "huey" logger that has none.
    assert huey_logger.handlers
    # Passed on to the root logger's handler as well, every line would be printed twice.
    assert not huey_logger.propagate
    assert huey_logger.getEffectiveLevel() == logging.INFO
