"""The site layer: everything the MkDocs hook calls to turn the reference and the measurements into pages.

It imports both layers below it (the reference: `actref.catalog`, `actref.registry`, ...; the measurements:
`actref.experiments`, `actref.cost`, `actref.data`); nothing below imports it. `docs/hooks.py` forwards
MkDocs events to `actref.site.hooks.Hooks`. One thing per module:

- hooks: the MkDocs event handlers;            - context: one build's state, and a page's Context;
- cache: the content-hash keys of generated files; - provenance: what made a generated file;
- directives: `<!-- actref:MODULE.FUNC -->` expansion; - nav: the site navigation;
- vendor: npm files copied into the site, and the check that nothing loads from outside it;
- activation_pages / activation_figures: an activation's page and its plot;
- experiment_pages / experiment_figures / claims_page: the comparison pages;
- cost_pages / cost_figures: the cost tables and charts;  - guides: the guides' measured figures;
- links, svg, errors: small shared helpers.
"""
