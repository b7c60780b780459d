// Start MathJax once the page has loaded and painted (sphinxext/mathjax_after_load.py),
// and typeset one formula at a time, yielding to the browser in between, so that no
// single long task blocks a reader's scrolling or tapping. The script to load is named in
// this tag's data-mathjax, relative to this file (or a full URL).
(() => {
  const loader = document.currentScript;
  const yieldToBrowser = () => new Promise((done) => setTimeout(done, 0));
  const typesetOneByOne = async () => {
    await MathJax.startup.defaultPageReady();
    for (const formula of document.querySelectorAll(".math")) {
      await MathJax.typesetPromise([formula]);
      await yieldToBrowser();
    }
  };
  const start = () => {
    window.MathJax = window.MathJax || {};
    MathJax.startup = { ...MathJax.startup, typeset: false, pageReady: typesetOneByOne };
    const mathjax = document.createElement("script");
    mathjax.src = new URL(loader.dataset.mathjax, loader.src).href;
    mathjax.async = true;
    document.head.appendChild(mathjax);
  };
  // Two animation frames after the load event, the first paint is done even on a slow
  // machine, where it can come well after the load event.
  const afterPaint = () => requestAnimationFrame(() => requestAnimationFrame(start));
  if (document.readyState === "complete") {
    afterPaint();
  } else {
    window.addEventListener("load", afterPaint, { once: true });
  }
})();
