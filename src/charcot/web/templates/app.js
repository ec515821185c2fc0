// Case page: follow the report build and reload when it is finished (no inline scripts: CSP script-src 'self').
(function () {
  var el = document.getElementById("status");
  if (!el || !el.dataset.poll) { return; }
  var url = el.dataset.poll;
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (c) {
      document.getElementById("progress").textContent = c.progress || "";
      if (c.status === "done" || c.status === "failed") { window.location.reload(); } else { setTimeout(poll, 500); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();

// New case: one upload per form. The button is disabled once the form is sent (a second click would send the files
// again); the server also makes one case per form (its form_id), whatever a client sends.
(function () {
  var form = document.getElementById("upload");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = document.getElementById("submit");
    if (button) { button.disabled = true; button.textContent = "Uploading… (do not send again)"; }
  });
})();
