"""The report's inline CSS and script (the page allows exactly this script, by its hash).

The font stack ends in CJK faces (Noto Sans CJK, Source Han Sans, PingFang, Microsoft YaHei,
WenQuanYi) so Chinese renders wherever one of them is installed; a machine with none shows
boxes (Debian: ``apt-get install fonts-noto-cjk``). Below 640 px wide, tables turn into labelled
blocks and the sticky bar is one line, so nothing runs off a 390 px phone screen.
"""
from __future__ import annotations

FONTS = ('system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",'
         '"Noto Sans CJK TC","Source Han Sans SC","PingFang SC","PingFang TC",'
         '"Hiragino Sans GB","Microsoft YaHei","Microsoft JhengHei","WenQuanYi Micro Hei",'
         'sans-serif')

STYLE = """
:root{--fg:#1d2733;--mute:#5f6b7a;--line:#dde3ea;--bg:#f6f8fa;--card:#fff;--zh:#c0392b;
--en:#1f6fb2;--other:#7a5c99;--first:#e7a800}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 FONTS;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
.top{padding:12px 24px 4px}h1{font-size:20px;margin:0 0 4px}.summary{color:var(--mute);margin:0}
.bar{position:sticky;top:0;z-index:2;background:var(--card);border-bottom:1px solid var(--line);
padding:8px 24px;display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center}
#q{flex:1 1 260px;max-width:560px;min-width:0;padding:7px 10px;font-size:15px;
border:1px solid #b8c2cc;border-radius:6px}#count{color:var(--mute);font-size:13px}
.filters summary{cursor:pointer;color:var(--fg);font-size:14px}
.filters[open]{flex-basis:100%}.filters .row{display:flex;flex-wrap:wrap;gap:6px 14px;
padding:6px 0;font-size:13px}.filters label{display:flex;gap:4px;align-items:center}
.filters select,.filters input{max-width:100%;font-size:13px}.filters select{max-width:220px}
#csv{font-size:13px}main{padding:12px 24px;max-width:1200px}
table{border-collapse:collapse;width:100%}#incidents{background:var(--card);
border:1px solid var(--line)}#incidents>thead th{text-align:left;
background:#eef2f6;font-size:13px;padding:4px 6px;white-space:nowrap;border-bottom:1px solid var(--line)}
th button{all:unset;cursor:pointer}th button::after{content:" \\2195";color:var(--mute)}
th[aria-sort=ascending] button::after{content:" \\2191"}
th[aria-sort=descending] button::after{content:" \\2193"}
#incidents>tbody.incident>tr.row>td{padding:8px 6px;border-top:2px solid var(--line);
vertical-align:top}#incidents>tbody[hidden]{display:none}.num{text-align:right}
td.title h2{font-size:16px;margin:0;overflow-wrap:anywhere}.also{margin:2px 0 0;font-size:13px;color:var(--mute)}
tr.detail>td{padding:0 10px 12px 10px}.lead{margin:4px 0 8px;font-size:14px}
.meta{color:var(--mute);margin:0 0 6px;font-size:13px}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;color:#fff;
margin-right:4px}.lang-zh{background:var(--zh)}.lang-en{background:var(--en)}
.lang-other{background:var(--other)}.size{background:#33475b}.trunc{background:#8a6d3b}
.when{white-space:nowrap;color:var(--mute);font-size:13px}time.local{display:block}
.unsure{color:#8a6d3b;font-size:12px}
.timeline{margin:8px 0;border-left:1px solid var(--line);border-right:1px solid var(--line)}
.track{position:relative;height:20px;border-bottom:1px dashed var(--line)}
.track .label{position:absolute;left:4px;top:1px;font-size:11px;color:var(--mute)}
.dot{position:absolute;top:5px;width:10px;height:10px;margin-left:-5px;border-radius:50%}
.dot.first{outline:2px solid var(--first)}.axis{display:flex;justify-content:space-between;
font-size:11px;color:var(--mute);padding-left:34px}
table.pubs{font-size:13px;margin-top:6px}table.pubs th{text-align:left;color:var(--mute);
font-weight:600;padding:2px 6px}table.pubs td{padding:3px 6px;border-top:1px solid var(--line);
vertical-align:top}tr.first td{background:#fff8e1}.star{color:var(--first);font-weight:bold}
a{overflow-wrap:anywhere}details{margin-top:6px}summary{cursor:pointer;color:var(--mute)}
pre.evidence{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:var(--bg);padding:6px;margin:4px 0}
ul.copies{margin:4px 0 8px 18px;padding:0;font-size:13px}.story{margin:6px 0 0}.rep{font-weight:600}
@media (max-width:640px){
.top{padding:8px 10px 2px}h1{font-size:17px}.summary{font-size:12px}
.bar{padding:6px 10px;gap:4px 8px}#q{flex-basis:150px;padding:5px 8px}main{padding:8px 6px}
#incidents,#incidents>tbody,#incidents>tbody>tr,#incidents>tbody>tr>td,table.pubs,
table.pubs tbody,table.pubs tr,table.pubs td{display:block;width:auto}
#incidents>thead{display:block}#incidents>thead tr{display:flex;flex-wrap:wrap;gap:2px 10px;
padding:4px 6px}#incidents>thead th{padding:0;background:none;border:0}
#incidents>tbody.incident>tr.row{display:flex;flex-wrap:wrap;align-items:baseline;
border-top:2px solid var(--line);padding-top:6px}
#incidents>tbody.incident>tr.row>td{border:0;padding:1px 8px;font-size:13px;min-width:0}
#incidents>tbody.incident>tr.row>td.title{order:-1;flex-basis:100%}
#incidents>tbody.incident>tr.row>td.when{flex-basis:100%}
td[data-label]::before{content:attr(data-label) ": ";color:var(--mute);font-size:12px}
td.title::before,td.title[data-label]::before{content:none}.num{text-align:left}
table.pubs thead{display:none}table.pubs tr{border-top:1px solid var(--line);padding:4px 0}
table.pubs td{border:0;padding:0 4px}.when{white-space:normal}}
""".replace("FONTS", FONTS)

