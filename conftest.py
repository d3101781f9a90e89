"""The test suite's shape, for every pytest run in this repository (tests/ and notebooks/).

Before anything is imported: the course's smoke setting (fewer tracks and epochs), inherited by
the Jupyter kernels nbval starts, no TensorFlow start-up chatter, and one OpenBLAS thread per
process.

Every test gets one of four markers, so a part of the suite can be run on its own
(``python -m pytest -m unit``):

- ``notebooks``: a notebook cell, run by nbval (when nbval is installed, the notebooks are
  collected with ``--nbval-lax --nbval-current-env``; without it, they are not collected);
- ``browser``: drives Chromium (marked in its module);
- ``slow``: takes seconds: trains networks, builds a sample, a site or decks, runs the
  solutions' code, or starts a new process (marked where written);
- ``unit``: everything else, which needs neither nbval nor a browser.
"""

import os

os.environ["COURSE_SMOKE"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
# One OpenBLAS thread per process (inherited by the workers, kernels and commands the tests
# start): the suite already runs a process per core and more beside them (kernels, Chromium),
# and OpenBLAS's extra threads spin waiting for cores those hold. The notebooks alone took
# 180 s of CPU with them and 156 s without (two workers, two cores).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

#: The markers a test can carry; ``unit`` is given to every test that has none of the others.
SUITE_MARKERS = ("notebooks", "browser", "slow")


def pytest_configure(config):
    if config.pluginmanager.hasplugin("nbval") and not config.option.nbval:
        config.option.nbval_lax = True  # compare only cells marked NBVAL_CHECK_OUTPUT
        config.option.nbval_current_env = True  # the kernels run in this Python
    if hasattr(config.option, "loadscopereorder"):
        # pytest-xdist's --dist loadscope would hand out the files with the most tests first;
        # the files are handed out in the order longest_first() gives them instead.
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
        if not any(item.get_closest_marker(name) for name in SUITE_MARKERS):
            item.add_marker(pytest.mark.unit)
    items[:] = longest_first(items)


def longest_first(items):
    """The items with the longest files first: the browser tests, then the notebooks, then files
    with slow tests, then the rest. Among the files with slow tests, those with more slow tests
    come first, and among the rest, those with more tests; otherwise files keep their collected
    order.

    With ``-n 2 --dist loadscope`` each worker takes the next whole file when it is free, so
    ending on the files with least to do keeps one worker from running alone at the end.
    """
    unit = len(SUITE_MARKERS) + 1
    rank, size = {}, {}
    for item in items:
        weight = next(
            (
                i
                for i, name in enumerate(("browser", *SUITE_MARKERS))
                if item.get_closest_marker(name)
            ),
            unit,
        )
        rank[item.path] = min(rank.get(item.path, weight), weight)
        # the file's slow tests and its tests of any kind
        slow, every = size.get(item.path, (0, 0))
        size[item.path] = (slow + bool(item.get_closest_marker("slow")), every + 1)

    def key(item):
        group = rank[item.path]
        slow, every = size[item.path]
        return group, -slow if group == unit - 1 else -every if group == unit else 0

    return sorted(items, key=key)
