// Scorecard trends (ECharts, offline; data through json_script for the CSP): the score of each
// AAAQ dimension per quarter, a gap where a quarter had too few respondents, over bands that
// show the form's colours (poor, needs improvement, good).
(function () {
  "use strict";
  // Okabe–Ito: told apart with colour-vision deficiencies; line styles and symbols differ too.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];
  var SYMBOLS = ["circle", "rect", "triangle", "diamond", "pin", "arrow"];
  var DASHES = ["solid", "dashed", "dotted", "solid"];

  function trend(el) {
    var dataEl = document.getElementById(el.dataset.scorecardTrend);
    if (!dataEl || !window.echarts) { return; }
    var d = JSON.parse(dataEl.textContent);
    var bands = [
      [{ yAxis: 0, itemStyle: { color: "rgba(220, 53, 69, 0.07)" } }, { yAxis: d.amber_from }],
      [{ yAxis: d.amber_from, itemStyle: { color: "rgba(255, 193, 7, 0.10)" } }, { yAxis: d.green_from }],
      [{ yAxis: d.green_from, itemStyle: { color: "rgba(25, 135, 84, 0.08)" } }, { yAxis: 100 }]
    ];
    var series = d.series.map(function (s, i) {
      return {
        name: s.name, type: "line", data: s.data, connectNulls: false,
        symbol: SYMBOLS[i % SYMBOLS.length], symbolSize: 8,
        lineStyle: { width: 2, type: DASHES[i % DASHES.length] }
      };
    });
    if (series.length) {
      series[0].markArea = { silent: true, data: bands };
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      color: PALETTE,
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1); }
      },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 36, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.quarters, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, interval: 25, name: d.labels.score },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scorecard-trend]").forEach(trend);
  });
})();
