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
