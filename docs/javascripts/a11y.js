// Accessibility fixes the themes leave to us; tests/site/test_browser.py checks them with axe-core.
//
// - Material's search overlay (.md-search) has role="dialog" but no accessible name (axe: aria-dialog-name).
//   Its markup comes from the theme's partials/search.html; naming it here avoids copying that template.
// - mkdocs-jupyter's code cells and text outputs scroll sideways but cannot take keyboard focus, so a keyboard
//   user could not scroll them (axe: scrollable-region-focusable). Material gives its own code blocks
//   tabindex="0" for the same reason; we do the same for the notebook's.
// - A display formula wider than the column scrolls (actref.css); it becomes focusable only when it does.
//
// document$ is Material's page observable: this runs on the first load and after every instant navigation.
// Words are in the page's language: window.actrefT (assets/actref/messages.js) translates them.
document$.subscribe(({ body }) => {
  const t = (message) => (window.actrefT ? window.actrefT(message) : message); // messages without fields
  document.querySelectorAll(".md-search[role='dialog']:not([aria-label])").forEach((dialog) => {
    dialog.setAttribute("aria-label", t("Search"));
  });
  const focusable = (element) => {
    if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "0");
  };
  body.querySelectorAll(".jupyter-wrapper .highlight-ipynb, .jupyter-wrapper .jp-RenderedText pre").forEach(focusable);
  body.querySelectorAll(".arithmatex").forEach((element) => {
    if (element.scrollWidth > element.clientWidth) focusable(element);
  });
});
