// The workspace's only script: a job page follows its job's progress through the JSON API, then reloads to show
// the result. Without JavaScript the page still shows the status as of its loading (reload to follow).
"use strict";
(() => {
  const box = document.getElementById("job");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const bar = document.getElementById("job-progress");
  const step = document.getElementById("job-step");
  const status = document.getElementById("job-status");
  const poll = async () => {
    const response = await fetch(`/api/jobs/${encodeURIComponent(box.dataset.job)}`, {headers: {Accept: "application/json"}});
    if (!response.ok) return setTimeout(poll, 2000);
    const job = await response.json();
    status.textContent = job.status;
    if (job.total) { bar.max = job.total; bar.value = job.done; }
    if (job.step) step.textContent = `${job.step} (${job.done}/${job.total})`;
    if (["queued", "running"].includes(job.status)) setTimeout(poll, 700);
    else window.location.reload();
  };
  setTimeout(poll, 500);
})();
