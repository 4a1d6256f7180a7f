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
  var offline = false;
  var retryTimer = null;
  function say(text, state) {
    if (!stateEl) { return; }
    stateEl.textContent = text;
    stateEl.setAttribute("data-state", state || "");
  }
  // After a failed save, try again by itself (the "online" event is not always sent).
  function retryLater() {
    if (retryTimer) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; pump(); }, 5000);
  }
  function wentOffline() { offline = true; say(form.dataset.msgOffline, "offline"); }
  function savedOk() {
    say(offline ? form.dataset.msgBack : form.dataset.msgSaved, "saved");
    offline = false;
  }

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
      if (response.status === 409) {
        // The attempt is closed (submitted elsewhere, or time is up): say so, then show the result.
        return response.json().then(function (d) {
          queue = [];
          say(d.message || "");
          setTimeout(function () { toResult(d.result_url); }, 1500);
        });
      }
      if (!response.ok) { throw new Error("save failed"); }
      forget(qid);
      if (!queue.length) { savedOk(); }
    }).catch(function () {
      if (queue.indexOf(fieldset) < 0) { queue.unshift(fieldset); }
      wentOffline();
      busy = false;
      retryLater();
      return "stop";
    }).then(function (stop) { if (stop === "stop") { return; } busy = false; pump(); });
  }

  function save(fieldset) {
    remember(fieldset);
    if (queue.indexOf(fieldset) < 0) { queue.push(fieldset); }
    pump();
    count();
  }

  function answered(fieldset) {
    if (fieldset.querySelector("ol[data-order]")) { return true; }
    var groups = fieldset.querySelectorAll("fieldset.match");
    if (groups.length) {
      for (var g = 0; g < groups.length; g++) { if (!groups[g].querySelector("input:checked")) { return false; } }
      return true;
    }
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
    if (typeof refreshOverview === "function") { refreshOverview(); }
  }
  var refreshOverview = null;

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

  // One question per screen: "Question 3/10", previous / next, then an overview of what is
  // answered and the submit button. Without this file the whole form shows on one page.
  (function paging() {
    var saveButton = document.getElementById("quiz-save");
    var saveHint = document.getElementById("quiz-save-hint");
    if (saveButton) { saveButton.hidden = true; }  // answers are saved as they are given
    if (saveHint) { saveHint.hidden = true; }
    var end = document.getElementById("quiz-end");
    var total = fieldsets.length;
    if (!end || total < 2) { return; }
    var PAGE_KEY = "quiz-page:" + attemptId;
    var d = form.dataset;
    var nav = document.createElement("div");
    nav.className = "quiz-nav";
    var prev = document.createElement("button");
    prev.type = "button"; prev.className = "btn secondary"; prev.id = "quiz-prev";
    prev.textContent = "← " + d.msgPrev;
    var next = document.createElement("button");
    next.type = "button"; next.className = "btn"; next.id = "quiz-next";
    nav.appendChild(prev); nav.appendChild(next);
    var overview = document.createElement("section");
    overview.id = "quiz-overview"; overview.className = "quiz-overview"; overview.tabIndex = -1;
    var heading = document.createElement("h2");
    heading.textContent = d.msgOverview;
    var summary = document.createElement("p");
    summary.id = "quiz-overview-summary";
    var items = document.createElement("ol");
    items.className = "overview-list";
    overview.appendChild(heading); overview.appendChild(summary); overview.appendChild(items);
    end.parentNode.insertBefore(overview, end);
    overview.appendChild(end);
    overview.parentNode.insertBefore(nav, overview.nextSibling);  // under the question, and under the overview
    var current = 0;
    try { current = parseInt(sessionStorage.getItem(PAGE_KEY) || "0", 10) || 0; } catch (e) {}
    current = Math.max(0, Math.min(total, current));
    var buttons = [];
    for (var i = 0; i < total; i++) {
      (function (index) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button"; b.className = "overview-item";
        b.addEventListener("click", function () { go(index); });
        li.appendChild(b); items.appendChild(li); buttons.push(b);
        fieldsets[index].tabIndex = -1;
      })(i);
    }
    refreshOverview = function () {
      var missing = 0;
      for (var j = 0; j < total; j++) {
        var done = answered(fieldsets[j]);
        if (!done) { missing++; }
        buttons[j].textContent = d.msgQuestion.replace("{n}", j + 1) + " — " + (done ? "✓ " + d.msgDone : d.msgTodo);
        buttons[j].setAttribute("data-answered", done ? "1" : "0");
      }
      summary.textContent = missing ? d.msgMissing.replace("{n}", missing) : d.msgAll;
    };
    function show(index, focus) {
      current = index;
      try { sessionStorage.setItem(PAGE_KEY, String(index)); } catch (e) {}
      for (var j = 0; j < total; j++) { fieldsets[j].hidden = j !== index; }
      overview.hidden = index !== total;
      prev.hidden = index === 0;
      next.hidden = index === total;
      next.textContent = index === total - 1 ? d.msgToOverview + " →" : d.msgNext + " →";
      if (index === total) { refreshOverview(); }
      if (focus) {
        var target = index === total ? overview : fieldsets[index];
        target.focus({ preventScroll: true });
        form.scrollIntoView({ block: "start" });
      }
    }
    // The phone's Back button goes to the previous question, not away from the quiz.
    var go = function (index) {
      show(index, true);
      if (window.history && history.pushState) { history.pushState({ quizPage: index }, ""); }
    };
    prev.addEventListener("click", function () { if (current > 0) { go(current - 1); } });
    next.addEventListener("click", function () { if (current < total) { go(current + 1); } });
    window.addEventListener("popstate", function (event) {
      if (event.state && typeof event.state.quizPage === "number") { show(event.state.quizPage, true); }
    });
    if (window.history && history.replaceState) { history.replaceState({ quizPage: current }, ""); }
    form.classList.add("paged");
    show(current, false);
  })();

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
      wentOffline();
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
    if (localStorage.getItem(SUBMIT_KEY)) { trySubmit(); return; }
    if (queue.length) { pump(); } else if (offline) { savedOk(); }
  });
  window.addEventListener("offline", wentOffline);
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
