// Start MathJax once the page has loaded and painted (sphinxext/mathjax_after_load.py).
// The script to load is named in this tag's data-mathjax, relative to this file (or a
// full URL). Two animation frames after the load event, the first paint is done even on
// a slow machine, where it can come well after the load event.
(() => {
  const loader = document.currentScript;
  const start = () => {
    const mathjax = document.createElement("script");
    mathjax.src = new URL(loader.dataset.mathjax, loader.src).href;
    mathjax.async = true;
    document.head.appendChild(mathjax);
  };
  const afterPaint = () => requestAnimationFrame(() => requestAnimationFrame(start));
  if (document.readyState === "complete") {
    afterPaint();
  } else {
    window.addEventListener("load", afterPaint, { once: true });
  }
})();
