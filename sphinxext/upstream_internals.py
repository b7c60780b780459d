"""The private names of Sphinx and sphinx-gallery that the site's extensions rely on.

Three extensions keep the build quick by reaching into sphinx-gallery and Sphinx where no
public option does the job (``gallery_pool``, ``gallery_unchanged``, ``code_links``);
``gallery_prune`` and ``figure_images`` use undocumented tables of Sphinx's environment.
Nothing tells a maintainer when an upgrade renames or reshapes such a name: the build would
crash, or, worse, quietly do something else.

So every such name is listed here once, with a check of what we rely on: that it exists,
takes the arguments we pass, and is used by its own package the way our code expects.

* At build time gallery_pool, gallery_unchanged, code_links and gallery_prune call
  :func:`step_aside_if_changed` with their own name before they rely on an internal. If
  one of theirs is missing or changed, it logs ONE informational line naming it (not a
  warning: the ``-W`` build must stay green) and the extension steps aside, leaving
  sphinx-gallery's public behaviour: its own ``parallel`` option instead of the pool,
  generation on every build, sphinx-gallery's code-link transform.
* ``tests/test_sphinx_gallery_internals.py`` runs every check without building anything
  and fails naming each changed internal, as matplotlib guards its own patch of
  sphinx-gallery; raising the ``sphinx-gallery`` or ``sphinx`` pin starts there.
"""

import importlib
import inspect
import os
from dataclasses import dataclass
from types import SimpleNamespace

from sphinx.util import logging

logger = logging.getLogger(__name__)


class Changed(Exception):
    """An internal is missing, or no longer what the extension relies on."""


@dataclass(frozen=True)
class Internal:
    name: str  # as the code reaches it
    users: tuple  # the extensions relying on it
    check: object  # a function of no argument; raises Changed

    def problem(self):
        """What changed, in a few words, or None when nothing did."""
        try:
            self.check()
        except Changed as error:
            return f"{self.name}: {error}"
        except Exception as error:  # an import error, an upgrade's new behaviour, ...
            return f"{self.name}: {type(error).__name__}: {error}"
        return None


