/* citycourse cmi5 runtime for one module page (an AU). Added by `citycourse package --format cmi5`.
   cmi5 §8.1: reads endpoint, fetch, actor, registration and activityId from the launch URL; §8.2: POSTs to
   fetch once for the auth token (sent as "Authorization: Basic <token>"); §10: reads the LMS.LaunchData state
   (contextTemplate, launchMode, masteryScore, returnURL); §9.3: sends "initialized" first, then "completed"
   when the end of the module is seen and "passed"/"failed" when the self-check is checked (score ≥
   masteryScore), each at most once and only in Normal launch mode, and "terminated" last, on Finish or when the
   page is left. Every statement: a UUID id, a UTC timestamp, the launch actor, the activityId as object, and the
   context template with the registration and the cmi5 category (plus the moveOn category with a result).
   Without launch parameters (the site opened on its own) it does nothing. */
(function () {
  "use strict";
  var configNode = document.getElementById("cc-package");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);
  var query = new URLSearchParams(window.location.search);
  var launch = {};
  var names = ["endpoint", "fetch", "actor", "registration", "activityId"];
  for (var i = 0; i < names.length; i++) {
    launch[names[i]] = query.get(names[i]);
    if (!launch[names[i]]) return;
  }
  var actor;
  try { actor = JSON.parse(launch.actor); } catch (e) { return; }
  var endpoint = launch.endpoint.replace(/\/?$/, "/");
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
  var ADL = "http://adlnet.gov/expapi/verbs/";
  var state = { token: null, launchData: null, sent: {}, queue: Promise.resolve(), finished: false,
                started: Date.now(), ready: null };
  var memoryKey = "citycourse-cmi5:" + launch.registration + ":" + launch.activityId;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function duration(ms) { return "PT" + (Math.max(0, ms) / 1000).toFixed(2) + "S"; }
  function headers(json) {
    var h = { "Authorization": "Basic " + state.token, "X-Experience-API-Version": "1.0.3" };
    if (json) h["Content-Type"] = "application/json";
    return h;
  }
  /* Verbs a registration may hold once (completed, passed): remembered in this browser across sessions. */
  function remembered() { try { return JSON.parse(localStorage.getItem(memoryKey) || "{}"); } catch (e) { return {}; } }
  function remember(verb) {
    try { var m = remembered(); m[verb] = true; localStorage.setItem(memoryKey, JSON.stringify(m)); } catch (e) { /* private mode */ }
  }

  function context(withResult, masteryScore) {
    var template = (state.launchData && state.launchData.contextTemplate) || {};
    var ctx = JSON.parse(JSON.stringify(template));
    ctx.registration = launch.registration;
    var acts = ctx.contextActivities = ctx.contextActivities || {};
    var category = acts.category = [].concat(acts.category || []);
    if (!category.some(function (a) { return a.id === CMI5; })) category.push({ id: CMI5 });
    if (withResult && !category.some(function (a) { return a.id === MOVEON; })) category.push({ id: MOVEON });
    /* The LMS puts the publisher id in the template (§9.6.2.3); add it if an LMS did not, so the statement
       still names the module. */
    var grouping = acts.grouping = [].concat(acts.grouping || []);
    if (!grouping.some(function (a) { return a.id === config.publisherId; })) grouping.push({ id: config.publisherId });
    if (masteryScore !== null && masteryScore !== undefined) {
      ctx.extensions = ctx.extensions || {};
      ctx.extensions[MASTERY] = masteryScore;
    }
    return ctx;
  }

  function statement(verb, result, masteryScore) {
    var st = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: actor,
      verb: { id: verb.indexOf(":") > 0 ? verb : ADL + verb, display: { "en-US": verb } },
      object: { id: launch.activityId, objectType: "Activity" },
      context: context(!!(result && ("success" in result || "completion" in result)), masteryScore)
    };
    if (result) st.result = result;
    return st;
  }

  function post(st, keepalive) {
    state.queue = state.queue.then(function () {
      return fetch(endpoint + "statements", { method: "POST", headers: headers(true), body: JSON.stringify(st),
                                              keepalive: !!keepalive, credentials: "omit" });
    }).catch(function () { /* the LMS will see the session as abandoned */ });
    return state.queue;
  }

  function normal() { return !state.launchData || !state.launchData.launchMode || state.launchData.launchMode === "Normal"; }

  function completed() {
    if (state.finished || state.sent.completed || remembered().completed || !normal()) return;
    state.sent.completed = true;
    remember("completed");
    post(statement("completed", { completion: true, duration: duration(Date.now() - state.started) }));
  }

  function judged(detail) {
    /* One of passed/failed per session; passed once per registration; no failed after a pass. */
    if (state.finished || state.sent.judged || remembered().passed || !normal()) return;
    var mastery = state.launchData && typeof state.launchData.masteryScore === "number"
      ? state.launchData.masteryScore : config.passMark;
    var scaled = Math.round(detail.scaled * 10000) / 10000;
    var passed = scaled >= mastery;
    state.sent.judged = true;
    if (passed) remember("passed");
    post(statement(passed ? "passed" : "failed", {
      success: passed,
      score: { scaled: scaled, raw: detail.correct, min: 0, max: detail.total },
      duration: duration(Date.now() - state.started)
    }, mastery));
  }

  function terminate(keepalive) {
    if (state.finished || !state.token) return state.queue;
    state.finished = true;
    return post(statement("terminated", { duration: duration(Date.now() - state.started) }), keepalive);
  }

  state.ready = fetch(launch.fetch, { method: "POST", credentials: "omit" })
    .then(function (r) { return r.json(); })
    .then(function (body) {
      if (!body["auth-token"]) throw new Error("fetch URL gave no auth-token: " + (body["error-text"] || ""));
      state.token = body["auth-token"];
      var q = new URLSearchParams({ stateId: "LMS.LaunchData", activityId: launch.activityId,
                                    agent: JSON.stringify(actor), registration: launch.registration });
      return fetch(endpoint + "activities/state?" + q.toString(), { headers: headers(false), credentials: "omit" });
    })
    .then(function (r) { if (!r.ok) throw new Error("LMS.LaunchData: HTTP " + r.status); return r.json(); })
    .then(function (data) {
      state.launchData = data;
      state.started = Date.now();
      return post(statement("initialized"));
    })
    .then(function () { document.documentElement.setAttribute("data-cmi5", "initialized"); })
    .catch(function (error) {
      document.documentElement.setAttribute("data-cmi5", "error");
      if (window.console) console.warn("cmi5: " + error.message);
    });

  document.addEventListener("citycourse:selfcheck", function (event) {
    state.ready.then(function () { if (state.token) judged(event.detail); });
  });
  var end = document.getElementById("cc-module-end");
  if (end && "IntersectionObserver" in window) {
    new IntersectionObserver(function (entries, observer) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        observer.disconnect();
        state.ready.then(function () { if (state.token) completed(); });
      }
    }).observe(end);
  }
  window.addEventListener("pagehide", function () { terminate(true); });

  if (end) { /* "Finish": terminated, then back to the LMS (returnURL) when it gave one */
    var p = document.createElement("p");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button md-button--primary";
    button.id = "cc-lms-finish";
    button.textContent = config.strings.finish;
    var note = document.createElement("span");
    note.setAttribute("role", "status");
    button.addEventListener("click", function () {
      button.disabled = true;
      state.ready.then(function () { return terminate(false); }).then(function () {
        note.textContent = " " + config.strings.finished;
        document.documentElement.setAttribute("data-cmi5", "terminated");
        var back = state.launchData && state.launchData.returnURL;
        if (back) window.location.assign(back);
      });
    });
    p.appendChild(button);
    p.appendChild(note);
    end.appendChild(p);
  }
})();
