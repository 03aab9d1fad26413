// One plot per activation page: once live-plot.js has drawn the live plot, one-plot.css hides the static
// figure. This adds a button under the live plot that shows the figure again: it has f′ by autograd of the
// torch implementation and the torch built-in overlaid, which the live plot in the browser cannot have.
//
// document$ is Material's page observable: this runs on the first load and after every instant navigation.
// The button's words are in the page's language: window.actrefT (assets/actref/messages.js) translates them.
document$.subscribe(({ body }) => {
  const t = (message) => (window.actrefT ? window.actrefT(message) : message); // messages without fields
  body.querySelectorAll(".actref-plot").forEach((plot, index) => {
    const figure = plot.querySelector(":scope > .actref-figure");
    const live = plot.querySelector(":scope > .actref-live");
    if (!figure || !live || plot.querySelector(":scope > .actref-figure-toggle")) return;
    const addToggle = () => {
      if (!figure.id) figure.id = `actref-static-figure-${index + 1}`;
      const label = plot.dataset.showLabel || t("Show the static figure");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "actref-live-button actref-figure-toggle";
      button.setAttribute("aria-controls", figure.id);
      const set = (shown) => {
        plot.classList.toggle("actref-show-figure", shown);
        button.setAttribute("aria-expanded", String(shown));
        button.textContent = shown ? t("Hide the static figure") : label;
      };
      button.addEventListener("click", () => set(!plot.classList.contains("actref-show-figure")));
      set(false);
      plot.appendChild(button);
    };
    if (live.querySelector(".actref-live-plot")) {
      addToggle();
      return;
    }
    // live-plot.js may draw after this runs: wait for its plot (never if it could not start).
    const watch = new MutationObserver(() => {
      if (live.querySelector(".actref-live-plot")) {
        watch.disconnect();
        addToggle();
      }
    });
    watch.observe(live, { childList: true, subtree: true });
  });
});
