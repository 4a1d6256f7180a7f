// Progressive enhancement: a "Copy" button beside each share link (the field works without it).
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-copy]");
  for (var i = 0; i < fields.length; i++) {
    (function (field) {
      field.addEventListener("focus", function () { field.select(); });
      if (!navigator.clipboard) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn secondary cert-copy";
      button.textContent = document.documentElement.lang === "en" ? "Copy link" : "Sao chép liên kết";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = document.documentElement.lang === "en" ? "Copied" : "Đã sao chép";
        });
      });
      field.parentNode.appendChild(button);
    })(fields[i]);
  }
})();
