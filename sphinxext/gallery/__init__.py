"""Extensions around sphinx-gallery's generation step, each named in conf.py."""
