"""A Sphinx extension: skip sphinx-gallery's generation step when none of its inputs changed.

On every build, even when nothing changed, sphinx-gallery parses every example again, writes
its backreferences and refits its "related examples" recommender: about 0.2 s here, a
sixth of a no-op rebuild, and it grows with the number of examples. Its output is then the
same as before.

So we keep a fingerprint of everything that output depends on: every file in the examples
folders (names and contents), conf.py and the build's own extensions (sphinxext/), the
versions of Sphinx and sphinx-gallery, whether the examples run (``plot_gallery``), and the
list of the generated files with their sizes and times (so that a deleted or edited file
counts as a change). It is saved at the end of a build without error, warning or failing
example. When the next build finds the same fingerprint, sphinx-gallery's generation step
is skipped; the files it generated are still there and Sphinx reads them as they are.
Everything else runs as usual, and any difference means a full generation.

Two names it reads are Sphinx's internals: ``app.events.listeners``, to find and disconnect
sphinx-gallery's generation step, and ``app._warncount``, to know that a build printed no
warning. sphinxext/upstream_internals.py checks both at ``config-inited``; if either
changed, this extension steps aside with one line: the gallery is generated on every
build, and no fingerprint is kept.
"""

import hashlib
from pathlib import Path

from sphinx.util import logging
from upstream_internals import step_aside_if_changed

logger = logging.getLogger(__name__)

STAMP = "gallery-inputs.sha256"


def _files(folder):
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


def fingerprint(app):
    import sphinx
    import sphinx_gallery

    conf = app.config.sphinx_gallery_conf
    root = Path(app.confdir)
    digest = hashlib.sha256()

    def add(*parts):
        for part in parts:
            digest.update(str(part).encode() + b"\0")

    # `-D plot_gallery=0` (make html-noplot) sets the Sphinx value, which sphinx-gallery
    # copies into its configuration only later.
    add(sphinx.__version__, sphinx_gallery.__version__, app.config.plot_gallery)
    for source in [root / "conf.py", *sorted((root / "sphinxext").glob("*.py"))]:
        add(source.name, hashlib.sha256(source.read_bytes()).hexdigest())
    for examples_dir in conf["examples_dirs"]:
        folder = Path(app.srcdir, examples_dir)
        for path in _files(folder):
            add(path.relative_to(folder), hashlib.sha256(path.read_bytes()).hexdigest())
    for gallery_dir in conf["gallery_dirs"]:
        folder = Path(app.srcdir, gallery_dir)
        for path in _files(folder):
            stat = path.stat()
            add(path.relative_to(folder), stat.st_size, stat.st_mtime_ns)
    return digest.hexdigest()


def _stamp(app):
    return Path(app.doctreedir) / STAMP


def skip_if_unchanged(app, config):
    from sphinx_gallery.gen_gallery import generate_gallery_rst

    stamp = _stamp(app)
    if step_aside_if_changed("gallery_unchanged", "the gallery is generated on every build"):
        # Nor is a fingerprint saved: the next build, maybe after a downgrade, must not
        # trust one from a build that could not check its inputs the same way.
        stamp.unlink(missing_ok=True)
        return
    app.connect("build-finished", save_fingerprint)
    if not stamp.is_file() or stamp.read_text() != fingerprint(app):
        return
    # Disconnected now, before builder-inited is emitted (Sphinx calls the listeners of an
    # event from a copy of their list). app.events.listeners is not public API:
    # sphinxext/upstream_internals.py checks it above.
    skipped = False
    for listener in list(app.events.listeners.get("builder-inited", [])):
        if listener.handler is generate_gallery_rst:
            app.disconnect(listener.id)
            skipped = True
    if skipped:
        logger.info("gallery unchanged since the last build: not generated again")


def save_fingerprint(app, exception):
    """Save the fingerprint after a clean build; after anything else, forget it.

    A build that raised, had a failing example or printed a warning must generate the
    gallery again next time, so that the problem shows again instead of being skipped.
    """
    stamp = _stamp(app)
    failing = app.config.sphinx_gallery_conf.get("failing_examples")
    # app._warncount counts the warnings Sphinx printed (private: checked at config-inited).
    if exception is None and not failing and getattr(app, "_warncount", 1) == 0:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint(app))
    else:
        stamp.unlink(missing_ok=True)


def setup(app):
    # After sphinx-gallery fills in its configuration (config-inited, priority 10), and
    # before it generates the gallery (builder-inited).
    # save_fingerprint is connected there too, unless the extension steps aside.
    app.connect("config-inited", skip_if_unchanged, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
