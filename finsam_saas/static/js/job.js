// Polls a job's state until it is done, then reloads so the result link shows.
(function () {
  var box = document.getElementById("jobb");
  if (!box) return;
  var state = box.dataset.state;
  if (state !== "queued" && state !== "started") return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        document.getElementById("jobb-status").textContent = job.label;
        document.getElementById("jobb-progress").value = job.progress;
        if (job.state === "finished" || job.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
