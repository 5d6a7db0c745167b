/* The walkthrough site's small behaviours. Everything works without it; it only adds:
   - margin notes that do not overlap (a note beside its line moves down below the note above it);
   - the cards' copy button (copies the Go lines shown, no line numbers, no notes);
   - opening a model's <details> when a link points into it;
   - hover previews of identifiers (signature + first doc sentence), from one static JSON per package;
   - the symbol index filter. */
(function () {
  "use strict";

  function placeNotes(pane) {
    var notes = pane.querySelectorAll(".wt-note");
    var bottom = -Infinity;
    for (var i = 0; i < notes.length; i++) notes[i].style.top = "";
    for (var j = 0; j < notes.length; j++) {
      var note = notes[j];
      if (getComputedStyle(note).position !== "absolute") { pane.style.minHeight = ""; return; }
      var top = note.offsetTop;  /* where its line puts it */
      if (top < bottom + 4) {  /* `top` counts from the margin edge: take the note's own margin off */
        note.style.top = (bottom + 4 - parseFloat(getComputedStyle(note).marginTop)) + "px";
        top = bottom + 4;
      }
      bottom = top + note.offsetHeight;
    }
    pane.style.minHeight = bottom > 0 ? bottom + "px" : "";
  }

  function copyText(text, button) {
    function done() { button.textContent = "copied"; setTimeout(function () { button.textContent = "copy"; }, 1200); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
      return;
    }
    var area = document.createElement("textarea");
    area.value = text; area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); done(); } catch (e) { /* nothing to copy with */ }
    area.remove();
  }

  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var details = target && target.closest("details");
    if (details) details.open = true;
  }

  /* Hover previews: links to symbols carry data-sym="ID"; the JSON file of the symbol's package (split as
     site.preview_file splits it) maps each id to [kind, signature, first doc sentence]. Fetched once, on the
     first hover over one of its symbols. */
  var previews = {};
  var tip = null;
  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* the theme's default */ }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }
  function previewFile(id) {
    var colon = id.indexOf(":");
    var rest = id.slice(colon + 1);
    var dot = rest.indexOf(".", rest.lastIndexOf("/") + 1);
    var pkg = (id.slice(0, colon) + "/" + (dot >= 0 ? rest.slice(0, dot) : rest)).replace(/[^A-Za-z0-9_.\/-]/g, "_");
    return new URL("assets/walkthrough/preview/" + pkg + ".json", siteRoot()).href;
  }
  function preview(link) {
    var id = link.getAttribute("data-sym");
    var file = previewFile(id);
    if (!previews[file]) {
      previews[file] = fetch(file).then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; });
    }
    previews[file].then(function (data) {
      var entry = data[id];
      if (!entry || !link.matches(":hover")) return;
      if (!tip) {
        tip = document.createElement("div");
        tip.className = "wt-preview md-typeset";
        tip.setAttribute("role", "tooltip");
        document.body.appendChild(tip);
      }
      tip.textContent = "";
      var head = document.createElement("div");
      head.className = "wt-preview-head";
      head.textContent = entry[0] + " " + id;
      var sig = document.createElement("pre");
      sig.textContent = entry[1];
      tip.appendChild(head); tip.appendChild(sig);
      if (entry[2]) { var doc = document.createElement("p"); doc.textContent = entry[2]; tip.appendChild(doc); }
      var box = link.getBoundingClientRect();
      tip.style.display = "block";
      var left = Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
      tip.style.left = Math.max(window.scrollX + 4, left) + "px";
      var below = box.bottom + window.scrollY + 6;
      var above = box.top + window.scrollY - tip.offsetHeight - 6;
      tip.style.top = (box.bottom + tip.offsetHeight + 6 > window.innerHeight && above > window.scrollY ? above : below) + "px";
    });
  }
  function hidePreview() { if (tip) tip.style.display = "none"; }

  function filterIndex(input) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var groups = document.querySelectorAll(".wt-symbol-index .wt-pkg");
    var shown = 0;
    groups.forEach(function (group) {
      var any = false;
      group.querySelectorAll("li").forEach(function (li) {
        var text = li.getAttribute("data-name") + " " + group.getAttribute("data-pkg");
        var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
        li.hidden = !hit;
        if (hit) { any = true; shown++; }
      });
      group.hidden = !any;
    });
    var count = document.querySelector(".wt-filter-count");
    if (count) count.textContent = words.length ? shown + " shown" : "";
  }

  function setup() {
    var panes = document.querySelectorAll(".wt-has-notes .wt-go");
    panes.forEach(placeNotes);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) { entries.forEach(function (e) { placeNotes(e.target); }); });
      panes.forEach(function (p) { observer.observe(p); });
    }
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { panes.forEach(placeNotes); });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".wt-copy");
      if (!button) return;
      var card = document.getElementById(button.getAttribute("data-copy"));
      if (!card) return;
      var lines = Array.prototype.map.call(card.querySelectorAll(".wt-go .wt-line .wt-src"), function (l) { return l.textContent; });
      copyText(lines.join("\n"), button);
    });
    document.addEventListener("mouseover", function (event) {
      var link = event.target.closest && event.target.closest("a[data-sym]");
      if (link) preview(link); else if (!(event.target.closest && event.target.closest(".wt-preview"))) hidePreview();
    });
    document.addEventListener("focusin", function (event) {
      var link = event.target.closest && event.target.closest("a[data-sym]");
      if (link) preview(link); else hidePreview();
    });
    var filter = document.querySelector(".wt-filter input");
    if (filter) {
      filter.addEventListener("input", function () { filterIndex(filter); });
      if (filter.value) filterIndex(filter);
    }
    openTarget();
    window.addEventListener("hashchange", openTarget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
