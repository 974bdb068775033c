// The policy map: each country's status in one area on the chosen date (ECharts, offline),
// and the year slider that moves the date. Data comes through json_script (CSP: no inline).
(function () {
  "use strict";
  function slider() {
    var range = document.getElementById("policy-year");
    var date = document.getElementById("policy-date");
    var output = document.getElementById("policy-year-value");
    if (!range || !date) { return; }
    range.addEventListener("input", function () { if (output) { output.textContent = range.value; } });
    range.addEventListener("change", function () {
      var today = new Date().toISOString().slice(0, 10);
      var end = range.value + "-12-31";
      date.value = end < today ? end : today;
      range.form.submit();
    });
  }
  function draw() {
    var el = document.getElementById("policy-map");
    var dataEl = document.getElementById("policy-map-data");
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
                ? c.name + ": " + c.label + " (" + el.dataset.labelSince + " " + c.since + ")"
                : p.name + ": " + el.dataset.labelNone;
              return div.innerHTML;
            }
          },
          visualMap: {
            type: "piecewise", left: 8, bottom: 8,
            pieces: data.pieces.map(function (p) { return { value: p.value, label: p.label, color: p.color }; })
          },
          series: [{
            type: "map", map: "ceeca", roam: true, aspectScale: 0.62, center: [62, 54], zoom: 1.2,
            itemStyle: { areaColor: "#f6f8fa", borderColor: "#fff", borderWidth: 0.6 },
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
  document.addEventListener("DOMContentLoaded", function () { slider(); draw(); });
})();
