// Charts of the published case statistics (ECharts, offline; data through json_script for the
// CSP). Only published numbers reach this script: a withheld number is no bar (null).
(function () {
  "use strict";
  var COLOUR = "#0072B2";

  function draw(spec, casesLabel) {
    var el = document.getElementById(spec.id);
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      color: [COLOUR],
      title: { text: spec.title, left: 8, top: 4, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 32, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: spec.labels, inverse: true, axisLabel: { width: 180, overflow: "truncate" } },
      series: [{ name: casesLabel, type: "bar", data: spec.values, label: { show: true, position: "right" } }]
    });
    el.style.height = Math.max(220, 60 + spec.labels.length * 26) + "px";
    chart.resize();
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dataEl = document.getElementById("rights-statistics-data");
    if (!dataEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    data.charts.forEach(function (spec) { draw(spec, data.cases); });
  });
})();
