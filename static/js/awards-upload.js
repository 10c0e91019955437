/* awards: material upload with a progress bar per file (XMLHttpRequest upload events). Without JS the
   form posts normally and the page shows the result; nothing here is needed to read or submit. */
(function () {
  "use strict";
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  each(document.querySelectorAll("form[data-upload]"), function (form) {
    var input = form.querySelector("input[type=file]");
    var list = form.querySelector(".upload-progress");
    if (!input || !list || !window.XMLHttpRequest || !window.FormData) { return; }
    input.multiple = true;
    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length) { return; }
      event.preventDefault();
      var files = Array.prototype.slice.call(input.files);
      var pending = files.length, failed = 0;
      files.forEach(function (file) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = file.name + " ";
        var bar = document.createElement("progress");
        bar.max = 100; bar.value = 0;
        bar.setAttribute("aria-label", file.name + " 上传进度");
        var msg = document.createElement("span");
        msg.className = "upload-msg";
        item.appendChild(label); item.appendChild(bar); item.appendChild(msg);
        list.appendChild(item);
        var data = new FormData(form);
        data.set("file", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action || window.location.href);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
        });
        xhr.addEventListener("load", function () {
          var body = {};
          try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
          if (xhr.status >= 200 && xhr.status < 300) {
            bar.value = 100; msg.textContent = " 已上传"; item.className = "ok";
          } else {
            failed += 1; item.className = "error";
            msg.textContent = " 未接收：" + (body.detail || "上传失败（" + xhr.status + "）");
            msg.setAttribute("role", "alert");
          }
          pending -= 1;
          if (pending === 0 && failed === 0) { window.location.reload(); }
        });
        xhr.addEventListener("error", function () {
          failed += 1; pending -= 1; item.className = "error"; msg.textContent = " 网络错误，请重试。";
        });
        xhr.send(data);
      });
    });
  });
})();
