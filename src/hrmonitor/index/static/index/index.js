// The index map: each country's index score on the region's map (ECharts, offline).
// Data comes from the page through json_script (no inline scripts: CSP).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("index-map");
    var dataEl = document.getElementById("index-map-data");
    if (!el || !dataEl || !window.echarts || !window.hrmonitor) { return; }
    window.hrmonitor.regionMap(el, JSON.parse(dataEl.textContent), {
      label: function (c) { return c.name + ": " + c.value + " (" + el.dataset.labelRank + " " + c.rank + ")"; },
      none: el.dataset.labelNone,
      areaColor: "#eceff1",
      visualMap: {
        type: "continuous", min: 0, max: 100, calculable: true, left: 8, bottom: 8,
        inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
