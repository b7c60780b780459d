"""Keep the global variables of a script run as ``python plot_....py``, for the claim tests.

Python imports ``sitecustomize`` at start-up from its path; the tests put this folder on
``PYTHONPATH`` of an example's run as a plain script, with ``KEEP_NAMESPACE_TO`` naming a
file. When the script has finished, its globals are pickled there (cloudpickle, which
pickles the script's own functions by value), so that the claim tests read the results of
that one run instead of running the example again. What cannot be pickled is listed, with
the reason, in ``<file>.missing.json``. The script's output and exit status are untouched.
"""

import atexit
import json
import os
import sys


def _keep(path):
    import pickle

    import cloudpickle

    names = {
        name: value
        for name, value in vars(sys.modules["__main__"]).items()
        if not (name.startswith("__") and name.endswith("__"))
    }
    missing = {}
    try:
        data = cloudpickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        for name, value in list(names.items()):
            try:
                cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as error:
                missing[name] = f"{type(error).__name__}: {error}"
                del names[name]
        data = cloudpickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL)
    with open(path, "wb") as file:
        file.write(data)
    with open(f"{path}.missing.json", "w", encoding="utf-8") as file:
        json.dump(missing, file)


if os.environ.get("KEEP_NAMESPACE_TO"):
    atexit.register(_keep, os.environ["KEEP_NAMESPACE_TO"])
