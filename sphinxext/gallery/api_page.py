"""A Sphinx extension that writes the page "API used in this gallery".

sphinx-gallery's backreferences record which examples use which objects of the packages in
``doc_module``. After the gallery is generated, this extension turns that record into a
page with one mini-gallery per object, so the page follows the examples by itself and is
never edited by hand. The page is generated into the source folder (like the gallery) and
is not kept in git.
"""

import json
from pathlib import Path

from sphinxext import PRIORITY

PAGE = "api_used"
TITLE = "API used in this gallery"


def _objects_by_package(app):
    """The public objects the examples name in their code, grouped by top-level package.

    sphinx-gallery writes, beside each generated example, a ``.codeobj.json`` of the names
    its code uses; ``is_explicit`` marks the ones written in the code (not reached through
    a base class). Methods are left out: their class stands for them. The file is not
    documented: tests/test_sphinx_gallery_internals.py guards its shape.
    """
    conf = app.config.sphinx_gallery_conf
    srcdir = Path(app.srcdir)
    record = srcdir / conf["backreferences_dir"] / "backreferences_all.json"
    with_examples = json.loads(record.read_text()) if record.is_file() else {}
    packages = set(conf["doc_module"])

    explicit = {}
    for gallery in conf["gallery_dirs"]:
        for codeobj in sorted((srcdir / gallery).rglob("*.codeobj.json")):
            for name, entries in json.loads(codeobj.read_text()).items():
                # The last explicit use of a name stands for it (as the dict did before).
                explicit_entries = [entry for entry in entries if entry.get("is_explicit")]
                if explicit_entries:
                    explicit[name] = explicit_entries[-1]
    grouped = {}
    for name, entry in sorted(explicit.items()):
        parts = name.split(".")
        if (
            parts[0] in packages
            and not any(part.startswith("_") for part in parts)
            and entry["module"] not in explicit  # a method: its class is listed
            and with_examples.get(name)
        ):
            grouped.setdefault(parts[0], []).append(name)
    return grouped


def write_page(app):
    packages = _objects_by_package(app)
    lines = [
        f".. _{PAGE}:",
        "",
        TITLE,
        "=" * len(TITLE),
        "",
        "Every function and class of NumPy, SciPy and scikit-learn that the examples call,",
        "each with the examples that use it. The list is made from the examples' code when",
        "the site is built.",
        "",
    ]
    if not packages:
        lines.append("No example has been processed yet.")
    for package, names in sorted(packages.items()):
        lines += [f"``{package}``", "-" * (len(package) + 4), ""]
        for name in names:
            lines += [f".. minigallery:: {name}", "   :add-heading:", "   :heading-level: ^", ""]
    text = "\n".join(lines)
    page = Path(app.srcdir, f"{PAGE}.rst")
    # Rewrite only on change, so an unchanged build stays a no-op for Sphinx.
    if not page.is_file() or page.read_text() != text:
        page.write_text(text)


def setup(app):
    app.connect("builder-inited", write_page, priority=PRIORITY["gallery.api_page"])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
