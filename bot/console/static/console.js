// Parley review console: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

  // --- length as the network counts it: mirrors replies.compose (a browser test compares them) --
  var URL_RE = /(?:https?:\/\/|www\.)[^\s<>]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|co|social)(?:\/[^\s<>]*)?\b/gi;
  var EMOJI_RE = /(?:[\u{1F1E6}-\u{1F1FF}]{2}|[\u{1F000}-\u{1FAFF}\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF][\uFE0F\u{1F3FB}-\u{1F3FF}]*(?:\u200D[\u{1F000}-\u{1FAFF}\u2600-\u27BF\u2640\u2642][\uFE0F\u{1F3FB}-\u{1F3FF}]*)*)/gu;
  var MENTION_RE = /(^|[^\w@])@([A-Za-z0-9_]+)(?:@[A-Za-z0-9.-]+\.[A-Za-z]+)?/g;
  var LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
  function charWeight(ch) {
    var cp = ch.codePointAt(0);
    return LIGHT.some(function (r) { return cp >= r[0] && cp <= r[1]; }) ? 1 : 2;
  }
  function plainWeight(text) {
    var total = 0, pos = 0, m;
    function chars(s) { var n = 0; for (var ch of s) n += charWeight(ch); return n; }
    EMOJI_RE.lastIndex = 0;
    while ((m = EMOJI_RE.exec(text)) !== null) {
      total += chars(text.slice(pos, m.index)) + 2;
      pos = m.index + m[0].length;
    }
    return total + chars(text.slice(pos));
  }
  function byUrls(text, weigh) {
    var total = 0, pos = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text)) !== null) {
      total += weigh(text.slice(pos, m.index)) + 23;
      pos = m.index + m[0].length;
    }
    return total + weigh(text.slice(pos));
  }
  function xLength(text) { return byUrls(text.normalize("NFC"), plainWeight); }
  function mastodonLength(text) {
    text = text.replace(MENTION_RE, "$1@$2");
    return byUrls(text, function (s) { return Array.from(s).length; });
  }
  window.parleyLength = function (text, platform) { return platform === "x" ? xLength(text) : mastodonLength(text); };

  // --- the draft editor: live count and live guard check -----------------------------------
  function setupEditor(area) {
    var form = area.form;
    var countBox = document.getElementById("reply-count");
    var countEl = countBox && countBox.querySelector("[data-count]");
    var status = form.querySelector("[data-guard-status]");
    var limit = parseInt(area.dataset.limit, 10);
    var timer = null, seq = 0;

    function updateCount() {
      var n = window.parleyLength(area.value, area.dataset.platform);
      if (countEl) countEl.textContent = String(n);
      if (countBox) countBox.classList.toggle("over", n > limit);
    }
    function show(allowed, reasons) {
      status.classList.remove("ok", "refused", "checking");
      status.classList.add(allowed ? "ok" : "refused");
      area.setAttribute("aria-invalid", allowed ? "false" : "true");
      status.textContent = "";
      if (allowed) { status.textContent = "Passes the reply guard."; return; }
      var strong = document.createElement("strong");
      strong.textContent = "The guard refuses this text:";
      var list = document.createElement("ul");
      reasons.forEach(function (r) { var li = document.createElement("li"); li.textContent = r; list.appendChild(li); });
      status.appendChild(strong);
      status.appendChild(list);
    }
    function check() {
      var mine = ++seq;
      fetch("/api/guard/check", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ text: area.value, draft_id: parseInt(area.dataset.draftId, 10) })
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data && mine === seq) show(data.allowed, data.reasons || []);
      }).catch(function () { /* offline: the server checks again on submit */ });
    }
    area.addEventListener("input", function () {
      updateCount();
      status.classList.add("checking");
      clearTimeout(timer);
      timer = setTimeout(check, 350);
    });
    updateCount();
  }

  // --- SLA timers -------------------------------------------------------------------------
  function duration(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + String(minutes % 60).padStart(2, "0") + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }
  function tickTimers() {
    var now = Date.now();
    document.querySelectorAll("time[data-due]").forEach(function (el) {
      var left = (Date.parse(el.dataset.due) - now) / 1000;
      el.textContent = "";
      if (left < 0) {
        var span = document.createElement("span");
        span.className = "overdue";
        span.textContent = "overdue " + duration(left);
        el.appendChild(span);
        var item = el.closest(".queue-item");
        if (item) item.classList.add("is-overdue");
      } else {
        el.textContent = "due in " + duration(left);
      }
    });
  }

  // --- the queue refreshes itself while nobody is typing -----------------------------------
  function refreshQueue() {
    var active = document.activeElement;
    if (active && /INPUT|SELECT|TEXTAREA/.test(active.tagName)) return;
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) {
      return r.ok && !r.redirected ? r.text() : null;
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
      var main = document.querySelector("main");
      if (fresh && main) { main.replaceChildren.apply(main, Array.from(fresh.childNodes)); tickTimers(); }
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-guard-check]").forEach(setupEditor);
    tickTimers();
    setInterval(tickTimers, 30000);
    if (document.querySelector("[data-live-queue]") || document.querySelector(".queue, .empty")) {
      if (window.location.pathname === "/queue") setInterval(refreshQueue, 60000);
    }
  });
})();
