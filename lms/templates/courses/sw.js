/* Service worker of the learning platform: lessons readable offline.
   Cache-first (refreshed in the background) for lesson pages and static files,
   network-first for other learning pages, an offline page for the rest. */
"use strict";
var VERSION = {{ version|tojson }};
var STATIC = "lms-static-" + VERSION;
var PAGES = "lms-pages-v1";
var MEDIA = "lms-media";
var OFFLINE = {{ offline_url|tojson }};
var PRECACHE = {{ precache|tojson }};
var LESSON = /^\/learn\/[^/]+\/[^/]+$/;
var LEARNING = /^\/(learn|path)(\/[^/]+)?$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("lms-static-") === 0 && k !== STATIC; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(cacheName, request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function offlinePage() {
  return caches.match(OFFLINE).then(function (r) { return r || new Response("offline", { status: 503 }); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
    // Another person may use this phone next: forget the saved pages.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") { return; }
  var path = url.pathname;
  if (path.indexOf("/static/") === 0 || path.indexOf("/media/") === 0 || path.indexOf("/icon-") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      var name = path.indexOf("/media/") === 0 ? MEDIA : STATIC;
      return hit || fetch(request).then(function (r) { return keep(name, request, r); });
    }));
    return;
  }
  if (LESSON.test(path)) {
    event.respondWith(caches.open(PAGES).then(function (cache) {
      return cache.match(request, { ignoreSearch: true }).then(function (hit) {
        var fresh = fetch(request).then(function (r) { return keep(PAGES, request, r); });
        if (hit) { event.waitUntil(fresh.catch(function () {})); return hit; }
        return fresh.catch(offlinePage);
      });
    }));
    return;
  }
  if (LEARNING.test(path)) {
    event.respondWith(fetch(request).then(function (r) { return keep(PAGES, request, r); })
      .catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || offlinePage(); });
      }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
