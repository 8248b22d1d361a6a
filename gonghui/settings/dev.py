"""`make run`: the embedded set-up on one machine."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)  # DEBUG=0 for benchmarks
