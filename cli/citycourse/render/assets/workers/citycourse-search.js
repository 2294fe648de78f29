/* citycourse: search for languages written without spaces between words (Thai, Lao, Khmer, Burmese).
   The theme's search worker splits text into words at spaces only, so a Thai sentence was one "word" and a
   query found a page only when the sentence began with it. This wrapper runs before the theme's worker
   (loaded below): it cuts every such run into words with the browser's own dictionary segmenter
   (Intl.Segmenter, ICU; nothing is downloaded), in the pages' text with U+200B between words (a word
   separator for the index, invisible in results) and in the query, where the words of one typed run must
   all be present. The same segmenter on both sides keeps index and query words alike. Without
   Intl.Segmenter the theme's behaviour is unchanged. On a Vietnamese site, where a word is several
   syllables with spaces between them, every syllable of a query must be present ("dữ liệu" is "data",
   not every page with "liệu"). */
(function () {
  "use strict";
  var here = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : self.location.href;
  var cut = here.indexOf("#");
  var theme = cut >= 0 ? here.slice(cut + 1).split("?")[0] : "";
  var base = here.split("#")[0].split("?")[0].replace(/[^\/]*$/, "");
  var RUN = /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u19E0-\u19FF\uAA60-\uAA7F]+/g;
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

  function pieces(run) {
    var out = [];
    for (var it = segmenter.segment(run)[Symbol.iterator](), s = it.next(); !s.done; s = it.next()) out.push(s.value);
    return out;
  }
  function spaced(text) {
    return typeof text === "string" ? text.replace(RUN, function (run) {
      return pieces(run).map(function (p) { return p.segment; }).join("\u200b");
    }) : text;
  }
  function stopWord(word) {  // the index leaves these out, so they cannot be required
    try {
      return typeof lunr !== "undefined" && lunr.vi && lunr.vi.stopWordFilter
        && lunr.vi.stopWordFilter(new lunr.Token(word.toLowerCase())) === undefined;
    } catch (e) { return false; }
  }
  var allWords = false;  // Vietnamese: a word is several syllables, so a query's syllables must all be there
  function query(text) {
    if (allWords) {
      var terms = text.trim().split(/\s+/);
      if (terms.length > 1 && terms.every(function (w) { return /^[^+\-~^:*"]+$/.test(w); })) {
        return terms.map(function (w, i) {
          return (stopWord(w) ? "" : "+") + w + (i === terms.length - 1 || stopWord(w) ? "*" : "");
        }).join(" ");
      }
    }
    if (!segmenter) return text;
    return text.replace(RUN, function (run) {
      var words = pieces(run).filter(function (p) { return p.isWordLike; }).map(function (p) { return p.segment; });
      if (words.length < 2) return run;
      return words.map(function (w, i) { return "+" + w + (i === words.length - 1 ? "*" : ""); }).join(" ");
    });
  }
  addEventListener("message", function (event) {
    var message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === 0 && message.data) {  // setup: configuration and every page's text
      var config = message.data.config || {};
      allWords = (config.lang || []).indexOf("vi") >= 0;
      if (segmenter) {
        config.separator = "(?:" + (config.separator || "[\\s\\-]+") + "|\\u200b)+";
        (message.data.docs || []).forEach(function (doc) { doc.title = spaced(doc.title); doc.text = spaced(doc.text); });
      }
    } else if (message.type === 2 && typeof message.data === "string") {  // a query
      message.data = query(message.data);
    }
  });
  importScripts(base + theme);
})();
