// Training: progressive enhancement only (every page works without this file).
(function () {
  "use strict";
  // Rotating check-in QR: fetch the new code before the old one expires.
  var qr = document.getElementById("checkin-qr");
  if (qr && window.fetch) {
    var hint = document.getElementById("qr-hint");
    var refresh = function () {
      fetch(qr.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.ok) { if (hint) { hint.textContent = data.message; } qr.innerHTML = ""; return; }
          qr.innerHTML = data.svg;
          qr.dataset.checkinUrl = data.url;
          setTimeout(refresh, Math.max(2, data.seconds) * 1000);
        })
        .catch(function () { setTimeout(refresh, 5000); });
    };
    // The script takes over from <meta refresh>.
    var meta = document.querySelector("meta[http-equiv=refresh]");
    if (meta) { meta.parentNode.removeChild(meta); }
    setTimeout(refresh, Math.max(2, parseInt(qr.dataset.seconds || "45", 10)) * 1000);
  }
  // One-tap attendance without reloading the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("form[data-mark] button[name=status]") : null;
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var form = button.form;
    var body = new FormData(form);
    body.append("status", button.value);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                         headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.ok) { alert(data.message); return; }
        var item = form.closest("li");
        var label = item.querySelector(".status");
        label.textContent = data.label;
        label.dataset.status = data.status;
        var buttons = form.querySelectorAll("button[name=status]");
        for (var i = 0; i < buttons.length; i++) {
          buttons[i].setAttribute("aria-pressed", buttons[i].value === data.status ? "true" : "false");
        }
      })
      .catch(function () { form.submit(); });
  });
  // Copy button for the Zalo message.
  var copy = document.querySelector("[data-copy]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var area = document.getElementById(copy.dataset.copy);
      navigator.clipboard.writeText(area.value).then(function () { copy.textContent = "✓"; });
    });
  }
})();
