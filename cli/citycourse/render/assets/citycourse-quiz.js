/* citycourse self-check (render/selfcheck.py, templates/_quiz.md.j2).
   Each question holds a salt and sha256(salt + ":" + index of the right choice); the chosen index is hashed
   the same way and compared, so the page source does not show the answers. Works from file:// and inside an
   LMS frame with no network: SHA-256 is computed here (crypto.subtle is missing outside secure contexts).
   On every check it dispatches `citycourse:selfcheck` on document with
   {module, correct, total, scaled, passMark, passed}; the SCORM and cmi5 runtimes of a package listen to it. */
(function () {
  "use strict";
  if (window.citycourseQuiz) { window.citycourseQuiz.init(); return; }

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  /* SHA-256 of a string's UTF-8 bytes, as 64 hex digits (FIPS 180-4). */
  function sha256hex(text) {
    var bytes = Array.prototype.slice.call(new TextEncoder().encode(text));
    var bitLength = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (var s = 56; s >= 0; s -= 8) bytes.push(s >= 32 ? Math.floor(bitLength / Math.pow(2, s)) & 0xff : (bitLength >>> s) & 0xff);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var off = 0; off < bytes.length; off += 64) {
      for (var i = 0; i < 16; i++) {
        w[i] = (bytes[off + 4 * i] << 24) | (bytes[off + 4 * i + 1] << 16) | (bytes[off + 4 * i + 2] << 8) | bytes[off + 4 * i + 3];
      }
      for (i = 16; i < 64; i++) {
        var x = w[i - 15], y = w[i - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h.map(function (v) { return ("00000000" + (v >>> 0).toString(16)).slice(-8); }).join("");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? String(values[name]) : m; });
  }

  function setup(box) {
    if (box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var form = box.querySelector("form");
    var result = box.querySelector(".cc-quiz-result");
    var passMark = parseFloat(box.getAttribute("data-pass-mark"));
    var msg = function (name) { return box.getAttribute("data-msg-" + name) || ""; };
    form.hidden = false;

    function clearMarks() {
      box.querySelectorAll(".cc-quiz-q").forEach(function (q) {
        q.removeAttribute("aria-invalid");
        q.removeAttribute("data-result");
        q.querySelector(".cc-quiz-mark").textContent = "";
      });
      result.textContent = "";
      result.removeAttribute("data-passed");
    }

    form.addEventListener("reset", function () { setTimeout(clearMarks, 0); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearMarks();
      var questions = box.querySelectorAll(".cc-quiz-q");
      for (var i = 0; i < questions.length; i++) {
        if (!questions[i].querySelector("input:checked")) {
          questions[i].setAttribute("aria-invalid", "true");
          result.textContent = fill(msg("unanswered"), { number: i + 1 });
          questions[i].querySelector("input").focus();
          return;
        }
      }
      var correct = 0;
      questions.forEach(function (q) {
        var chosen = q.querySelector("input:checked").value;
        var right = sha256hex(q.getAttribute("data-salt") + ":" + chosen) === q.getAttribute("data-digest");
        if (right) correct++;
        q.setAttribute("data-result", right ? "correct" : "incorrect");
        var mark = q.querySelector(".cc-quiz-mark");
        mark.textContent = right ? msg("correct") : msg("incorrect");
        q.setAttribute("aria-describedby", mark.id);
      });
      var total = questions.length;
      var scaled = total ? correct / total : 0;
      var passed = scaled + 1e-9 >= passMark;
      var values = { correct: correct, total: total, percent: Math.round(scaled * 100), pass: Math.round(passMark * 100) };
      result.textContent = fill(msg(passed ? "passed" : "failed"), values);
      result.setAttribute("data-passed", passed ? "true" : "false");
      result.focus();
      var detail = { module: box.getAttribute("data-module"), correct: correct, total: total, scaled: scaled,
                     passMark: passMark, passed: passed };
      document.dispatchEvent(new CustomEvent("citycourse:selfcheck", { detail: detail }));
    });
  }

  window.citycourseQuiz = {
    sha256hex: sha256hex,
    init: function () { document.querySelectorAll(".cc-quiz").forEach(setup); }
  };
  window.citycourseQuiz.init();
})();
