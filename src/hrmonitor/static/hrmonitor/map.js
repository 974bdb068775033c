// The home page map: the network's countries coloured by sub-region (ECharts, offline).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("region-map");
    var dataEl = document.getElementById("map-data");
    if (!el || !dataEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    var colours = {};
    data.sub_regions.forEach(function (s) { colours[s.name] = s.colour; });
    var byMapName = {};
    data.countries.forEach(function (c) { byMapName[c.map_name] = c; });

    fetch(data.geojson_url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (geojson) {
        window.echarts.registerMap("ceeca", geojson);
        var chart = window.echarts.init(el, null, { renderer: "svg" });
        var regions = geojson.features.map(function (f) {
          var c = byMapName[f.properties.name];
          return {
            name: f.properties.name,
            itemStyle: { areaColor: c ? colours[c.sub_region] : "#ddd" },
            emphasis: { itemStyle: { areaColor: "#1f4e79" }, label: { color: "#fff" } }
          };
        });
        chart.setOption({
          aria: { enabled: true },
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var c = byMapName[p.name];
              if (!c) { return ""; }
              var div = document.createElement("div");
              div.textContent = c.name + " — " + c.sub_region;
              return div.innerHTML;
            }
          },
          geo: {
            map: "ceeca",
            roam: true,
            // The region spans 15°E–190°E; most countries are in its western third. Frame
            // Europe to Central Asia and let users pan east (roam) rather than shrink everything.
            aspectScale: 0.62,
            center: [62, 54],
            zoom: 1.2,
            left: 4, right: 4, top: 4, bottom: 4,
            itemStyle: { borderColor: "#fff", borderWidth: 0.6 },
            regions: regions,
            label: { show: false },
            emphasis: { label: { show: true, formatter: function (p) { var c = byMapName[p.name]; return c ? c.name : ""; } } }
          },
          series: [{
            type: "map",
            geoIndex: 0,
            data: data.countries.map(function (c) { return { name: c.map_name, value: 1 }; })
          }]
        });
        el.dataset.countries = String(geojson.features.length);
        el.setAttribute("data-ready", "true");
        chart.on("click", function (p) {
          var c = byMapName[p.name];
          if (c) { window.location.href = c.url; }
        });
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () {
        el.textContent = el.dataset.error;
        el.classList.add("p-3");
      });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
