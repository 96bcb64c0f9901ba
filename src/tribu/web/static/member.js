// tribu member page: draw the two figures the server embedded as JSON.
"use strict";

(function () {
  ["activity", "sentiment"].forEach(function (name) {
    var node = document.getElementById("figure-member-" + name);
    if (!node) { return; }
    var figure = JSON.parse(node.textContent);
    Plotly.newPlot("chart-member-" + name, figure.data, figure.layout, window.tribuPlotConfig);
  });
})();
