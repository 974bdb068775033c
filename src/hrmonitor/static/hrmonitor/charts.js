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
        grid: { left: 50, right: 20, top: 20, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: s.points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value" },
        series: [{ name: trend.dataset.labelValue, type: "line", connectNulls: false, data: s.points.map(function (p) { return p[1]; }), symbolSize: 8 }]
      };
      if (s.target !== null) {
        option.series[0].markLine = { symbol: "none", data: [{ yAxis: s.target, name: trend.dataset.labelTarget }], lineStyle: { type: "dashed" }, label: { formatter: trend.dataset.labelTarget + ": {c}" } };
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