SCRIPT = """
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var box = $("q"), count = $("count"), from = $("from"), to = $("to"), lang = $("lang");
  var outlet = $("outlet"), csv = $("csv"), table = $("incidents");
  var items = Array.prototype.slice.call(table.querySelectorAll("tbody.incident"));
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localText(iso) {
    if (!iso || iso.indexOf("T") === -1) { return ""; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    var off = -d.getTimezoneOffset(), sign = off < 0 ? "-" : "+";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + sign + pad(Math.floor(off / 60)) +
      ":" + pad(off % 60);
  }
  Array.prototype.forEach.call(document.querySelectorAll("time.local[data-utc]"), function (t) {
    if (!t.textContent) { t.textContent = localText(t.getAttribute("data-utc")); }
  });
  function matches(item) {
    var hay = item.getAttribute("data-search");
    var terms = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    if (!terms.every(function (t) { return hay.indexOf(t) !== -1; })) { return false; }
    var first = item.getAttribute("data-first"), last = item.getAttribute("data-last");
    if (from.value && (!last || last < from.value)) { return false; }
    if (to.value && (!first || first > to.value)) { return false; }
    if (lang.value && item.getAttribute("data-langs").split(" ").indexOf(lang.value) === -1) {
      return false;
    }
    return !outlet.value || item.getAttribute("data-outlets").split("\\n").indexOf(outlet.value) !== -1;
  }
  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item);
      item.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + items.length +
      (items.length === 1 ? " incident" : " incidents");
  }
  items.forEach(function (item, i) { item.setAttribute("data-k-rank", String(i)); });
  var heads = Array.prototype.slice.call(table.querySelectorAll("thead th[data-key]"));
  heads.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-key"), num = th.getAttribute("data-type") === "num";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      items.sort(function (a, b) {
        var x = a.getAttribute("data-k-" + key), y = b.getAttribute("data-k-" + key);
        if (x === "" || y === "") {  // undated and untitled last, either way
          if (x !== y) { return x === "" ? 1 : -1; }
        } else {
          var c = num ? Number(x) - Number(y) : (x < y ? -1 : (x > y ? 1 : 0));
          if (c !== 0) { return dir * c; }
        }
        return Number(a.getAttribute("data-k-rank")) - Number(b.getAttribute("data-k-rank"));
      });
      items.forEach(function (item) { table.appendChild(item); });
    });
  });
  function cell(value) {
    var text = String(value === null || value === undefined ? "" : value);
    if (/^[=+\\-@\\t\\r]/.test(text)) { text = "'" + text; }  // no formulas in a spreadsheet
    return /[",\\r\\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function csvText() {
    var rows = [JSON.parse(table.getAttribute("data-columns"))];
    items.forEach(function (item) {
      if (item.hidden) { return; }
      var row = JSON.parse(item.getAttribute("data-row"));
      if (!row[2]) { row[2] = localText(row[1]); }
      rows.push(row);
    });
    return rows.map(function (r) { return r.map(cell).join(","); }).join("\\r\\n") + "\\r\\n";
  }
  csv.addEventListener("click", function () {  // a data: URL: the page may load nothing
    var link = $("csv-link");
    link.href = "data:text/csv;charset=utf-8," + encodeURIComponent("\\ufeff" + csvText());
    link.click();
  });
  [box, from, to, lang, outlet].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  var m = /^#q=(.*)$/.exec(window.location.hash);
  if (m) { box.value = decodeURIComponent(m[1]); }
  apply();
})();
"""
