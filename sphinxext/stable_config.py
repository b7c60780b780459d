"""A Sphinx extension: a rebuild compares the configuration, not what the last build did to it.

Every ``make html`` said "The configuration has changed (5 options: html_permalinks_icon,
html_static_path, html_theme_options, sphinx_gallery_conf, templates_path)" although
nothing had. Sphinx compares the configuration of this build, as it stands once
``config-inited`` is over, with the one it pickled with the environment of the last build.
But it pickles that one after ``builder-inited`` and the gallery's generation, and by then
extensions have changed five values: pydata-sphinx-theme sets ``html_permalinks_icon``,
adds ``icon_links`` to ``html_theme_options`` and its templates to ``templates_path``;
sphinx-copybutton adds its folder to ``html_static_path``; sphinx-gallery records in
``sphinx_gallery_conf`` where the sources are, the builder, every example's title and
which examples ran. The comparison then always differs.

conf.py could give two of those values as the theme sets them, but not the other three:
sphinx-copybutton appends its folder on every build whatever conf.py says, and
sphinx-gallery's record of the build lives in its configuration dictionary. So this
extension takes the configuration as it stands at the end of ``config-inited`` (priority
999, after every extension has set its defaults), and Sphinx pickles that: just before
the environment is pickled (``env-updated``, last), each value changed since is set back
to its configured state, and right after (``env-check-consistency``, first; or
``write-started``, when nothing was read and nothing pickled) the running values are put
back, untouched, for the rest of the build. A value really changed in conf.py or with
``-D`` still differs, and Sphinx still says so and rebuilds what it must.
"""

import copy

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _differs(current, configured):
    try:
        return bool(current != configured)
    except Exception:  # values that cannot be compared: set back, which is harmless
        return True


class _Snapshots:
    def __init__(self):
        self.configured = {}  # name -> a copy of the value at the end of config-inited
        self.running = {}  # name -> the running value, while the configured one is set

    def take(self, app, config):
        for item in config:
            try:
                self.configured[item.name] = copy.deepcopy(item.value)
            except Exception:  # a value that cannot be copied is left as it is
                logger.debug(f"stable_config: cannot copy {item.name}")

    def set_configured(self, app, env):
        # Objects without equality (a callable instance in sphinx_gallery_conf) compare
        # as changed: set back to an equal copy, which pickles the same.
        for name, value in self.configured.items():
            current = getattr(app.config, name, None)
            if _differs(current, value):
                self.running[name] = current
                setattr(app.config, name, copy.deepcopy(value))

    def set_running(self, app, *args):
        for name, value in self.running.items():
            setattr(app.config, name, value)
        self.running.clear()


def setup(app):
    snapshots = _Snapshots()
    app.connect("config-inited", snapshots.take, priority=999)
    app.connect("env-updated", snapshots.set_configured, priority=999)
    app.connect("env-check-consistency", snapshots.set_running, priority=0)
    app.connect("write-started", snapshots.set_running, priority=0)
    app.connect("build-finished", snapshots.set_running, priority=0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
