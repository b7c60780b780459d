"""A Sphinx extension for two details of the pages sphinx-gallery generates.

* Thumbnails (gallery index, mini-galleries, related examples) come with an empty ``alt``.
  Each is followed by a link to its example: we describe the picture with that title, so
  every image on the site says what it shows.
* The running-times page is titled "Computation times", as are the ones sphinx-gallery
  writes in every gallery folder (conf.py leaves those out of the build). We give it a
  title that says it times all the examples.
"""

import re

from docutils import nodes

TIMES_PAGE = "sg_execution_times"


def describe_thumbnails(app, doctree, docname):
    for image in doctree.findall(nodes.image):
        if image.get("alt") or "_thumb" not in image.get("uri", ""):
            continue
        siblings = image.parent.children[image.parent.index(image) + 1 :]
        for sibling in siblings:
            link = next(iter(sibling.findall(nodes.reference)), None)
            if link is not None:
                image["alt"] = f"Preview of the example “{link.astext()}”"
                break


def title_running_times(app, docname, source):
    if docname != TIMES_PAGE:
        return
    title = "Running times of all examples"
    source[0] = re.sub(
        r"^Computation times\n=+$", f"{title}\n{'=' * len(title)}", source[0], count=1, flags=re.M
    )


def setup(app):
    app.connect("doctree-resolved", describe_thumbnails)
    app.connect("source-read", title_running_times)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
