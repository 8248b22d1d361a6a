from gonghui.coverage.tests.conftest import census  # noqa: F401  (the coverage module's hand-countable census)
