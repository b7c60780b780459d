"""A Sphinx extension: run every example of the gallery in one pool of worker processes.

sphinx-gallery's ``parallel`` option runs the examples of one directory at a time in
parallel. Our gallery has two directories, the walkthrough alone in ``examples/`` and the
course in ``examples/series/``: the walkthrough then runs by itself while the other cores
wait, and the course starts only when it is done. The build time grows with the examples
of each directory, not with the examples divided by the cores.

So before sphinx-gallery generates the gallery (``builder-inited``), this extension hands
every example of every directory to one pool, as soon as a worker is free, with
sphinx-gallery's own ``generate_file_rst``: the same function its parallel mode runs in
each worker, with the same arguments. When the directories are then generated one by one,
each example's result is already there, and sphinx-gallery only writes the index pages.

On Linux, the workers are forked from the build process, which costs
almost nothing, so even a single example to run (after editing one) runs in a worker: the
build process then never imports the examples' libraries, and its exit, which tears down
every module it imported, is faster (a rebuild after editing the walkthrough took 4.48 s
against 4.75 s run in the build process, medians of four). Elsewhere the pool is loky's,
whose fresh workers take about a second to start, so one example is left to sphinx-gallery,
which runs it in the build process. With ``-j 1`` everything runs there.

conf.py leaves sphinx-gallery's own ``parallel`` option off (turning it on would also
import joblib in every build, a tenth of a no-op rebuild) and this pool takes its size
from ``sphinx-build -j``. Examples that opt out with ``sphinx_gallery_parallel = False``
are left to sphinx-gallery, which runs them in the build process.

Is the pool still worth its code, now that sphinx-gallery's ``parallel`` option is the
public way? Measured again for issue 10: clean builds of the eight examples, the set-ups
interleaved round by round on the shared 2-core machine (others' jobs kept its load between
5 and 11, so only ratios mean anything). sphinx-gallery's own ``parallel`` option took 1.10 times
the pool's time (median of 11 pairs; the pool was faster in 10 of them), running the
examples serially 1.44 times (median of 5). The issue had measured 1.37 and 1.68 on a quiet
machine. So the pool stays, and sphinx-gallery's option is the fallback below.

It walks the gallery and tells stale examples from current ones with sphinx-gallery's own
helpers, most of them private (``_collect_gallery_files``, ``_get_gallery_header``,
``_split_parallel``), and relies on ``generate_dir_rst`` looking ``generate_file_rst`` up
in its module. sphinxext/upstream_internals.py checks all of them before the pool starts;
if one changed, this extension steps aside with one line and sphinx-gallery runs the
examples with its own ``parallel`` option set to the ``-j`` value, one directory at a time.
"""

import gc
import os
import sys
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging
from upstream_internals import step_aside_if_changed

logger = logging.getLogger(__name__)


def gallery_directories(srcdir, gallery_conf):
    """(source, target) of every directory sphinx-gallery generates, in its order."""
    from sphinx_gallery.gen_gallery import get_subsections
    from sphinx_gallery.gen_rst import _get_gallery_header

    for examples_dir, gallery_dir in zip(
        gallery_conf["examples_dirs"], gallery_conf["gallery_dirs"]
    ):
        source, target = Path(srcdir) / examples_dir, Path(srcdir) / gallery_dir
        yield source, target
        with_header = _get_gallery_header(source, gallery_conf, raise_error=False)
        for sub in get_subsections(
            srcdir, source, gallery_conf, check_for_header=with_header is not None
        ):
            yield source / sub, target / sub


