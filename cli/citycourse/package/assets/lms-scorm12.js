/* citycourse SCORM 1.2 runtime for one module page (a SCO). Added by `citycourse package --format scorm12`.
   Finds the LMS's API object (window.parent chain, then opener, as the SCORM 1.2 RTE describes), then:
   LMSInitialize("") → lesson_status "incomplete" unless a status is already recorded → LMSCommit;
   the end of the module seen → "completed" (unless already passed/failed/completed);
   the self-check checked → score.raw/min/max (0–100) and "passed"/"failed" (a pass is never undone);
   "Finish" or leaving the page → session_time, LMSCommit, LMSFinish. Outside an LMS it does nothing. */
(function () {
  "use strict";
  var configNode = document.getElementById("cc-package");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);

  function findIn(win) {
    for (var hops = 0; win && hops < 500; hops++) {
      try { if (win.API) return win.API; } catch (e) { return null; } /* another origin: stop */
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findIn(window.parent !== window ? window.parent : null) || findIn(window.opener) ;
  if (!api) return;

  var started = Date.now();
  var finished = false;
  var ok = function (value) { return value === true || value === "true"; };
  if (!ok(api.LMSInitialize(""))) return;

  function get(name) { return String(api.LMSGetValue(name) || ""); }
  function set(name, value) { return api.LMSSetValue(name, String(value)); }
  var status = get("cmi.core.lesson_status");
  if (status === "" || status === "not attempted" || status === "browsed") {
    set("cmi.core.lesson_status", "incomplete");
    status = "incomplete";
  }
  api.LMSCommit("");

  function reachedEnd() {
    if (finished || status !== "incomplete") return;
    set("cmi.core.lesson_status", "completed");
    status = "completed";
    api.LMSCommit("");
  }

  document.addEventListener("citycourse:selfcheck", function (event) {
    if (finished || status === "passed") return; /* a pass stays a pass */
    var d = event.detail;
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", Math.round(d.scaled * 100));
    status = d.passed ? "passed" : "failed";
    set("cmi.core.lesson_status", status);
    api.LMSCommit("");
  });

  var end = document.getElementById("cc-module-end");
  if (end && "IntersectionObserver" in window) {
    new IntersectionObserver(function (entries, observer) {
      if (entries.some(function (e) { return e.isIntersecting; })) { observer.disconnect(); reachedEnd(); }
    }).observe(end);
  }

  function sessionTime() { /* CMITimespan: HHHH:MM:SS.SS */
    var s = (Date.now() - started) / 1000;
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var pad = function (n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; };
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(sec.toFixed(2), 5);
  }

  function finish() {
    if (finished) return;
    finished = true;
    set("cmi.core.session_time", sessionTime());
    api.LMSCommit("");
    api.LMSFinish("");
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  if (end) { /* a Finish button at the end of the module */
    var p = document.createElement("p");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button md-button--primary";
    button.id = "cc-lms-finish";
    button.textContent = config.strings.finish;
    var note = document.createElement("span");
    note.setAttribute("role", "status");
    button.addEventListener("click", function () {
      reachedEnd();
      finish();
      button.disabled = true;
      note.textContent = " " + config.strings.finished;
    });
    p.appendChild(button);
    p.appendChild(note);
    end.appendChild(p);
  }

  /* Inside the LMS frame, links to the course's other pages open beside the module, so the SCO stays open. */
  document.querySelectorAll("a[href]").forEach(function (a) {
    var href = a.getAttribute("href");
    if (href && href.charAt(0) !== "#" && !/^javascript:/i.test(href)) { a.target = "_blank"; a.rel = "noopener"; }
  });
})();
