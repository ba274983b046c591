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

// The deal form checks itself while the user types: the form's values go to the preview API (which writes nothing),
// and each finding returned is shown beside the field its path names, or above the form when no field matches.
(() => {
  const form = document.getElementById("deal-form");
  if (!form) return;
  const live = document.getElementById("live");
  const loose = document.getElementById("live-loose");
  let timer = null;
  let asked = 0;

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };
  const item = (finding) => {
    const li = element("li", `finding sev-${finding.severity} live-finding`);
    li.dataset.rule = finding.rule;
    li.append(element("span", "sev", finding.severity), " ", element("code", "rule", finding.rule));
    if (finding.path) li.append(" ", element("code", "path", finding.path));
    li.append(element("div", "msg", finding.message));
    if (finding.message_zh && finding.message_zh !== finding.message) li.append(element("div", "msg", finding.message_zh));
    return li;
  };
  const holder = (path) => {
    // The field the path names, or the nearest enclosing group, as the server's own placement does.
    while (path) {
      const found = document.getElementById(`field-${path}`);
      if (found) return found;
      const cut = path.search(/(\.[^.[\]]*|\[[^\]]*\])$/);
      path = cut > 0 ? path.slice(0, cut) : "";
    }
    return null;
  };
  const show = (data) => {
    form.querySelectorAll(".findings").forEach((list) => list.remove());
    form.querySelectorAll(".has-findings").forEach((node) => node.classList.remove("has-findings"));
    loose.replaceChildren();
    const lists = new Map();
    for (const finding of data.findings || []) {
      const target = holder(finding.path || "");
      if (!target) { loose.append(item(finding)); continue; }
      if (!lists.has(target)) {
        const list = element("ul", "findings");
        target.classList.add("has-findings");
        if (target.tagName === "FIELDSET") target.querySelector("legend").after(list); else target.append(list);
        lists.set(target, list);
      }
      lists.get(target).append(item(finding));
    }
    const summary = data.summary;
    live.textContent = summary
      ? `live check (not saved) 实时核查（未保存）: ${summary.blocker} blocker(s), ${summary.warning} warning(s)`
      : "live check (not saved) 实时核查（未保存）: the deal does not load 交易文件无法加载";
  };
  const preview = async () => {
    const fields = {};
    for (const [key, value] of new FormData(form)) if (key.startsWith("f:")) fields[key.slice(2)] = value;
    const ticket = ++asked;
    live.textContent = "checking 核查中…";
    const response = await fetch(form.dataset.preview, {method: "POST", body: JSON.stringify({fields}),
                                                        headers: {"Content-Type": "application/json"}});
    if (ticket !== asked) return;  // a newer edit is being checked
    if (response.ok) show(await response.json()); else live.textContent = `live check failed (${response.status})`;
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(preview, 600); });
})();
