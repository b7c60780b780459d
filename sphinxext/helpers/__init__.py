"""Not extensions: what conf.py calls, or names as a string in ``sphinx_gallery_conf``."""
