// Funding charts (ECharts, offline; data through json_script for the CSP): countries compared
// in one year, and a country's funding over the years stacked by source of funds, with the
// domestic share, the estimated need and the Global Fund transition milestones.
(function () {
  "use strict";
  var PALETTE = ["#0072B2", "#56B4E9", "#E69F00", "#CC79A7", "#009E73", "#D55E00"];
  function usd(v) { return v === null || v === undefined ? "—" : Math.round(v).toLocaleString() + " USD"; }

  function comparison() {
    var el = document.getElementById("funding-comparison");
    var dataEl = document.getElementById("funding-comparison-data");
    if (!el || !dataEl || !window.echarts) { return; }
    var d = JSON.parse(dataEl.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: usd },
      legend: { top: 0 },
      grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: function (v) { return v.toLocaleString(); } } },
      yAxis: { type: "category", data: d.countries, inverse: true },
      series: [
        { name: d.labels.domestic, type: "bar", stack: "f", data: d.domestic },
        { name: d.labels.international, type: "bar", stack: "f", data: d.international },
        { name: d.labels.need, type: "scatter", symbol: "diamond", symbolSize: 12, data: d.need, itemStyle: { color: "#D55E00" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function country() {
    var el = document.getElementById("funding-country");
    var dataEl = document.getElementById("funding-country-data");
    if (!el || !dataEl || !window.echarts) { return; }
    var d = JSON.parse(dataEl.textContent);
    var series = d.sources.map(function (s) {
      return { name: s.label, type: "bar", stack: "f", data: s.amounts, yAxisIndex: 0 };
    });
    series.push({ name: d.labels.need, type: "line", step: "middle", data: d.need, yAxisIndex: 0,
      lineStyle: { type: "dashed", color: "#D55E00" }, itemStyle: { color: "#D55E00" }, connectNulls: false });
    series.push({ name: d.labels.share, type: "line", data: d.share, yAxisIndex: 1,
      itemStyle: { color: "#000" }, lineStyle: { color: "#000" }, symbolSize: 7, connectNulls: false,
      markLine: d.milestones.length ? {
        symbol: "none", lineStyle: { type: "dotted", color: "#6e7781" },
        label: { formatter: function (p) { return p.name; }, position: "insideEndTop", fontSize: 10 },
        data: d.milestones.map(function (m) { return { xAxis: String(m.year), name: m.label }; })
      } : undefined });
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.years.map(String) },
      yAxis: [
        { type: "value", name: "USD", axisLabel: { formatter: function (v) { return v.toLocaleString(); } } },
        { type: "value", name: d.labels.share_axis, min: 0, max: 100, splitLine: { show: false } }
      ],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () { comparison(); country(); });
})();
