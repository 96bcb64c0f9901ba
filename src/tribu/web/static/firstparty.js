// tribu business and creators pages: draw the figures the server embedded as JSON.
"use strict";

(function () {
  document.querySelectorAll("script[type='application/json'][id^='figure-']").forEach(function (node) {
    var figure = JSON.parse(node.textContent);
    var target = document.getElementById("chart-" + node.id.slice("figure-".length));
    if (target) {
      Plotly.newPlot(target, figure.data, figure.layout, window.tribuPlotConfig);
    }
  });
  window.tribuTables.markAll();
})();
