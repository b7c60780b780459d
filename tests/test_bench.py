"""What make bench and make profile read and report: the seed's code, an example's parts,
and the page server they and the browser tests share.

The benchmark itself is not run here (it builds the site many times); ``make bench``
fails, naming the step, when a build it times fails.
"""

import socket
import struct
import subprocess
import sys
import time

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from pages import serve  # noqa: E402

from bench import SeedError, find_seed, seed_script  # noqa: E402

# A page copied from a browser as the seed text is: prose, then fenced blocks of code or
# of what the code printed, every line of code without its indentation.
COPIED_PAGE = """\
# A small example#

Some prose.

```
try: # an import fallback
import math
except ImportError:
math = None
total = 0
for value in [1, 2, 3]:
total += value
print(f"Running total: {total}")
```

```
Running total: 1
Running total: 3
Running total: 6
```

```
values = [
1,
2,
]
values
```

```
[1, 2]
```

```
squares = [v * v for v in values]
```

More prose.

```
print(len(squares))
```

```
2
```
"""


def test_the_seed_text_becomes_the_script_it_shows():
    script, printed = seed_script(COPIED_PAGE)
    assert script.splitlines()[:8] == [
        "try: # an import fallback",
        "    import math",
        "except ImportError:",
        "    math = None",
        "total = 0",
        "for value in [1, 2, 3]:",
        "    total += value",
        '    print(f"Running total: {total}")',
    ]
    # The value shown after a bare expression is output, not code; the block after it is
    # code again, though no prose separates them.
    assert "[1, 2]" not in script
    assert "squares = [v * v for v in values]" in script
    assert printed == ["Running total: 1", "Running total: 3", "Running total: 6", "2"]
    compile(script, "seed", "exec")


def test_a_seed_text_without_code_is_a_clear_error():
    with pytest.raises(SeedError, match="no fenced code blocks"):
        seed_script("Only prose here.\n")


def test_the_seed_text_is_found_beside_the_repository_or_not_at_all(tmp_path):
    seed = find_seed()
    if seed is not None:
        assert seed.is_file()
        assert "Vector Quantization Example" in seed.read_text(encoding="utf-8").splitlines()[0]
    assert find_seed(tmp_path / "given.txt") == tmp_path / "given.txt"


def test_profile_splits_an_example_into_its_parts(reader_env):
    walkthrough = ROOT / "examples" / "plot_vector_quantization.py"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "profile_examples.py"), str(walkthrough)],
        env=reader_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    header, _, row = result.stdout.strip().splitlines()
    columns = [c.strip() for c in header.strip("|").split("|")]
    cells = dict(zip(columns, (c.strip() for c in row.strip("|").split("|"))))
    assert cells["example"] == "plot_vector_quantization.py"
    parts = ["start-up", "imports", "computation", "drawing", "encoding"]
    seconds = {key: float(cells[key].removesuffix(" s")) for key in parts}
    assert all(seconds[key] > 0 for key in parts), cells
    assert cells["figures"] == "5"  # the walkthrough's five figures, all drawn


def test_the_page_server_stays_quiet_when_a_browser_drops_a_response(tmp_path, capsys):
    # A browser leaving a page cancels the images still coming: no traceback for that.
    (tmp_path / "large.bin").write_bytes(bytes(20_000_000))
    with serve(tmp_path) as server:
        client = socket.create_connection(("127.0.0.1", server.server_port))
        client.sendall(b"GET /large.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        client.recv(1000)  # the response has started
        # Close with a reset, as a browser cancelling a request does.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        time.sleep(0.5)  # the server's next writes fail
    assert capsys.readouterr().err == ""
