// The dashboard's live panel: polls /api/v1/live/activity every 2 s (tribu.web.hooks_api)
// and lists what live events did, newest first. Text goes in through textContent only.
(function () {
  "use strict";
  var panel = document.getElementById("live");
  var feed = document.getElementById("live-feed");
  var count = document.getElementById("live-count");
  if (!panel || !feed || !count) { return; }
  var cursor = null;
  var seen = 0;
  var KEEP = 20;
  function show(items) {
    items.forEach(function (item) {
      var li = document.createElement("li");
      var when = new Date((item.ts || item.applied_at) * 1000).toISOString().slice(0, 19).replace("T", " ");
      li.textContent = when + " · " + item.kind + " · " + (item.channel_id || item.community_id || "");
      li.className = "live-item";
      feed.insertBefore(li, feed.firstChild);
      while (feed.children.length > KEEP) { feed.removeChild(feed.lastChild); }
    });
    seen += items.length;
    count.textContent = seen + " live event(s) since this page opened";
    if (seen) { panel.hidden = false; }
  }
  function poll() {
    var url = "/api/v1/live/activity" + (cursor === null ? "" : "?after=" + cursor);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (page) {
        if (page) { show(page.items); cursor = page.next; }
      })
      .catch(function () { /* the server restarts: try again next time */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  poll();
}());