def _attribute(dotted):
    """The object at ``package.module.attribute[.attribute]``, or Changed."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for index, part in enumerate(parts[split:], start=split):
            if not hasattr(obj, part):
                raise Changed(f"{'.'.join(parts[: index + 1])} is gone")
            obj = getattr(obj, part)
        return obj
    raise Changed(f"module {parts[0]} is gone")


def _function(dotted, *params):
    """A callable whose first parameters are named ``params``, in that order."""

    def check():
        obj = _attribute(dotted)
        if not callable(obj):
            raise Changed("no longer callable")
        names = list(inspect.signature(obj).parameters)
        if names[: len(params)] != list(params):
            raise Changed(
                f"its parameters are now ({', '.join(names)}), we pass ({', '.join(params)})"
            )

    return check


def _names_used(function):
    """Every global or attribute name ``function`` uses, its comprehensions' included."""
    names, codes = set(), [function.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes += [const for const in code.co_consts if inspect.iscode(const)]
    return names


# -- The checks that need more than a signature --------------------------------------------


def _generate_file_rst_looked_up_at_call_time():
    # gallery_pool replaces gen_rst.generate_file_rst while sphinx-gallery generates the
    # gallery: generate_dir_rst must look the name up in its module when it calls it.
    _function(
        "sphinx_gallery.gen_rst.generate_file_rst", "fname", "target_dir", "src_dir", "gallery_conf"
    )()
    generate_dir_rst = _attribute("sphinx_gallery.gen_rst.generate_dir_rst")
    if "generate_file_rst" not in _names_used(generate_dir_rst):
        raise Changed("generate_dir_rst no longer calls it through its module")


def _split_parallel_returns_two_lists():
    _function(
        "sphinx_gallery.gen_rst._split_parallel", "sorted_listdir", "src_dir", "gallery_conf"
    )()
    split = _attribute("sphinx_gallery.gen_rst._split_parallel")([], ".", {})
    if not (isinstance(split, tuple) and len(split) == 2):
        raise Changed("it no longer returns (serial, parallel)")


def _event_listeners():
    # gallery_unchanged disconnects sphinx-gallery's generation step: it finds it among
    # app.events.listeners by its handler and disconnects it by its id.
    from sphinx.events import EventManager

    events = EventManager(SimpleNamespace(pdb=False))

    def handler(app):
        return None

    listener_id = events.connect("builder-inited", handler, 500)
    listeners = getattr(events, "listeners", None)
    if not hasattr(listeners, "get"):
        raise Changed("EventManager has no listeners mapping")
    found = [
        listener
        for listener in listeners.get("builder-inited", [])
        if getattr(listener, "handler", None) is handler
    ]
    if not found or getattr(found[0], "id", None) != listener_id:
        raise Changed("listeners no longer hold each handler with its id")


def _generate_gallery_rst_connected():
    _function("sphinx_gallery.gen_gallery.generate_gallery_rst", "app")()
    setup = _attribute("sphinx_gallery.gen_gallery.setup")
    if "generate_gallery_rst" not in _names_used(setup):
        raise Changed("sphinx-gallery's setup no longer connects it")


def _warncount():
    # gallery_unchanged saves its fingerprint only after a build without warnings.
    from sphinx.application import Sphinx
    from sphinx.util import logging as sphinx_logging

    if "_warncount" not in _names_used(Sphinx.__init__):
        raise Changed("Sphinx no longer sets it")
    counting = getattr(sphinx_logging, "WarningSuppressor", None)
    if counting is None or "_warncount" not in _names_used(counting.filter):
        raise Changed("Sphinx's warning filter no longer counts into it")


def _code_links_transform():
    from sphinx.transforms.post_transforms import SphinxPostTransform

    transform = _attribute("sphinx_gallery._doctree_links.CodeLinksTransform")
    if not (isinstance(transform, type) and issubclass(transform, SphinxPostTransform)):
        raise Changed("no longer a Sphinx post-transform")
    setup = _attribute("sphinx_gallery._doctree_links.setup_doctree_links")
    if "CodeLinksTransform" not in _names_used(setup):
        raise Changed("sphinx-gallery no longer registers it")


def _resolver():
    _function(
        "sphinx_gallery._doctree_links._Resolver", "env", "builder", "docname", "gallery_conf"
    )()
    _function("sphinx_gallery._doctree_links._Resolver.resolve", "self", "cobjs")()


def _env_app():
    # code_links reaches the builder as sphinx-gallery's transform does: through the
    # environment's private _app on Sphinx 9, through the transform's app before (Sphinx 9
    # deprecates it; Sphinx 11 removes it).
    from sphinx.environment import BuildEnvironment
    from sphinx.transforms import SphinxTransform

    if "_app" in _names_used(BuildEnvironment.__init__) | _names_used(BuildEnvironment.setup):
        return
    if not hasattr(SphinxTransform, "app"):
        raise Changed("neither the environment nor the transform gives the application")


def _post_transforms():
    # code_links swaps sphinx-gallery's transform for its subclass in this list.
    from sphinx.registry import SphinxComponentRegistry

    registry = SphinxComponentRegistry()
    if not isinstance(getattr(registry, "post_transforms", None), list):
        raise Changed("the registry no longer keeps its post-transforms in a list")


def _env_table(table, kind):
    """The environment's record of files its documents use: {source: (documents, output)}.

    gallery_prune reads ``env.dlfiles`` to know which downloads a page still links to;
    figure_images adds its figure variants to ``env.images``.
    """

    def check():
        from sphinx.environment import BuildEnvironment

        if table not in _names_used(BuildEnvironment.__init__):
            raise Changed(f"the environment no longer has {table}")
        record = _attribute(f"sphinx.environment.{kind}")()
        record.add_file("doc", "file.png")
        docnames, output = next(iter(record.values()))
        if docnames != {"doc"} or not isinstance(output, (str, os.PathLike)):
            raise Changed("its entries are no longer (document names, output name)")

    return check


def _process_pool_processes():
    # gallery_pool stops its workers at once on Ctrl+C; Python 3.14 has a public way.
    from concurrent.futures import ProcessPoolExecutor

    if hasattr(ProcessPoolExecutor, "terminate_workers"):
        return
    if "_processes" not in _names_used(ProcessPoolExecutor.__init__):
        raise Changed("ProcessPoolExecutor no longer keeps its processes there")


INTERNALS = [
    Internal(
        "sphinx_gallery.gen_rst.generate_file_rst",
        ("gallery_pool",),
        _generate_file_rst_looked_up_at_call_time,
    ),
    Internal(
        "sphinx_gallery.gen_rst._split_parallel",
        ("gallery_pool",),
        _split_parallel_returns_two_lists,
    ),
    Internal(
        "sphinx_gallery.gen_rst._get_gallery_header",
        ("gallery_pool",),
        _function(
            "sphinx_gallery.gen_rst._get_gallery_header", "dir_", "gallery_conf", "raise_error"
        ),
    ),
    Internal(
        "sphinx_gallery.gen_rst._collect_gallery_files",
        ("gallery_pool",),
        _function("sphinx_gallery.gen_rst._collect_gallery_files", "examples_dirs", "gallery_conf"),
    ),
    Internal(
        "sphinx_gallery.gen_gallery.get_subsections",
        ("gallery_pool",),
        _function(
            "sphinx_gallery.gen_gallery.get_subsections",
            "srcdir",
            "examples_dir",
            "gallery_conf",
            "check_for_header",
        ),
    ),
    Internal(
        "sphinx_gallery.gen_rst.executable_script",
        ("gallery_pool",),
        _function("sphinx_gallery.gen_rst.executable_script", "src_file", "gallery_conf"),
    ),
    Internal(
        "sphinx_gallery.gen_rst.get_md5sum",
        ("gallery_pool",),
        _function("sphinx_gallery.gen_rst.get_md5sum", "src_file", "mode"),
    ),
    # Checked by the tests only: gallery_pool reads it with getattr, and without it Ctrl+C
    # lets the running examples finish. (Importing concurrent.futures.process to check
    # it would cost every build a tenth of a second.)
    Internal(
        "concurrent.futures.ProcessPoolExecutor._processes",
        ("gallery_pool, on Ctrl+C",),
        _process_pool_processes,
    ),
    Internal("app.events.listeners", ("gallery_unchanged",), _event_listeners),
    Internal(
        "sphinx_gallery.gen_gallery.generate_gallery_rst",
        ("gallery_unchanged",),
        _generate_gallery_rst_connected,
    ),
    Internal("app._warncount", ("gallery_unchanged",), _warncount),
    Internal(
        "sphinx_gallery._doctree_links.CodeLinksTransform",
        ("code_links",),
        _code_links_transform,
    ),
    Internal(
        "sphinx_gallery._doctree_links._load_code_obj",
        ("code_links",),
        _function("sphinx_gallery._doctree_links._load_code_obj", "env", "docname"),
    ),
    Internal("sphinx_gallery._doctree_links._Resolver", ("code_links",), _resolver),
    Internal("app.registry.post_transforms", ("code_links",), _post_transforms),
    Internal("env._app", ("code_links",), _env_app),
    Internal("env.dlfiles", ("gallery_prune",), _env_table("dlfiles", "DownloadFiles")),
    Internal("env.images", ("figure_images",), _env_table("images", "FilenameUniqDict")),
]


def problems(user):
    """What changed among the internals ``user`` relies on (empty when nothing did)."""
    found = (internal.problem() for internal in INTERNALS if user in internal.users)
    return [problem for problem in found if problem]


def step_aside_if_changed(user, fallback):
    """True, after one informational line, when an internal ``user`` needs changed.

    ``fallback`` says what the build does instead, e.g. "sphinx-gallery runs the
    examples with its own parallel option".
    """
    changed = problems(user)
    if not changed:
        return False
    logger.info(
        f"{user} steps aside ({'; '.join(changed)}): {fallback}. "
        "tests/test_sphinx_gallery_internals.py names what to update."
    )
    return True
