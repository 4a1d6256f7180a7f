// Training: progressive enhancement only (every page works without this file).
(function () {
  "use strict";
  // Rotating check-in QR: fetch the new code before the old one expires; count and names.
  var qr = document.getElementById("checkin-qr");
  if (qr && window.fetch) {
    var hint = document.getElementById("qr-hint");
    var code = document.getElementById("short-code");
    var count = document.getElementById("qr-count");
    var names = document.getElementById("qr-names");
    var secondsEl = document.getElementById("qr-seconds");
    var left = parseInt(qr.dataset.seconds || "45", 10);
    var show = function (data) {
      qr.innerHTML = data.svg;
      qr.dataset.checkinUrl = data.url;
      if (code) { code.textContent = data.code; }
      if (count) { count.textContent = data.count_text; }
      if (names) {
        names.innerHTML = "";
        for (var i = 0; i < data.names.length; i++) {
          var li = document.createElement("li");
          li.textContent = data.names[i];
          names.appendChild(li);
        }
      }
      left = data.seconds;
    };
    var refresh = function () {
      fetch(qr.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.ok) { if (hint) { hint.textContent = data.message; } qr.innerHTML = ""; return; }
          show(data);
          // The count moves between rotations too: poll at least every 5 seconds.
          setTimeout(refresh, Math.min(5, Math.max(2, data.seconds)) * 1000);
        })
        .catch(function () { setTimeout(refresh, 5000); });
    };
    if (secondsEl) {
      setInterval(function () {
        left = Math.max(0, left - 1);
        secondsEl.textContent = secondsEl.dataset.template.replace("__N__", left);
      }, 1000);
    }
    // The script takes over from <meta refresh>.
    var meta = document.querySelector("meta[http-equiv=refresh]");
    if (meta) { meta.parentNode.removeChild(meta); }
    setTimeout(refresh, Math.min(5, Math.max(2, left)) * 1000);
  }
  var full = document.querySelector("[data-fullscreen]");
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
  }
  // One-tap attendance without reloading the page; the totals follow every tap.
  var showCounts = function (counts) {
    if (!counts) { return; }
    var all = document.getElementById("all-present");
    if (all && all.dataset.confirmTemplate && counts.none !== undefined) {
      all.dataset.confirm = all.dataset.confirmTemplate.replace("__N__", counts.none);
    }
    Object.keys(counts).forEach(function (key) {
      var el = document.querySelector("[data-count='" + key + "']");
      if (el) { el.textContent = counts[key]; }
    });
  };
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("form[data-mark] button[name=status]") : null;
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var form = button.form;
    var body = new FormData(form);
    body.append("status", button.value);
    button.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                         headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status >= 500 || r.status === 404) { throw new Error("http " + r.status); }
        return r.json();
      })
      .then(function (data) {
        button.removeAttribute("aria-busy");
        if (!data.ok) { alert(data.message); return; }
        var buttons = form.querySelectorAll("button[name=status]");
        for (var i = 0; i < buttons.length; i++) {
          buttons[i].setAttribute("aria-pressed", buttons[i].value === data.status ? "true" : "false");
        }
        showCounts(data.counts);
      })
      .catch(function () {
        // Fall back to the plain form (the server answers with the page).
        var field = document.createElement("input");
        field.type = "hidden"; field.name = "status"; field.value = button.value;
        form.appendChild(field);
        form.submit();
      });
  });
  // Confirmations: a link to the confirmation page becomes a dialog, then a POST.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm][data-post]") : null;
    if (!link) { return; }
    event.preventDefault();
    if (!window.confirm(link.dataset.confirm)) { return; }
    var form = document.createElement("form");
    form.method = "post";
    form.action = link.dataset.post;
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrf_token"; token.value = link.dataset.csrf;
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  });
  // A form that asks before it is sent (revoking a certificate): the dialog is the confirmation.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm-submit]")) { return; }
    if (form.checkValidity && !form.checkValidity()) { return; }
    if (!window.confirm(form.dataset.confirmSubmit)) { event.preventDefault(); return; }
    var field = document.createElement("input");
    field.type = "hidden"; field.name = "confirmed"; field.value = "1";
    form.appendChild(field);
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
