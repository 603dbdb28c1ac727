/* The charts of the motion and suggestion statistics page (suggestions/stats.html).
 *
 * Reads the JSON the view wrote into #stats-data: the class counts of the 合计 row (a
 * pie), one bar series per compared rate over the table's rows (percentages, null where
 * the denominator is 0, plus the formatted figures for the tooltips) and the monthly
 * trend (submitted items and answered parts as bars, the on-time rate as a line).
 * Labels come from the server (translated there); names from the database are escaped
 * before they reach a tooltip.
 */
(function () {
  "use strict";

  if (window.bootstrap && window.bootstrap.Tooltip) {
    document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      new window.bootstrap.Tooltip(el);
    });
  }

  var node = document.getElementById("stats-data");
  if (!node || !window.echarts) {
    return;
  }
  var data = JSON.parse(node.textContent);
  var echarts = window.echarts;
  var esc = echarts.format.encodeHTML;
  var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();
  var locale = lang.indexOf("zh") === 0 ? "ZH" : "EN";
  var palette = ["#2e7d32", "#1565c0", "#ef6c00", "#757575", "#b71c1c", "#6a1b9a"];
  var charts = [];

  function init(el) {
    var chart = echarts.init(el, null, { locale: locale });
    charts.push(chart);
    return chart;
  }

  function nameValue(name, value) {
    return esc(data.text.name_value.replace("%(name)s", name).replace("%(value)s", value));
  }

  function gaps(values) {
    // ECharts leaves a gap for "-": no bar, a break in the line.
    return values.map(function (v) {
      return v === null ? "-" : v;
    });
  }

  var pie = document.getElementById("stats-classes");
  if (pie) {
    init(pie).setOption({
      color: palette,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return nameValue(data.classes[p.dataIndex].label, p.value + "（" + p.percent + "%）");
        },
      },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "45%"],
          label: { formatter: "{d}%" },
          data: data.classes.map(function (c) {
            return { name: c.name, value: c.value };
          }),
        },
      ],
    });
  }

  var bars = document.getElementById("stats-bars");
  if (bars) {
    // One group of bars per row: grow with the rows so long lists stay readable.
    bars.style.height = Math.max(220, 22 * data.bars.length * data.labels.length + 80) + "px";
    init(bars).setOption({
      color: palette.slice(1),
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (params) {
          var i = params[0].dataIndex;
          var lines = [esc(data.labels[i])];
          data.bars.forEach(function (s) {
            lines.push(nameValue(s.name, s.rates[i] === null ? data.text.no_data : s.figures[i]));
          });
          return lines.join("<br>");
        },
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category",
        data: data.labels,
        inverse: true,
        axisLabel: { width: 120, overflow: "truncate" },
      },
      series: data.bars.map(function (s) {
        return { name: s.name, type: "bar", data: gaps(s.rates), barMaxWidth: 14 };
      }),
    });
  }

  var trend = document.getElementById("stats-trend");
  if (trend) {
    var t = data.trend;
    init(trend).setOption({
      color: ["#1565c0", "#90caf9", "#b71c1c"],
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var i = params[0].dataIndex;
          return [
            esc(t.labels[i]),
            nameValue(data.text.submitted, t.submitted[i]),
            nameValue(data.text.answered, t.answered[i]),
            nameValue(data.text.on_time, t.on_time[i] === null ? data.text.no_data : t.on_time_figures[i]),
          ].join("<br>");
        },
      },
      xAxis: { type: "category", data: t.labels },
      yAxis: [
        { type: "value", name: data.text.count_axis, minInterval: 1 },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        { name: data.text.submitted, type: "bar", data: t.submitted, barMaxWidth: 16 },
        { name: data.text.answered, type: "bar", data: t.answered, barMaxWidth: 16 },
        {
          name: data.text.on_time,
          type: "line",
          yAxisIndex: 1,
          data: gaps(t.on_time),
          connectNulls: false,
        },
      ],
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (c) {
        c.resize();
      });
    }, 100);
  });
})();
