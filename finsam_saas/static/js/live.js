// Keeps a live page (a poll's count, an ombud's list of polls) up to date by reloading it
// every data-live-seconds seconds, but never while the user is working in a form.
(function () {
  var root = document.querySelector("[data-live-seconds]");
  if (!root) { return; }
  var seconds = parseInt(root.getAttribute("data-live-seconds"), 10) || 10;
  function busy() {
    var active = document.activeElement;
    if (active && active !== document.body && active.closest("form")) { return true; }
    return Array.prototype.some.call(document.querySelectorAll("form input[type=radio]"), function (input) {
      return input.checked;
    });
  }
  window.setInterval(function () {
    if (!busy()) { window.location.reload(); }
  }, seconds * 1000);
})();
