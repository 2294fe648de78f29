"""Plan → Markdown pages + per-city MkDocs config → a real, strict MkDocs build.

`pages` turns a plan into Markdown (jinja2 templates), `site` writes the
per-city configuration, runs MkDocs into a temporary folder and swaps the
result into place. Nothing here prints; errors are `citycourse.errors.BuildError`.
"""
