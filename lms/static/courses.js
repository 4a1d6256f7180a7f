// Courses: mark lessons read (also offline, queued until back online) and save modules offline.
// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var QUEUE = "lms-read-queue";
  function token() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function store(list) { try { localStorage.setItem(QUEUE, JSON.stringify(list)); } catch (e) {} }
  function post(url) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token(), "Accept": "application/json", "Content-Type": "application/json" },
      body: "{}"
    }).then(function (r) {
      if (r.status >= 500) { throw new Error("server"); }
      return r.ok;
    });
  }
  function flush() {
    var list = queued();
    if (!list.length || !navigator.onLine) { return; }
    var left = [];
    var jobs = list.map(function (url) {
      return post(url).catch(function () { left.push(url); });
    });
    Promise.all(jobs).then(function () { store(left); });
  }
  function markRead(form, andGo) {
    var status = document.querySelector("[data-read-status]");
    if (form.dataset.done === "1") { if (andGo) { location.href = form.dataset.next; } return; }
    form.dataset.done = "1";
    var done = function (message) {
      if (status) { status.textContent = message; }
      form.hidden = true;
      if (andGo) { location.href = form.dataset.next; }
    };
    post(form.action).then(function (ok) {
      done(ok ? form.dataset.msgDone : "");
    }).catch(function () {
      var list = queued();
      if (list.indexOf(form.action) < 0) { list.push(form.action); store(list); }
      done(form.dataset.msgQueued);
    });
  }
  var form = document.querySelector("form[data-mark-read]");
  if (form && window.fetch) {
    form.addEventListener("submit", function (event) { event.preventDefault(); markRead(form, true); });
    var end = document.getElementById("lesson-end");
    if (end && "IntersectionObserver" in window) {
      var seen = new IntersectionObserver(function (entries) {
        if (entries[0].isIntersecting) { seen.disconnect(); markRead(form, false); }
      });
      // Only once the reader has scrolled: a short lesson shows its end at once.
      window.addEventListener("scroll", function () { seen.observe(end); }, { once: true, passive: true });
    }
  }
  var save = document.querySelector("[data-save-offline]");
  if (save && window.caches && "serviceWorker" in navigator) {
    save.hidden = false;
    var button = save.querySelector("button");
    var note = save.querySelector("[role=status]");
    button.addEventListener("click", function () {
      note.textContent = save.dataset.msgSaving;
      fetch(save.dataset.saveOffline, { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (data) {
          return Promise.all([caches.open("lms-pages-v1"), caches.open("lms-media")]).then(function (c) {
            return Promise.all(data.urls.map(function (url) {
              var cache = url.indexOf("/media/") === 0 ? c[1] : c[0];
              return fetch(url, { credentials: "same-origin" }).then(function (r) {
                if (!r.ok || r.redirected) { throw new Error("fetch"); }
                return cache.put(url, r);
              });
            }));
          });
        })
        .then(function () { note.textContent = save.dataset.msgSaved; })
        .catch(function () { note.textContent = save.dataset.msgFailed; });
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
