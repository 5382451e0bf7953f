"""Sphinx configuration for skmultilabel-mlp (numpydoc + sphinx-gallery)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skmultilabel_mlp

project = "skmultilabel-mlp"
author = "skmultilabel-mlp developers"
copyright = "2026, skmultilabel-mlp developers"
release = skmultilabel_mlp.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "matplotlib.sphinxext.plot_directive",
]
autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # scikit-learn's generated metadata-routing methods cite its own glossary
    "exclude-members": "set_fit_request,set_score_request,set_predict_request,"
    "set_partial_fit_request,get_metadata_routing,set_params,get_params",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_templates",
    "examples",  # sphinx-gallery's sources; the rendered pages are auto_examples/
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.codeobj.json",
]
html_theme = "pydata_sphinx_theme"
html_title = f"skmultilabel-mlp {release}"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_theme_options = {
    "header_links_before_dropdown": 6,  # all six sections in the top bar
    "show_toc_level": 2,
    # a gallery page has no sections to list: its code gets the width instead
    # ("*" stays within one folder, so no page matches two patterns)
    "secondary_sidebar_items": {
        "*": ["page-toc", "sourcelink"],
        "user_guide/*": ["page-toc", "sourcelink"],
        "generated/*": ["page-toc", "sourcelink"],
        "auto_examples/*": [],
    },
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
# light or dark as the reader's system prefers (unset, the theme's script logs
# an error on a reader's first visit)
html_context = {"default_mode": "auto"}
# no section navigation beside the landing page
html_sidebars = {"index": []}

# Copy buttons on code, none on the outputs sphinx-gallery prints; prompts and
# doctest output are left out of what is copied.
copybutton_selector = "div:not(.sphx-glr-script-out) > div.highlight > pre"
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

# The landing page's figure (``.. plot::``) is drawn from committed benchmark
# results at build time; one PNG, no source or format links beside it.
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 150)]

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "remove_config_comments": True,
    # a cell's last value is shown: DataFrames as HTML tables, never truncated text
    "capture_repr": ("_repr_html_", "__repr__"),
    # ... but not the Display or matplotlib object a plotting cell ends with
    "ignore_repr_types": r"matplotlib|skmultilabel_mlp\.plotting\.",
}