def examples_to_run(srcdir, gallery_conf):
    """(file name, source dir, target dir) of each example sphinx-gallery will execute.

    The same tests as sphinx-gallery's: the file matches ``filename_pattern``, and the
    checksum it recorded at the last run is missing or differs from the source's.
    """
    from sphinx_gallery.gen_rst import (
        _collect_gallery_files,
        _split_parallel,
        executable_script,
        get_md5sum,
    )

    to_run = []
    for source, target in gallery_directories(srcdir, gallery_conf):
        stale = []
        for name in sorted(_collect_gallery_files([source], gallery_conf)):
            src_file = os.path.normpath(source / name)
            recorded = Path(f"{target / name}.md5")
            current = (
                recorded.is_file()
                and recorded.read_text() == get_md5sum(src_file, mode="t")
                and not gallery_conf["run_stale_examples"]
            )
            if not current and executable_script(src_file, gallery_conf):
                stale.append(name)
        # An example may opt out with `sphinx_gallery_parallel = False`; it then runs
        # alone, in sphinx-gallery's own loop. (Parsed only when stale: a no-op rebuild
        # reads no source.)
        _, parallel_names = _split_parallel(stale, source, gallery_conf)
        to_run += [(name, source, target) for name in parallel_names]
    return to_run


def longest_first(jobs):
    """The jobs, the largest source file first: a guess at the longest-running first.

    A pool that takes the longest examples first ends sooner: the short ones fill the gaps
    at the end instead of one long example running alone while the other cores wait. A
    clean build has no record of past run times, so the size of the source stands in for
    them: in this gallery the longest pages take the longest to run. On the nine examples'
    run times (5.4 s down to 1.2 s), two workers taking the next job when free would end
    after 15.0 s in file order, 14.1 s in this order and 14.2 s in the order of the true
    times (worked out from the recorded times, not measured).
    """
    return sorted(jobs, key=lambda job: -os.path.getsize(job[1] / job[0]))


class _Prefetched:
    """``generate_file_rst``, answering from the pool's results where it has them."""

    def __init__(self, generate_file_rst, results):
        self.generate_file_rst = generate_file_rst
        self.results = results

    def __call__(self, fname, target_dir, src_dir, gallery_conf, *args, **kwargs):
        key = _key(fname, src_dir, target_dir)
        if key in self.results and not args and not kwargs:
            return self.results.pop(key)
        return self.generate_file_rst(fname, target_dir, src_dir, gallery_conf, *args, **kwargs)


def _key(fname, src_dir, target_dir):
    return os.path.normpath(Path(src_dir, fname)), os.path.normpath(target_dir)


# The configuration the forked workers read: inherited through fork, not pickled.
_WORKER_CONF = None


def _run_forked(job, threads):
    from sphinx_gallery import gen_rst
    from threadpoolctl import threadpool_limits

    name, source, target = job
    # Each worker gets its share of the cores for BLAS and OpenMP, as loky gives its
    # workers: two k-means runs with two threads each on two cores took twice as long.
    with threadpool_limits(threads):
        return gen_rst.generate_file_rst(name, target, source, _WORKER_CONF)


def _died_message(lost):
    names = ", ".join(os.path.normpath(source / name) for name, source, _ in lost)
    return (
        "A worker process running the examples died (killed by a signal, or by the "
        f"system for lack of memory). These examples did not finish: {names}. Run each "
        "with `python <file>` to find the one that kills its process."
    )


