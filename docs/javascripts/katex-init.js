// Renders the math that pymdownx.arithmatex (generic mode) leaves as \( … \) and \[ … \] inside
// .arithmatex elements. document$ is Material's page observable, so this also runs after instant navigation.
document$.subscribe(({ body }) => {
  body.querySelectorAll(".arithmatex").forEach((element) => {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false, // a bad formula shows as .katex-error (the browser test looks for it)
    });
  });
});
