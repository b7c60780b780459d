"""Where the links from example code to the upstream API documentation come from.

sphinx-gallery links names in example code (``KBinsDiscretizer``, ``np.unique``...) through
the intersphinx inventories of the projects below. Fetching those needs the network, and a
build without it must stay clean, so the source is chosen by ``QI_INVENTORIES``:

* unset (the default): fetch each inventory from its project's site when that host answers;
  if it does not, that project's links are off, said in one informational line;
* a directory: read ``<dir>/<name>/objects.inv`` (or ``<dir>/<name>.inv``) for each project
  that has one there, for offline or mirrored builds; links still point at the upstream pages;
* ``off``: no API links at all.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

# name -> base URL of the documentation the links point to.
UPSTREAM = {
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
ENV_VAR = "QI_INVENTORIES"


def _host_answers(url, timeout=3.0):
    host = urlparse(url).hostname
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError:
        return False
    return True


def _local_inventory(directory, name):
    for candidate in (directory / name / "objects.inv", directory / f"{name}.inv"):
        if candidate.is_file():
            return str(candidate)
    return None


def intersphinx_mapping(setting=None):
    """Return ``(mapping, note)``: the intersphinx mapping and one line for the build log."""
    setting = os.environ.get(ENV_VAR, "") if setting is None else setting
    if setting.strip().lower() == "off":
        return {}, f"API links are off ({ENV_VAR}=off)."

    if setting:
        directory = Path(setting).expanduser()
        if not directory.is_dir():
            raise ValueError(
                f"{ENV_VAR}={setting!r} is not a directory. Point it at a folder holding "
                "<name>/objects.inv files (names: " + ", ".join(UPSTREAM) + "), "
                f"or set {ENV_VAR}=off."
            )
        found = {name: _local_inventory(directory, name) for name in UPSTREAM}
        source = f"local inventories in {directory}"
    else:
        found = {name: None for name in UPSTREAM if _host_answers(UPSTREAM[name])}
        source = "the network"

    mapping = {name: (UPSTREAM[name], inventory) for name, inventory in found.items()}
    if setting:
        mapping = {name: target for name, target in mapping.items() if target[1]}
    linked = ", ".join(sorted(mapping))
    missing = ", ".join(sorted(set(UPSTREAM) - set(mapping)))
    if not mapping:
        note = f"API links are off: no inventory could be had from {source}."
    elif missing:
        note = f"API links to {linked} from {source}; off for {missing}."
    else:
        note = f"API links to {linked} from {source}."
    return mapping, note
