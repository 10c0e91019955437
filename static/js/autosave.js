/* Score sheet autosave, as a static file because the site's Content-Security-Policy runs no inline script.
   The form carries data-autosave="<the sheet's save endpoint>" (POST /api/v1/review/assignments/<pk>/scores/,
   which saves a draft and never submits). After an edit the whole sheet is sent as a draft (debounced), with
   the CSRF token of the form; the result is reported in the form's [data-autosave-status] element, an
   aria-live region. Without JS the "保存草稿" button does the same by a normal post. */
(function () {
  "use strict";
  var DELAY_MS = 800;
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.JSON) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null, saving = false, again = false, submitting = false;

  function say(text) { if (status) { status.textContent = text; } }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function csrf() {
    var el = form.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function value(fieldset, prefix) {
    var el = fieldset.querySelector("[name^='" + prefix + "']");
    return el ? el.value : "";
  }
  function collect() {
    return Array.prototype.map.call(form.querySelectorAll("[data-criterion]"), function (fs) {
      var percent = value(fs, "p_");
      return {criterion: fs.getAttribute("data-criterion"), percent: percent === "" ? null : percent,
              strengths: value(fs, "s_"), opportunities: value(fs, "o_")};
    });
  }
  var held = null;  // a post held back until the draft request in flight has been answered
  function done() {
    saving = false;
    if (held) { var release = held; held = null; release(); return; }
    if (again && !submitting) { again = false; save(); }
  }
  function save() {
    if (submitting) { return; }
    if (saving) { again = true; return; }  // one request at a time; the newest state follows
    saving = true;
    say("正在保存草稿…");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify({scores: collect()})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          var now = new Date();
          say("已自动保存 " + two(now.getHours()) + ":" + two(now.getMinutes()));
        } else {
          say("自动保存失败：" + (body.detail || "服务器未接收（" + response.status + "）") + "。请点击“保存草稿”。");
        }
      });
    }, function () {
      say("保存失败，请检查网络");
    }).then(done, done);
  }
  function edited() {
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  // A normal post (保存草稿 / 提交评分) sends the whole sheet itself. No draft request may race it: an older
  // draft saved after the post would change the scores being submitted. So the post waits for the draft
  // request in flight, then goes (form.submit() fires no second submit event, so no second confirmation).
  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    submitting = true;
    clearTimeout(timer);
    if (!saving) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    say("正在保存草稿，随后提交…");
    held = function () {
      if (submitter && submitter.name) {
        var carried = document.createElement("input");
        carried.type = "hidden"; carried.name = submitter.name; carried.value = submitter.value;
        form.appendChild(carried);
      }
      form.submit();
    };
  });
})();
