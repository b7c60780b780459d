"""Extensions on the HTML pages readers get, each named in conf.py."""
