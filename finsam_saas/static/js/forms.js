// A form that changes something is sent once: a second click while the first is on its way
// would start the same step twice (two send-outs of one kallelse).
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post") { return; }
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    // The page may come back from the browser's cache (the back button): send again then.
    window.addEventListener("pageshow", function () { form.dataset.sending = ""; }, { once: true });
  });
})();
