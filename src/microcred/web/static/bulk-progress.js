// The bulk upload job page: poll the job's progress (JSON) and update the bar and the counts;
// reload the page when the job is over, to show the full report. Without JavaScript the page
// refreshes itself instead (<noscript><meta http-equiv="refresh">).
(function () {
  "use strict";
  var region = document.querySelector("[data-progress-url]");
  if (!region || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-progress-url");
  var bar = region.querySelector("progress");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var delay = 1000;

  function show(job) {
    if (bar) {
      bar.max = Math.max(job.total, 1);
      bar.value = job.processed;
      bar.textContent = format.format(job.processed) + " / " + format.format(job.total);
    }
    ["total", "issued", "skipped", "failed"].forEach(function (name) {
      var cell = region.querySelector('[data-count="' + name + '"]');
      if (cell) {
        cell.textContent = format.format(job[name]);
      }
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
