// Quiz page enhancement: save each answer as it is given, keep unsaved answers on the phone,
// retry a submit made offline, move ordering steps with buttons, count answers and time.
// Without this file the form still works with its one submit button.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var attemptId = form.dataset.attempt;
  var KEY = "quiz:" + attemptId;
  var SUBMIT_KEY = "quiz-submit:" + attemptId;
  var csrf = (form.querySelector("input[name=csrf_token]") || {}).value || "";
  var stateEl = document.getElementById("quiz-save-state");
  var answeredEl = document.getElementById("quiz-answered");
  var queue = [];
  var busy = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || { fields: {}, dirty: [] }; }
    catch (e) { return { fields: {}, dirty: [] }; }
  }
  function store(data) { try { localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* full */ } }
  function say(text) { if (stateEl) { stateEl.textContent = text; } }

  function fieldsOf(fieldset) {
    var out = {};
    var els = fieldset.querySelectorAll("input[name], select[name]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.name === "seen") { continue; }
      if (!out[el.name]) { out[el.name] = []; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { continue; }
      out[el.name].push(el.value);
    }
    return out;
  }

  function remember(fieldset) {
    var data = load();
    var fields = fieldsOf(fieldset);
    for (var name in fields) { if (Object.prototype.hasOwnProperty.call(fields, name)) { data.fields[name] = fields[name]; } }
    var qid = fieldset.dataset.question;
    if (data.dirty.indexOf(qid) < 0) { data.dirty.push(qid); }
    store(data);
  }

  function forget(qid) {
    var data = load();
    data.dirty = data.dirty.filter(function (d) { return d !== qid; });
    store(data);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch", "Accept": "application/json" }
    });
  }

  function toResult(url) { localStorage.removeItem(KEY); localStorage.removeItem(SUBMIT_KEY); window.location.assign(url || form.dataset.resultUrl); }

  function pump() {
    if (busy || !queue.length) { return; }
    busy = true;
    var fieldset = queue.shift();
    var qid = fieldset.dataset.question;
    var body = new FormData();
    body.append("seen", qid);
    var fields = fieldsOf(fieldset);
    for (var name in fields) {
      if (Object.prototype.hasOwnProperty.call(fields, name)) {
        for (var i = 0; i < fields[name].length; i++) { body.append(name, fields[name][i]); }
      }
    }
    post(form.dataset.saveUrl, body).then(function (response) {
      if (response.status === 409) { return response.json().then(function (d) { toResult(d.result_url); }); }
      if (!response.ok) { throw new Error("save failed"); }
      forget(qid);
      say(form.dataset.msgSaved);
    }).catch(function () {
      say(form.dataset.msgOffline);
    }).then(function () { busy = false; pump(); });
  }

  function save(fieldset) {
    remember(fieldset);
    if (queue.indexOf(fieldset) < 0) { queue.push(fieldset); }
    pump();
    count();
  }

  function answered(fieldset) {
    if (fieldset.querySelector("ol[data-order]")) { return true; }
    var selects = fieldset.querySelectorAll("select");
    if (selects.length) {
      for (var i = 0; i < selects.length; i++) { if (!selects[i].value) { return false; } }
      return true;
    }
    return !!fieldset.querySelector("input:checked");
  }

  var fieldsets = form.querySelectorAll("fieldset[data-question]");
  function count() {
    if (!answeredEl) { return; }
    var n = 0;
    for (var i = 0; i < fieldsets.length; i++) { if (answered(fieldsets[i])) { n++; } }
    answeredEl.textContent = form.dataset.msgAnswered.replace("{n}", n);
  }

  // Ordering: up/down buttons instead of drag and drop; the position selects follow.
  function renumber(list) {
    var items = list.children;
    for (var i = 0; i < items.length; i++) { items[i].querySelector("select").value = String(i + 1); }
  }
  function sortBySelects(list) {
    var items = Array.prototype.slice.call(list.children);
    items.sort(function (a, b) {
      return Number(a.querySelector("select").value) - Number(b.querySelector("select").value);
    });
    for (var i = 0; i < items.length; i++) { list.appendChild(items[i]); }
    renumber(list);
  }
  function addButtons(list) {
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      var box = document.createElement("span");
      box.className = "order-moves";
      [["up", form.dataset.msgUp, "↑"], ["down", form.dataset.msgDown, "↓"]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn secondary order-" + spec[0];
        button.dataset.move = spec[0];
        button.setAttribute("aria-label", spec[1]);
        button.textContent = spec[2];
        box.appendChild(button);
      });
      items[i].appendChild(box);
    }
  }
  var lists = form.querySelectorAll("ol[data-order]");
  for (var l = 0; l < lists.length; l++) { addButtons(lists[l]); }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) { return; }
    var item = button.closest("li");
    var list = item.parentNode;
    if (button.dataset.move === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else { return; }
    renumber(list);
    button.focus();
    save(list.closest("fieldset"));
  });

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) { return; }
    var list = event.target.closest("ol[data-order]");
    if (list && event.target.tagName === "SELECT") {
      // Swap with the step that held the chosen position, then re-sort.
      var wanted = event.target.value;
      var selects = list.querySelectorAll("select");
      var items = Array.prototype.slice.call(list.children);
      var old = String(items.indexOf(event.target.closest("li")) + 1);
      for (var i = 0; i < selects.length; i++) {
        if (selects[i] !== event.target && selects[i].value === wanted) { selects[i].value = old; }
      }
      sortBySelects(list);
      event.target.focus();
    }
    save(fieldset);
  });

  // Restore answers kept on the phone that the server has not confirmed, and send them again.
  (function restore() {
    var data = load();
    if (!data.dirty.length) { return; }
    for (var d = 0; d < data.dirty.length; d++) {
      var fieldset = document.getElementById("question-" + data.dirty[d]);
      if (!fieldset) { continue; }
      var els = fieldset.querySelectorAll("input[name], select[name]");
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        var values = data.fields[el.name];
        if (!values) { continue; }
        if (el.type === "radio" || el.type === "checkbox") { el.checked = values.indexOf(el.value) >= 0; }
        else if (el.tagName === "SELECT") { el.value = values[0] || ""; }
      }
      var list = fieldset.querySelector("ol[data-order]");
      if (list) { sortBySelects(list); }
      queue.push(fieldset);
    }
    pump();
  })();
  count();

  // Submit through fetch; offline, keep it and retry when the connection comes back.
  function sendSubmit() {
    var body = new FormData(form);
    return post(form.action, body).then(function (response) {
      if (response.ok) { return response.json().then(function (d) { toResult(d.result_url); }); }
      if (response.status >= 500) { throw new Error("server"); }
      localStorage.removeItem(SUBMIT_KEY);
      HTMLFormElement.prototype.submit.call(form);  // let the server explain (e.g. expired form)
    });
  }
  function trySubmit() {
    sendSubmit().catch(function () {
      try { localStorage.setItem(SUBMIT_KEY, "1"); } catch (e) { /* full */ }
      say(form.dataset.msgOffline);
      var buttons = form.querySelectorAll("button[data-once]");
      for (var i = 0; i < buttons.length; i++) { buttons[i].removeAttribute("aria-busy"); }
      form.dataset.sent = "";
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    for (var i = 0; i < fieldsets.length; i++) { remember(fieldsets[i]); }
    trySubmit();
  });
  window.addEventListener("online", function () {
    if (localStorage.getItem(SUBMIT_KEY)) { trySubmit(); } else { pump(); }
  });
  if (localStorage.getItem(SUBMIT_KEY) && navigator.onLine !== false) { trySubmit(); }

  // Time left, and an automatic submit at the deadline.
  var deadline = form.dataset.deadline ? Date.parse(form.dataset.deadline) : null;
  var timer = document.getElementById("quiz-timer");
  if (deadline && timer) {
    var tick = function () {
      var left = deadline - Date.now();
      if (left <= 0) { trySubmit(); return; }
      timer.textContent = "(" + form.dataset.msgLeft.replace("{n}", Math.ceil(left / 60000)) + ")";
      setTimeout(tick, Math.min(left, 15000));
    };
    tick();
  }
})();
