// A choropleth of the network's countries (ECharts, offline), shared by every module's map:
// hrmonitor.regionMap(element, data, options). `data` comes from json_script:
// {geojson_url, countries: [{map_name, name, value, url?}, …]}; `options` gives the
// `visualMap`, the tooltip text of a country (`label(country)`) and of a country without a
// value (`none`), and the colour of countries without one (`areaColor`).
(function () {
  "use strict";
  window.hrmonitor = window.hrmonitor || {};
  window.hrmonitor.regionMap = function (el, data, options) {
    var byName = {};
    data.countries.forEach(function (c) { byName[c.map_name] = c; });
    return fetch(data.geojson_url, { credentials: "same-origin" })
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
              div.textContent = c ? options.label(c) : p.name + ": " + options.none;
              return div.innerHTML;
            }
          },
          visualMap: options.visualMap,
          series: [{
            type: "map", map: "ceeca", roam: true, aspectScale: 0.62, center: [62, 54], zoom: 1.2,
            itemStyle: { areaColor: options.areaColor || "#f1f3f5", borderColor: "#fff", borderWidth: 0.6 },
            emphasis: { label: { show: false } },
            data: data.countries.map(function (c) { return { name: c.map_name, value: c.value }; })
          }]
        });
        chart.on("click", function (p) {
          var c = byName[p.name];
          if (c && c.url) { window.location.href = c.url; }
        });
        el.setAttribute("data-ready", "true");
        window.addEventListener("resize", function () { chart.resize(); });
        return chart;
      });
  };
})();
