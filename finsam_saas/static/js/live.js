// Keeps a live page (a poll's count, an ombud's list of polls) up to date by reloading it
// every data-live-seconds seconds, but never while the user is working in a form: a field in
// focus, or any field changed from what the page came with (a half-typed rösträkningsnyckel, a
// ticked box, a chosen option) holds the reload until the form is sent.
(function () {
  var root = document.querySelector("[data-live-seconds]");
  if (!root) { return; }
  var seconds = parseInt(root.getAttribute("data-live-seconds"), 10) || 10;
  function changed(field) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") { return false; }
    if (field.type === "radio" || field.type === "checkbox") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) { return option.selected !== option.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }
  function busy() {
    var active = document.activeElement;
    if (active && active !== document.body && active.closest("form")) { return true; }
    return Array.prototype.some.call(document.querySelectorAll("form input, form textarea, form select"), changed);
  }
  window.setInterval(function () {
    if (!busy()) { window.location.reload(); }
  }, seconds * 1000);
})();
