"""A Sphinx extension: tokenize example code for API links only where a link can result.

sphinx-gallery links names in the example code to their documentation with a
post-transform that lexes every code block itself and rebuilds it as one docutils node
per token, about 20 000 nodes for this gallery. It does that even when no name can be
linked, as in a build without network, where no intersphinx inventory is loaded (the
usual case on CI here): a clean build then spent 0.7 s of its 3.1 s of Sphinx work on
it, for nothing (measured with and without, three builds each).

This subclass first asks sphinx-gallery's own resolver whether any name the page's code
uses has a target. If none has, the page is left to Sphinx, which highlights its code
blocks as usual: the same markup, without links. Otherwise the transform runs unchanged.

sphinx-gallery's transform and the two helpers it uses are private
(``sphinx_gallery._doctree_links``); sphinxext/upstream_internals.py checks them when the
build starts, and if one changed this extension steps aside: sphinx-gallery's own
transform stays registered and links the code of every page, as without this module.
"""

from upstream_internals import step_aside_if_changed


def where_any(transform, load_code_obj, resolver_class):
    """A subclass of sphinx-gallery's ``transform`` that runs only where a name resolves."""

    class CodeLinksWhereAny(transform):
        def run(self, **kwargs):
            docname = self.env.path2doc(self.document["source"])
            code_obj = load_code_obj(self.env, docname) if docname else None
            if not code_obj:
                return
            # Sphinx 9 deprecates the transform's app for the environment's private
            # _app; sphinx-gallery's own transform reaches the builder the same way.
            app = getattr(self.env, "_app", None) or self.app
            gallery_conf = self.config.sphinx_gallery_conf
            resolver = resolver_class(self.env, app.builder, docname, gallery_conf)
            if any(resolver.resolve(candidates) for candidates in code_obj.values()):
                super().run(**kwargs)

    return CodeLinksWhereAny


def setup(app):
    fallback = "sphinx-gallery's own transform tokenizes the code of every page"
    if not step_aside_if_changed("code_links", fallback):
        from sphinx_gallery._doctree_links import CodeLinksTransform, _load_code_obj, _Resolver

        # Listed after sphinx_gallery.gen_gallery in conf.py, so its transform is
        # registered by now.
        if CodeLinksTransform in app.registry.post_transforms:
            app.registry.post_transforms.remove(CodeLinksTransform)
            app.add_post_transform(where_any(CodeLinksTransform, _load_code_obj, _Resolver))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
