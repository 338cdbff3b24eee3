// While an archive is being prepared, show its progress and reload the page once it is ready.
(function () {
  "use strict";
  var bar = document.querySelector("[data-progress-url]");
  if (!bar) { return; }
  var url = bar.getAttribute("data-progress-url");
  var label = document.querySelector("[data-progress-label]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.status !== "processing") { window.location.reload(); return; }
        bar.value = data.progress;
        if (label) { label.textContent = data.progress + " %"; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
