/* The charts of the measures page (opinions/measures.html).
 *
 * Reads the JSON the view wrote into #measures-data: one series per measure (rates in
 * percent, null where the denominator is 0, plus numerators and denominators for the
 * tooltips). Draws one chart per measure — horizontal bars by unit, region or
 * category, a line by month — and, by month, one trend chart of every measure.
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

  var node = document.getElementById("measures-data");
  if (!node || !window.echarts) {
    return;
  }
  var data = JSON.parse(node.textContent);
  var echarts = window.echarts;
  var esc = echarts.format.encodeHTML;
  var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();
  var locale = lang.indexOf("zh") === 0 ? "ZH" : "EN";
  var byMonth = data.group_by === "month";
  var palette = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"];
  var charts = [];

  function figure(s, i) {
    // "87.5%（35/40）", formatted and translated by the server.
    var value = s.rates[i] === null ? data.text.no_data : s.figures[i];
    return esc(data.text.name_value.replace("%(name)s", s.name).replace("%(value)s", value));
  }

  function values(s) {
    // ECharts leaves a gap for "-": no bar, a break in the line.
    return s.rates.map(function (v) {
      return v === null ? "-" : v;
    });
  }

  function percentAxis() {
    return { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
  }

  function categoryAxis(inverse) {
    return {
      type: "category",
      data: data.labels,
      inverse: inverse,
      axisLabel: { width: 110, overflow: "truncate" },
    };
  }

  function init(el) {
    var chart = echarts.init(el, null, { locale: locale });
    charts.push(chart);
    return chart;
  }

  data.series.forEach(function (s, n) {
    var el = document.querySelector('.mq-chart[data-measure="' + s.key + '"]');
    if (!el) {
      return;
    }
    if (!byMonth) {
      // One bar per row: grow with the rows so long unit lists stay readable on a phone.
      el.style.height = Math.max(160, 28 * data.labels.length + 50) + "px";
    }
    init(el).setOption({
      color: [palette[n % palette.length]],
      grid: { left: 8, right: 40, top: 12, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: byMonth ? "line" : "shadow" },
        formatter: function (params) {
          var i = params[0].dataIndex;
          return esc(data.labels[i]) + "<br>" + figure(s, i);
        },
      },
      xAxis: byMonth ? categoryAxis(false) : percentAxis(),
      yAxis: byMonth ? percentAxis() : categoryAxis(true),
      series: [
        {
          name: s.name,
          type: byMonth ? "line" : "bar",
          data: values(s),
          connectNulls: false,
          barMaxWidth: 22,
          label: {
            show: !byMonth,
            position: "right",
            formatter: function (p) {
              return p.value === "-" ? "" : p.value + "%";
            },
          },
        },
      ],
    });
  });

  var trend = document.getElementById("measures-trend");
  if (trend) {
    init(trend).setOption({
      color: palette,
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var i = params[0].dataIndex;
          var lines = [esc(data.labels[i])];
          data.series.forEach(function (s) {
            lines.push(figure(s, i));
          });
          return lines.join("<br>");
        },
      },
      xAxis: categoryAxis(false),
      yAxis: percentAxis(),
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: values(s), connectNulls: false };
      }),
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
