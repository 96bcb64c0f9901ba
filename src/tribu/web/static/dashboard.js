// tribu dashboard: read the filters, fetch each chart as JSON, draw it with Plotly.
// Member text only ever reaches the page through textContent (never innerHTML).
"use strict";

(function () {
  var words = JSON.parse(document.getElementById("words").textContent);
  var form = document.getElementById("filters");
  var fields = ["community", "channel", "campaign", "since", "until", "lang"];
  var charts = Array.prototype.map.call(
    document.querySelectorAll(".panel[id^='panel-']"),
    function (node) { return node.id.slice("panel-".length); }
  );

  function query() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    return params.toString();
  }

  function restore() {
    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (name) {
      if (params.has(name)) { form.elements[name].value = params.get(name); }
    });
  }

  function narrowChoices() {
    var community = form.elements.community.value;
    ["channel", "campaign"].forEach(function (name) {
      var select = form.elements[name];
      Array.prototype.forEach.call(select.options, function (option) {
        var owner = option.getAttribute("data-community");
        option.hidden = Boolean(community && owner && owner !== community);
      });
      var chosen = select.options[select.selectedIndex];
      if (chosen && chosen.hidden) { select.value = ""; }
    });
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (response.status === 401) { window.location.assign("/login"); }
        if (!response.ok) { throw new Error(url + ": " + response.status); }
        return response.json();
      });
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "–" : String(text);
    row.appendChild(td);
    return td;
  }

  function header(table, names) {
    var head = table.querySelector("thead");
    head.textContent = "";
    var row = document.createElement("tr");
    names.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      row.appendChild(th);
    });
    head.appendChild(row);
  }

  function percent(value) {
    return value === null || value === undefined ? null : (value * 100).toFixed(0) + " %";
  }

  function fillTable(name, rows) {
    var table = document.getElementById("table-" + name);
    if (!table) { return; }
    var body = table.querySelector("tbody");
    body.textContent = "";
    if (name === "roles") {
      header(table, [words.member, words.display_name, words.messages, words.betweenness, words.role]);
      [2, 3].forEach(function (i) { table.querySelectorAll("th")[i].className = "num"; });
      rows.forEach(function (r) {
        var tr = document.createElement("tr");
        var link = document.createElement("a");
        link.href = "/members/" + encodeURIComponent(r.member_id);
        link.textContent = String(r.member_id).slice(0, 12);
        link.className = "pseudonym member-link";
        cell(tr, "").appendChild(link);
        cell(tr, r.display_name);
        cell(tr, number(r.messages, 0)).className = "num";
        cell(tr, r.betweenness === null ? null : number(r.betweenness, 3)).className = "num";
        cell(tr, r.roles).className = "wrap";
        body.appendChild(tr);
      });
    } else {
      header(table, [words.campaign, words.campaign_kind, words.campaign_window, words.ugc_ratio,
                     words.spend, words.engagements, words.cost_per_engagement]);
      [3, 4, 5, 6].forEach(function (i) { table.querySelectorAll("th")[i].className = "num"; });
      rows.forEach(function (r) {
        var tr = document.createElement("tr");
        tr.setAttribute("data-campaign", r.campaign_id);
        cell(tr, r.name);
        cell(tr, r.kind_label);
        cell(tr, (r.starts || "–") + " → " + (r.ends || "–"));
        var money = r.currency ? " " + r.currency : "";
        if (r.has_data === false) {
          cell(tr, null).className = "num nodata";
          cell(tr, number(r.spend, 0) + money).className = "num";
          var status = cell(tr, r.status);
          status.className = "nodata";
          status.colSpan = 2;
        } else {
          cell(tr, percent(r.ugc_ratio)).className = "num";
          cell(tr, number(r.spend, 0) + money).className = "num";
          cell(tr, number(r.engagements, 0)).className = "num";
          var cpe = r.cost_per_engagement;
          cell(tr, cpe === null || cpe === undefined ? null : number(cpe, 2) + money).className = "num";
        }
        body.appendChild(tr);
      });
    }
    window.tribuTables.markAll();
  }

  function number(value, digits) {
    if (value === null || value === undefined) { return "–"; }
    var locale = words.lang === "fr" ? "fr-FR" : "en-GB";
    return Number(value).toLocaleString(locale, {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }

  function drawNotes(name, notes) {
    var box = document.getElementById("notes-" + name);
    box.textContent = "";
    (notes || []).forEach(function (note) {
      var p = document.createElement("p");
      p.className = "note";
      p.textContent = note;
      box.appendChild(p);
    });
  }

  function drawChart(name, qs) {
    var target = document.getElementById("chart-" + name);
    var empty = document.getElementById("empty-" + name);
    return getJSON("/api/v1/charts/" + name + "?" + qs).then(function (chart) {
      document.getElementById("csv-" + name).href = chart.csv_url + "?" + qs;
      empty.hidden = chart.rows > 0;
      target.hidden = chart.rows === 0;
      target.setAttribute("data-rows", String(chart.rows));
      document.getElementById("title-" + name).textContent = chart.title;
      drawNotes(name, chart.notes);
      if (chart.rows > 0) {
        Plotly.react(target, chart.figure.data, chart.figure.layout, window.tribuPlotConfig);
      } else {
        Plotly.purge(target);
      }
      fillTable(name, chart.table);
    });
  }

  function drawSummary(qs) {
    return getJSON("/api/v1/summary?" + qs).then(function (summary) {
      var list = document.getElementById("summary-list");
      list.textContent = "";
      summary.sentences.forEach(function (sentence) {
        var li = document.createElement("li");
        li.textContent = sentence;
        list.appendChild(li);
      });
    });
  }

  function formatValue(key, value) {
    if (value === null || value === undefined) { return "–"; }
    if (typeof value !== "number") { return String(value); }
    if (key === "time_to_sentiment.km_median_hours") { return hoursText(value); }
    var locale = words.lang === "fr" ? "fr-FR" : "en-GB";
    if (/rate|ratio|share/.test(key) && !Number.isInteger(value)) {
      return (value * 100).toLocaleString(locale, {maximumFractionDigits: 1}) + " %";
    }
    return value.toLocaleString(locale, {maximumFractionDigits: 2});
  }

  function communityName(id) {
    var option = document.querySelector("#f-community option[value='" + CSS.escape(String(id)) + "']");
    return option ? option.textContent : String(id);
  }

  // What the median time to sentiment rests on, per community (as the report says it).
  function ttsNote(tts) {
    var grouped = {};
    (tts.signals || []).forEach(function (row) {
      (grouped[row.signal] = grouped[row.signal] || []).push(communityName(row.community_id));
    });
    var colon = words.lang === "fr" ? "\u00a0:" : ":";
    var parts = ["replies+reactions", "replies", "reactions"].filter(function (s) {
      return grouped[s];
    }).map(function (s) {
      return words["signal:" + s].split(" (")[0] + " (" + grouped[s].join(", ") + ")";
    });
    var note = parts.length ? words.tts_signal_short + colon + " " + parts.join(" ; ") : "";
    if (tts.unmeasured_posts) {
      note += (note ? " ; " : "") + words.tts_unmeasured.replace("{n}", tts.unmeasured_posts);
      if (grouped.none) { note += colon + " " + grouped.none.join(", "); }
    }
    return note;
  }

  function hoursText(hours) {
    if (hours < 1) { return Math.round(hours * 60) + " min"; }
    var locale = words.lang === "fr" ? "fr-FR" : "en-GB";
    if (hours < 48) {
      return hours.toLocaleString(locale, {minimumFractionDigits: 1, maximumFractionDigits: 1}) + "\u00a0h";
    }
    return (hours / 24).toLocaleString(locale, {minimumFractionDigits: 1, maximumFractionDigits: 1}) +
      "\u00a0" + (words.lang === "fr" ? "jours" : "days");
  }

  function addCard(box, key, label, value, note) {
    var div = document.createElement("div");
    div.className = note ? "card wide" : "card";
    div.setAttribute("data-key", key);
    var name = document.createElement("div");
    name.className = "label";
    name.textContent = label;
    var shown = document.createElement("div");
    shown.className = "value";
    shown.textContent = formatValue(key, value);
    div.appendChild(name);
    div.appendChild(shown);
    if (note) {
      var small = document.createElement("div");
      small.className = "note";
      small.textContent = note;
      div.appendChild(small);
    }
    box.appendChild(div);
  }

  function drawScorecard(qs) {
    return getJSON("/api/v1/scorecard?" + qs).then(function (card) {
      var box = document.getElementById("scorecard");
      box.textContent = "";
      Object.keys(words).forEach(function (wordKey) {
        if (wordKey.indexOf("card:") !== 0) { return; }
        var path = wordKey.slice("card:".length).split(".");
        var section = card[path[0]];
        if (!section || typeof section !== "object" || !(path[1] in section)) { return; }
        var value = section[path[1]];
        var note = "";
        if (path[1] === "km_median_hours") {
          if ((value === null || value === undefined) && section.posts) { value = words.tts_not_reached; }
          note = ttsNote(section);
        }
        addCard(box, path.join("."), words[wordKey], value, note);
      });
    }).catch(function () { document.getElementById("scorecard").textContent = "–"; });
  }

  function refresh() {
    var qs = query();
    window.history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
    document.body.setAttribute("data-loading", "true");
    var work = charts.map(function (name) { return drawChart(name, qs); });
    work.push(drawSummary(qs), drawScorecard(qs));
    Promise.allSettled(work).then(function () {
      document.body.setAttribute("data-loading", "false");
      document.body.setAttribute("data-query", qs);
    });
  }

  restore();
  narrowChoices();
  form.addEventListener("change", function () { narrowChoices(); refresh(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  refresh();
})();
