// Courses: mark lessons read (also offline, queued until back online), save modules offline,
// text size and listening to a lesson.
// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The queue of lessons read offline belongs to the person logged in: it is kept under their
  // opaque marker (<html data-user>), only ever sent with it, and cleared on log-out (app.js).
  var PREFIX = "lms-read-queue";
  var USER = document.documentElement.dataset.user || "";
  var QUEUE = PREFIX + ":" + USER;
  var logoutForm = document.querySelector("form[data-offline-read]");
  var SYNC = logoutForm ? logoutForm.dataset.offlineRead : "";
  // A queue from before queues had an owner cannot be attributed to anyone: drop it.
  try { localStorage.removeItem(PREFIX); } catch (e) {}
  function token() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function store(list) {
    try {
      if (list.length) { localStorage.setItem(QUEUE, JSON.stringify(list)); } else { localStorage.removeItem(QUEUE); }
    } catch (e) {}
  }
  // Send lessons read by this user; resolves to "ok", or "refused" when the server says the
  // queue is another person's (409); rejects otherwise (offline, server error, logged out, an
  // outdated page's token): the lessons then stay queued for the next page that is online.
  function send(lessons) {
    return fetch(SYNC, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token(), "Accept": "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ user: USER, lessons: lessons })
    }).then(function (r) {
      if (r.status === 409) { return "refused"; }
      if (!r.ok || r.redirected) { throw new Error("not sent"); }
      return "ok";
    });
  }
  function flush() {
    var list = queued();
    if (!USER || !SYNC || !list.length || !navigator.onLine) { return; }
    send(list).then(function () {
      // Sent, or refused for good (another person's queue): either way it is done with.
      var left = queued().filter(function (key) { return list.indexOf(key) < 0; });
      store(left);
    }).catch(function () {});
  }
  // The end-of-lesson button stays until it is tapped; then the lesson is marked read (or
  // queued on the phone when offline) and the reader goes on to the next step.
  function markRead(form) {
    var status = document.querySelector("[data-read-status]");
    var go = function () { location.href = form.dataset.next; };
    if (form.dataset.done === "1") { go(); return; }
    form.dataset.done = "1";
    var lesson = form.dataset.lesson;
    send([lesson]).then(go).catch(function () {
      var list = queued();
      if (list.indexOf(lesson) < 0) { list.push(lesson); store(list); }
      if (status) { status.textContent = form.dataset.msgQueued; }
      setTimeout(go, 1200);
    });
  }
  var form = document.querySelector("form[data-mark-read]");
  if (form && window.fetch && USER && SYNC && form.dataset.lesson) {
    form.addEventListener("submit", function (event) { event.preventDefault(); markRead(form); });
  }
  // Text size (A− A+), remembered on this phone; listening with the phone's own voice.
  var tools = document.querySelector("[data-reader]");
  var text = document.getElementById("lesson-text");
  if (tools && text) {
    var SIZE_KEY = "lms-text-size";
    var size = 0;
    try { size = parseInt(localStorage.getItem(SIZE_KEY) || "0", 10) || 0; } catch (e) {}
    var applySize = function () {
      size = Math.max(-1, Math.min(3, size));
      text.setAttribute("data-text-size", String(size));
      try { localStorage.setItem(SIZE_KEY, String(size)); } catch (e) {}
    };
    applySize();
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-size]");
      if (!button) { return; }
      size += parseInt(button.dataset.size, 10);
      applySize();
    });
    var speech = window.speechSynthesis;
    var listen = tools.querySelector("[data-listen]");
    var stop = tools.querySelector("[data-stop]");
    var lang = document.documentElement.lang === "en" ? "en" : "vi";
    var voice = null;
    var pickVoice = function () {
      var voices = speech.getVoices();
      for (var i = 0; i < voices.length; i++) {
        var code = (voices[i].lang || "").toLowerCase().replace("_", "-");
        if (code.indexOf(lang) === 0 && (!voice || code === "vi-vn")) { voice = voices[i]; }
      }
      if (voice) { listen.hidden = false; }
    };
    if (speech && window.SpeechSynthesisUtterance && listen) {
      pickVoice();
      if (speech.addEventListener) { speech.addEventListener("voiceschanged", pickVoice); }
      var state = "idle";
      var setState = function (next) {
        state = next;
        var label = next === "playing" ? tools.dataset.msgPause
          : next === "paused" ? tools.dataset.msgResume : tools.dataset.msgListen;
        listen.textContent = (next === "playing" ? "❚❚ " : "▶ ") + label;
        listen.setAttribute("aria-pressed", next === "playing" ? "true" : "false");
        stop.hidden = next === "idle";
      };
      var chunks = function () {
        var out = [];
        var blocks = text.querySelectorAll("h1, h2, h3, p, li, td, th");
        for (var i = 0; i < blocks.length; i++) {
          if (blocks[i].closest("li") && blocks[i].tagName !== "LI") { continue; }
          var t = (blocks[i].textContent || "").replace(/\s+/g, " ").trim();
          if (t) { out.push(t); }
        }
        return out;
      };
      var play = function () {
        speech.cancel();
        var parts = chunks();
        parts.forEach(function (part, index) {
          var u = new SpeechSynthesisUtterance(part);
          u.lang = voice.lang;
          try { u.voice = voice; } catch (e) { /* the language alone picks a voice */ }
          u.rate = 0.9;
          if (index === parts.length - 1) { u.onend = function () { setState("idle"); }; }
          speech.speak(u);
        });
        setState("playing");
      };
      listen.addEventListener("click", function () {
        if (state === "idle") { play(); }
        else if (state === "playing") { speech.pause(); setState("paused"); }
        else { speech.resume(); setState("playing"); }
      });
      stop.addEventListener("click", function () { speech.cancel(); setState("idle"); });
      window.addEventListener("pagehide", function () { speech.cancel(); });
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
