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
  if ("serviceWorker" in navigator && document.documentElement.dataset.sw) {
    navigator.serviceWorker.register(document.documentElement.dataset.sw).catch(function () {});
  }
})();
