// The index map: each country's index score on the region's map (ECharts, offline).
// Data comes from the page through json_script (no inline scripts: CSP).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("index-map");
    var dataEl = document.getElementById("index-map-data");
    if (!el || !dataEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    var byName = {};
    data.countries.forEach(function (c) { byName[c.map_name] = c; });
    fetch(data.geojson_url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geojson) {
        window.echarts.registerMap("ceeca", geojson);
        var chart = window.echarts.init(el, null, { renderer: "svg" });
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var c = byName[p.name];
              var div = document.createElement("div");
              div.textContent = c
                ? c.name + ": " + c.value + " (" + el.dataset.labelRank + " " + c.rank + ")"
                : p.name + ": " + el.dataset.labelNone;
              return div.innerHTML;
            }
          },
          visualMap: {
            type: "continuous", min: 0, max: 100, calculable: true, left: 8, bottom: 8,
            inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] }
          },
          series: [{
            type: "map", map: "ceeca", roam: true, aspectScale: 0.62, center: [62, 54], zoom: 1.2,
            itemStyle: { areaColor: "#eceff1", borderColor: "#fff", borderWidth: 0.6 },
            emphasis: { label: { show: false } },
            data: data.countries.map(function (c) { return { name: c.map_name, value: c.value }; })
          }]
        });
        chart.on("click", function (p) {
          var c = byName[p.name];
          if (c) { window.location.href = c.url; }
        });
        el.setAttribute("data-ready", "true");
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
