// tribu tables and charts: a table wider than its panel scrolls sideways and says so (a shadow
// on the clipped side and a "scroll" hint); Plotly's tool bar shows only while hovering a chart.
// Shared by the report (inlined) and the dashboard (served as /static/tables.js).
(function () {
  "use strict";
  function mark(box) {
    var over = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("overflowing", over);
    box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    var hint = box.previousElementSibling;
    if (hint && hint.classList.contains("scroll-hint")) { hint.hidden = !over; }
  }
  function markAll() {
    document.querySelectorAll(".scroll").forEach(mark);
  }
  document.addEventListener("scroll", function (event) {
    var box = event.target;
    if (box && box.classList && box.classList.contains("scroll")) { mark(box); }
  }, true);
  window.addEventListener("resize", markAll);
  window.tribuTables = {markAll: markAll};
  window.tribuPlotConfig = {responsive: true, displaylogo: false, displayModeBar: "hover"};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markAll);
  } else {
    markAll();
  }
})();
