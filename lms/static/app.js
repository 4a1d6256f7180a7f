// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // A double-tapped submit sends the form once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var buttons = form.querySelectorAll("button[data-once]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].setAttribute("aria-busy", "true"); }
    setTimeout(function () { form.dataset.sent = ""; for (var i = 0; i < buttons.length; i++) { buttons[i].removeAttribute("aria-busy"); } }, 8000);
  }, true);
  // "Show password" next to every password field; "Print" buttons.
  var reveals = document.querySelectorAll("button[data-reveal]");
  for (var r = 0; r < reveals.length; r++) {
    (function (button) {
      var input = document.getElementById(button.dataset.reveal);
      if (!input) { return; }
      var showLabel = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var shown = input.type === "text";
        input.type = shown ? "password" : "text";
        button.textContent = shown ? showLabel : button.dataset.hideLabel;
        button.setAttribute("aria-pressed", shown ? "false" : "true");
      });
    })(reveals[r]);
  }
  var prints = document.querySelectorAll("button[data-print]");
  for (var p = 0; p < prints.length; p++) {
    prints[p].hidden = false;
    prints[p].addEventListener("click", function () { window.print(); });
  }
  // "Share" a link: the phone's share sheet (Zalo, Messenger…) or, without it, copy the link.
  var shares = document.querySelectorAll("button[data-share]");
  for (var sh = 0; sh < shares.length; sh++) {
    (function (button) {
      if (!navigator.share && !(navigator.clipboard && navigator.clipboard.writeText)) { return; }
      button.hidden = false;
      var note = button.nextElementSibling;
      button.addEventListener("click", function () {
        var url = button.dataset.share;
        if (navigator.share) {
          navigator.share({ title: button.dataset.shareTitle, text: button.dataset.shareText, url: url })
            .catch(function () {});
          return;
        }
        navigator.clipboard.writeText(url).then(function () {
          if (note) { note.textContent = button.dataset.msgCopied; }
        }).catch(function () {});
      });
    })(shares[sh]);
  }
  // Log-out on a shared phone: send this person's queue of lessons read offline (if online),
  // then forget every queue kept here, so the next person is never credited with them.
  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      var key = "lms-read-queue:" + (document.documentElement.dataset.user || "");
      var list = [];
      try {
        list = JSON.parse(localStorage.getItem(key) || "[]");
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var name = localStorage.key(i);
          if (name && name.indexOf("lms-read-queue") === 0) { localStorage.removeItem(name); }
        }
      } catch (e) { /* storage unavailable: nothing kept */ }
      if (!list.length || !window.fetch || navigator.onLine === false || !logout.dataset.offlineRead) { return; }
      event.preventDefault();
      var token = (logout.querySelector("input[name=csrf_token]") || {}).value || "";
      var sent = fetch(logout.dataset.offlineRead, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "X-CSRFToken": token, "Accept": "application/json", "Content-Type": "application/json" },
        body: JSON.stringify({ user: document.documentElement.dataset.user || "", lessons: list })
      }).catch(function () {});
      var waited = new Promise(function (resolve) { setTimeout(resolve, 2500); });
      Promise.race([sent, waited]).then(function () { HTMLFormElement.prototype.submit.call(logout); });
    });
  }
  if ("serviceWorker" in navigator && document.documentElement.dataset.sw) {
    navigator.serviceWorker.register(document.documentElement.dataset.sw).catch(function () {});
  }
})();
