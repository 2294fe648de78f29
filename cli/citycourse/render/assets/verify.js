/* citycourse: check an Open Badges 3.0 credential (VC-JWT, Ed25519) in the browser, offline.
 * The same checks as `citycourse certificates verify` (cli/citycourse/credentials.py): canonical base64url,
 * EdDSA signature by this site's issuer (WebCrypto Ed25519), JWT claims = credential fields, dates,
 * and the revocation bit in the issuer's signed Bitstring Status List shipped with the site
 * (credentials/verify-data.js sets window.CITYCOURSE_VERIFY). Nothing is sent anywhere. */
(function () {
  "use strict";
  var D = window.CITYCOURSE_VERIFY;
  var S = D.strings;
  var LIST_BITS = 131072;

  function Fail(status, reason) { this.status = status; this.reason = reason; }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function b64e(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function b64d(text) {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Fail("invalid", S.reason_damaged);
    var bin;
    try { bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)); }
    catch (e) { throw new Fail("invalid", S.reason_damaged); }
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (b64e(bytes) !== text) throw new Fail("invalid", S.reason_damaged); // non-canonical: changed
    return bytes;
  }
  function json(bytes) {
    try { var v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)); }
    catch (e) { throw new Fail("invalid", S.reason_damaged); }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Fail("invalid", S.reason_damaged);
    return v;
  }
  function issuerId(p) { return p.issuer && typeof p.issuer === "object" ? p.issuer.id : p.issuer; }
  function seconds(iso) { return Math.floor(Date.parse(iso) / 1000); }
  function day(iso) {
    try { return new Date(iso).toLocaleDateString(D.lang, { year: "numeric", month: "long", day: "numeric" }); }
    catch (e) { return iso; }
  }

  var keyPromise = null;
  function issuerKey() {
    if (!keyPromise) {
      if (!window.crypto || !crypto.subtle) return Promise.reject(new Fail("invalid", S.reason_no_crypto));
      keyPromise = crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: D.issuer.x, ext: true },
        { name: "Ed25519" }, false, ["verify"]);
    }
    return keyPromise.catch(function () { throw new Fail("invalid", S.reason_no_crypto); });
  }

  /* Signature of a VC-JWT by this site's issuer; resolves to the payload. */
  function checkSigned(token) {
    var parts = token.split(".");
    if (parts.length !== 3) return Promise.reject(new Fail("invalid", S.reason_damaged));
    var header, payload, sig;
    try {
      header = json(b64d(parts[0])); payload = json(b64d(parts[1])); sig = b64d(parts[2]);
    } catch (f) { return Promise.reject(f); }
    if (header.alg !== "EdDSA" && header.alg !== "Ed25519") return Promise.reject(new Fail("invalid", S.reason_damaged));
    var iss = issuerId(payload);
    if (payload.iss !== iss) return Promise.reject(new Fail("invalid", S.reason_signature));
    if (iss !== D.issuer.did) return Promise.reject(new Fail("untrusted", S.reason_untrusted));
    return issuerKey().then(function (key) {
      var data = new TextEncoder().encode(parts[0] + "." + parts[1]);
      return crypto.subtle.verify({ name: "Ed25519" }, key, sig, data);
    }).then(function (ok) {
      if (!ok) throw new Fail("invalid", S.reason_signature);
      return payload;
    });
  }

  var listPromise = null;
  function revocationList() {
    if (!listPromise) {
      listPromise = checkSigned(D.statusList).then(function (p) {
        var enc = p.credentialSubject.encodedList;
        var gz = b64d(enc.slice(1));
        var stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer().then(function (buf) {
          return { id: p.id, bits: new Uint8Array(buf), reasons: p.credentialSubject.revocationReasons || {} };
        });
      });
    }
    return listPromise;
  }

  function verify(text, now) {
    text = text.trim();
    return checkSigned(text).then(function (p) {
      var subject = p.credentialSubject || {};
      if (p.jti !== p.id || (subject.id && p.sub !== subject.id) || p.nbf !== seconds(p.validFrom) ||
          ((p.validUntil || p.exp) && p.exp !== seconds(p.validUntil))) throw new Fail("invalid", S.reason_signature);
      var types = p.type || [];
      if (types.indexOf("OpenBadgeCredential") < 0) throw new Fail("invalid", S.reason_damaged);
      if (now < Date.parse(p.validFrom)) throw new Fail("not-yet-valid", fmt(S.reason_not_yet, { date: day(p.validFrom) }));
      if (p.validUntil && now > Date.parse(p.validUntil)) throw new Fail("expired", fmt(S.reason_expired, { date: day(p.validUntil) }));
      var entry = p.credentialStatus;
      if (!entry) return p;
      return revocationList().then(function (list) {
        if (entry.statusListCredential !== list.id) throw new Fail("invalid", S.reason_untrusted);
        var i = parseInt(entry.statusListIndex, 10);
        if (!(i >= 0 && i < LIST_BITS)) throw new Fail("invalid", S.reason_damaged);
        if (list.bits[i >> 3] & (0x80 >> (i & 7))) {
          throw new Fail("revoked", fmt(S.reason_revoked, { reason: list.reasons[String(i)] || "" }));
        }
        return p;
      });
    });
  }

  function codeOf(id) {
    var hex = String(id).replace("urn:uuid:", "").replace(/-/g, "").toUpperCase().slice(0, 12);
    return hex.slice(0, 4) + "-" + hex.slice(4, 8) + "-" + hex.slice(8, 12);
  }
  function sha256hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    });
  }

  var expectedCode = (location.hash.match(/code=([0-9A-Fa-f-]{12,14})/) || [])[1];
  var out = document.getElementById("cc-verify-result");
  var text = document.getElementById("cc-verify-text");
  var email = document.getElementById("cc-verify-email");
  if (expectedCode) {
    document.getElementById("cc-verify-expected").textContent = fmt(S.verify_code_expected, { code: expectedCode.toUpperCase() });
  }

  function line(parent, cls, content) {
    var p = document.createElement("p");
    p.className = cls; p.textContent = content; parent.appendChild(p); return p;
  }
  function show(result) {
    out.textContent = "";
    out.setAttribute("data-status", result.status);
    out.className = "cc-verify-result cc-" + (result.status === "valid" ? "ok" : "fail");
    line(out, "cc-verdict", result.status === "valid"
      ? fmt(S.valid, { issuer: D.issuer.name }) : fmt(S.invalid, { reason: result.reason }));
    var p = result.payload;
    if (!p) return Promise.resolve();
    var a = (p.credentialSubject || {}).achievement || {};
    line(out, "cc-what", S.what + ": " + (p.name || a.name || "") + " · " + S.code + ": " + codeOf(p.id));
    if (expectedCode) {
      line(out, "cc-code", codeOf(p.id) === expectedCode.toUpperCase() ? S.code_matches : S.code_differs);
    }
    var ident = ((p.credentialSubject || {}).identifier || [])[0];
    if (email.value.trim() && ident && ident.salt !== undefined) {
      return sha256hex(email.value.trim().toLowerCase() + ident.salt).then(function (h) {
        line(out, "cc-email", "sha256$" + h === ident.identityHash ? S.issued_to_email : S.not_issued_to_email);
      });
    }
    return Promise.resolve();
  }

  function run() {
    out.setAttribute("data-status", "checking");
    return verify(text.value, Date.now()).then(function (p) {
      return show({ status: "valid", payload: p });
    }, function (f) {
      if (!(f instanceof Fail)) f = new Fail("invalid", S.reason_damaged);
      return show({ status: f.status, reason: f.reason });
    });
  }

  document.getElementById("cc-verify-form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
  document.getElementById("cc-verify-file").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (file) file.text().then(function (t) { text.value = t; run(); });
  });
  var drop = document.getElementById("cc-verify-drop");
  drop.addEventListener("dragover", function (e) { e.preventDefault(); });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    var file = e.dataTransfer.files[0];
    if (file) file.text().then(function (t) { text.value = t; run(); });
  });
  window.citycourseVerify = verify; // for scripts and tests: verify(text, nowMillis) → Promise
})();
