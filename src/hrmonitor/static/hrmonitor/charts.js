// Progress charts (ECharts, offline): the trend of an indicator and sparklines on dashboards.
(function () {
  "use strict";
  function draw() {
    var dataEl = document.getElementById("chart-data");
    if (!dataEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    var trend = document.getElementById("trend-chart");
    if (trend && data.series.length) {
      var s = data.series[0];
      var chart = window.echarts.init(trend, null, { renderer: "svg" });
      var option = {
        aria: { enabled: true },
        grid: { left: 50, right: 30, top: 30, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: s.points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value" },
        series: [{ name: trend.dataset.labelValue, type: "line", connectNulls: false, data: s.points.map(function (p) { return p[1]; }), symbolSize: 8 }]
      };
      if (s.target !== null) {
        option.series[0].markLine = { symbol: "none", data: [{ yAxis: s.target, name: trend.dataset.labelTarget }], lineStyle: { type: "dashed" }, label: { position: "insideEndTop", formatter: trend.dataset.labelTarget + ": {c}" } };
      }
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    }
    document.querySelectorAll(".sparkline[data-series]").forEach(function (el) {
      var s = data.series[Number(el.dataset.series)];
      if (!s) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", show: false, data: s.points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: s.points.map(function (p) { return p[1]; }), symbol: "circle", symbolSize: 4, lineStyle: { width: 2 } }]
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
// The choropleth of an indicator: each country's latest approved value on the region's map.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("choropleth");
    var dataEl = document.getElementById("choropleth-data");
    if (!el || !dataEl || !window.echarts || !window.hrmonitor) { return; }
    var data = JSON.parse(dataEl.textContent);
    var values = data.countries.map(function (c) { return c.value; });
    window.hrmonitor.regionMap(el, data, {
      label: function (c) { return c.name + ": " + c.label + " (" + c.period + ")"; },
      none: el.dataset.labelNone,
      visualMap: data.yes_no
        ? { type: "piecewise", pieces: [{ value: 1, label: el.dataset.labelYes, color: "#1a7f37" }, { value: 0, label: el.dataset.labelNo, color: "#d0d7de" }], left: 8, bottom: 8 }
        : { type: "continuous", min: Math.min.apply(null, values), max: Math.max.apply(null, values), inRange: { color: ["#deebf7", "#08519c"] }, calculable: true, left: 8, bottom: 8 }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