def _stop(pool):
    """Stop a ProcessPoolExecutor's workers at once, dropping the jobs not yet started."""
    if hasattr(pool, "terminate_workers"):  # Python 3.14 and later
        pool.terminate_workers()
        return
    # A private attribute before Python 3.14 (tests/test_sphinx_gallery_internals.py
    # guards it); without it the running examples would finish before the build stops.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _can_fork():
    """Linux only: on macOS, fork is offered but system libraries may crash the child.

    ``QI_GALLERY_POOL=loky`` takes the other systems' path here too (the tests use it).
    """
    import multiprocessing

    if os.environ.get("QI_GALLERY_POOL") == "loky":
        return False
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _run_pool(jobs, worker_conf, n_jobs):
    """``generate_file_rst`` for each job, ``n_jobs`` at a time, results in job order.

    Forked workers start with Sphinx, sphinx-gallery, NumPy and Matplotlib imported;
    fresh loky workers, as in sphinx-gallery's pool, took 1.3 s to import what the
    examples need. (Sphinx forks its own parallel workers the same way.)
    ``ProcessPoolExecutor`` reports a worker that dies (a crash, or the out-of-memory
    killer) as an error instead of waiting for it forever.
    """
    import multiprocessing

    if _can_fork():
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        global _WORKER_CONF
        _WORKER_CONF = worker_conf
        # Keep the workers' garbage collector off the objects they inherit (Sphinx's,
        # mostly), which every full collection would walk again: a clean build took
        # 10.5 s with this and 10.9 s without (medians of three, side by side).
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            threads = max(1, (os.cpu_count() or 1) // n_jobs)
            pool = ProcessPoolExecutor(n_jobs, mp_context=context)
            futures = [pool.submit(_run_forked, job, threads) for job in jobs]
            try:
                results = [future.result() for future in futures]
            except BrokenProcessPool:
                lost = [job for job, f in zip(jobs, futures) if f.exception() is not None]
                _stop(pool)
                raise ExtensionError(_died_message(lost)) from None
            except BaseException:
                # An error, or Ctrl+C: stop now rather than run the other examples to
                # the end (a worker may even have swallowed its own interrupt).
                _stop(pool)
                raise
            pool.shutdown()
            return results
        finally:
            gc.unfreeze()
            _WORKER_CONF = None

    from joblib import Parallel, delayed
    from sphinx_gallery import gen_rst

    pool = Parallel(n_jobs=n_jobs, pre_dispatch="n_jobs", batch_size=1, backend="loky")
    return pool(
        delayed(gen_rst.generate_file_rst)(name, target, source, worker_conf)
        for name, source, target in jobs
    )


def run_gallery_in_one_pool(app):
    gallery_conf = app.config.sphinx_gallery_conf
    # As many workers as `sphinx-build -j` says, or as sphinx-gallery's own `parallel`
    # option if it is set (it is then resolved to a number by now).
    n_jobs = gallery_conf.get("parallel") or app.parallel
    if n_jobs < 2 or not gallery_conf.get("plot_gallery"):
        return
    if step_aside_if_changed(
        "gallery_pool",
        f"sphinx-gallery runs the examples with its own parallel option ({n_jobs} jobs), "
        "one gallery directory at a time",
    ):
        gallery_conf["parallel"] = n_jobs
        return
    jobs = longest_first(examples_to_run(app.srcdir, gallery_conf))
    # From here on sphinx-gallery works serially: either nothing is worth a pool, or the
    # pool below has already run the examples.
    gallery_conf["parallel"] = False
    if len(jobs) < (1 if _can_fork() else 2):
        return

    from sphinx_gallery import gen_rst

    for _, _, target in jobs:
        # As sphinx-gallery does before its own pool: make the directories first, so
        # that workers do not race to create them.
        (target / "images" / "thumb").mkdir(parents=True, exist_ok=True)
    # The workers get the configuration as in sphinx-gallery's own parallel mode, with
    # "parallel" still set: that is the mode the examples run in.
    worker_conf = {**gallery_conf, "parallel": n_jobs}
    n_jobs = min(n_jobs, len(jobs))
    examples = "1 example" if len(jobs) == 1 else f"{len(jobs)} examples"
    workers = "1 worker process" if n_jobs == 1 else f"{n_jobs} worker processes"
    logger.info(f"running {examples} in {workers}")
    results = _run_pool(jobs, worker_conf, n_jobs)
    prefetched = {
        _key(name, source, target): result for (name, source, target), result in zip(jobs, results)
    }
    gen_rst.generate_file_rst = _Prefetched(gen_rst.generate_file_rst, prefetched)


def restore_generate_file_rst(app):
    """Undo the patch once sphinx-gallery has generated the gallery."""
    from sphinx_gallery import gen_rst

    if isinstance(gen_rst.generate_file_rst, _Prefetched):
        left = gen_rst.generate_file_rst.results
        gen_rst.generate_file_rst = gen_rst.generate_file_rst.generate_file_rst
        if left:
            # sphinx-gallery did not ask for an example the pool ran: its way of walking
            # the gallery differs from gallery_directories().
            logger.warning(f"gallery_pool ran examples sphinx-gallery then skipped: {left}")


def setup(app):
    # After sphinx-gallery fills in its configuration (config-inited) and before it
    # generates the gallery (builder-inited, priority 500).
    app.connect("builder-inited", run_gallery_in_one_pool, priority=400)
    app.connect("builder-inited", restore_generate_file_rst, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
