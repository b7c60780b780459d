"""The site's own Sphinx code, grouped by concern.

* ``sphinxext.gallery``: extensions around sphinx-gallery's generation step (what a
  renamed or deleted example leaves behind, the "API used" page).
* ``sphinxext.frontend``: extensions on the HTML pages readers get (figures, page heads,
  MathML, sharing tags, the home picture, live figures, labels).
* ``sphinxext.helpers``: not extensions: what ``conf.py`` calls (the dataset, the
  intersphinx source) or names as a string in ``sphinx_gallery_conf`` (the figure scraper,
  the memory measurement).

A new extension is one module in the group it belongs to and one line in ``conf.py``'s
``extensions``. ``conf.py`` puts the repository's root on ``sys.path``, so this package is
imported as ``sphinxext`` and none of its modules can shadow an installed one. Installed
extensions that live in the ``sphinxext`` namespace (``sphinxext.opengraph``) are still
found: the package's path is extended with theirs.
"""

import pkgutil

__path__ = pkgutil.extend_path(__path__, __name__)

# Event priorities of the local extensions: the one place that orders them. Sphinx calls a
# lower number first; its default, 500, is where sphinx-gallery, the theme and Sphinx's
# own listeners run. A module connects with ``priority=PRIORITY[<its name>]``.
PRIORITY = {
    # builder-inited: sphinx-gallery generates the gallery at 500 (and completes its
    # configuration at 10).
    "gallery.prune": 300,  # before: delete what examples that are gone left behind
    "gallery.api_page": 900,  # after: read the backreferences sphinx-gallery wrote
    # doctree-read: before Sphinx's image collector (500), so that it collects our nodes.
    "frontend.figure_images": 400,
    # html-page-context: after the theme's own handler (500).
    # Before sphinxext-opengraph's handler (500), which reads the page's image field.
    "frontend.home_picture": 400,
    "frontend.social_images": 400,
    "frontend.nav_toggle_labels": 600,
    "frontend.head_assets": 900,
}
