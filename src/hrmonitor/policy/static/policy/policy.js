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
    if (!el || !dataEl || !window.echarts || !window.hrmonitor) { return; }
    var data = JSON.parse(dataEl.textContent);
    window.hrmonitor.regionMap(el, data, {
      label: function (c) { return c.name + ": " + c.label + " (" + el.dataset.labelSince + " " + c.since + ")"; },
      none: el.dataset.labelNone,
      areaColor: "#f6f8fa",
      visualMap: {
        type: "piecewise", left: 8, bottom: 8,
        pieces: data.pieces.map(function (p) { return { value: p.value, label: p.label, color: p.color }; })
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { slider(); draw(); });
})();
