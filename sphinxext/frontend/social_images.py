"""A Sphinx extension that gives each example page its gallery thumbnail as its shared image.

sphinxext-opengraph writes a page's ``og:image`` from its ``og:image`` metadata field (or
one image for the whole site). sphinx-gallery's example pages cannot carry a field list,
and the picture that stands for an example is its gallery thumbnail, which is not on the
page itself. So, before sphinxext-opengraph reads a page's metadata, each example page
whose thumbnail the site serves gets that thumbnail as ``og:image`` (its file in
``_images/``, which sphinxext-opengraph makes absolute with the site's address) and an
``og:image:alt`` that names the example. Pages that set ``og:image`` themselves keep it
(the home page's picture: home_picture.py).
"""

import posixpath

from sphinxext import PRIORITY

THUMBNAIL = "images/thumb/sphx_glr_{name}_thumb."


def thumbnail_file(env, docname):
    """The served file name of ``docname``'s gallery thumbnail, or None."""
    folder, name = posixpath.split(docname)
    prefix = posixpath.join(folder, THUMBNAIL.format(name=name))
    for path, (_docnames, unique_name) in env.images.items():
        if path.startswith(prefix):
            return unique_name
    return None


def set_image(app, pagename, templatename, context, doctree):
    meta = context.get("meta") or {}
    if doctree is None or "og:image" in meta:
        return
    served = thumbnail_file(app.env, pagename)
    if served is None:
        return
    image = posixpath.join(app.builder.imagedir, served)
    title = context.get("title", "")
    # A new dict: the one in the context is the environment's own.
    context["meta"] = {**meta, "og:image": image, "og:image:alt": f"Preview of “{title}”"}


def setup(app):
    # Before sphinxext-opengraph's handler (default priority 500), which reads the field.
    app.connect("html-page-context", set_image, priority=PRIORITY["frontend.social_images"])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
