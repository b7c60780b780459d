"""A Sphinx extension that writes the pages' formulas as MathML when the site is built.

Browsers draw MathML Core themselves (Chromium from 109, Firefox, Safari), and screen
readers read it as mathematics, so a page needs no script to show its formulas: the
LaTeX of ``:math:`` and ``.. math::`` is converted by ``latex2mathml`` and written into
the HTML, in the text's colour (light or dark mode alike). This replaces MathJax, a
1.1 MB script that typeset the formulas in the reader's browser after every load.

Registered with Sphinx's public ``app.add_html_math_renderer``; conf.py selects it with
``html_math_renderer = "mathml"``. A formula latex2mathml cannot convert, or one with a
command it does not know (it would leave ``\\command`` in the page as text), is a warning
naming the page and the formula: an error under ``-W``.
"""

import re

from docutils import nodes
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

# \mathrm{PSNR} comes out as one upright <mi> per letter, read out letter by letter:
# a run of two or more becomes one <mi>, which MathML Core draws upright.
_LETTERS = re.compile(r'<mrow>((?:<mi mathvariant="normal">[^<]</mi>){2,})</mrow>')
_LETTER = re.compile(r'<mi mathvariant="normal">([^<])</mi>')
# What latex2mathml passes through unchanged: a backslash command in the text of a token.
_UNCONVERTED = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")


class MathMLError(ValueError):
    """A formula that cannot be written as MathML."""


def to_mathml(latex, display):
    """The MathML of ``latex`` (``display`` "inline" or "block"), as one ``<math>``."""
    from latex2mathml.converter import convert

    try:
        mathml = convert(latex, display=display)
    except Exception as error:  # latex2mathml raises its own exceptions and others
        raise MathMLError(f"latex2mathml cannot convert it ({error})") from None
    left = _UNCONVERTED.search(mathml)
    if left:
        raise MathMLError(f"unknown LaTeX command {left.group()[1:-1].strip()!r}")
    mathml = _LETTERS.sub(lambda m: "<mi>" + "".join(_LETTER.findall(m.group(1))) + "</mi>", mathml)
    # The LaTeX stays in the page for copying and for tools that do not read MathML.
    return mathml.replace("<math ", f'<math alttext="{_attribute(latex)}" ', 1)


def _attribute(text):
    return " ".join(text.split()).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _convert(self, node, latex, display):
    try:
        return to_mathml(latex, display)
    except MathMLError as error:
        logger.warning(
            "formula %r not rendered: %s. Write it in the LaTeX latex2mathml supports.",
            latex,
            error,
            location=node,
        )
        return f'<code class="math-error">{self.encode(latex)}</code>'


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_convert(self, node, node.astext(), "inline"))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    # As in LaTeX's and MathJax's reading of Sphinx's math directive: paragraphs are
    # separate equations.
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(_convert(self, node, part, "block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
