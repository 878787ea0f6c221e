// Statistics page charts (ECharts, vendored). The figures and their translated labels come
// from the page as JSON (#stats-data), so this script holds no text of its own to translate.
(function () {
  "use strict";
  // Tooltips drawn on the canvas (renderMode richText): ECharts' HTML tooltips carry style
  // attributes, which the Content-Security-Policy refuses.
  const source = document.getElementById("stats-data");
  if (!source || typeof echarts === "undefined") {
    return; // the tables on the page carry the same figures; charts are a convenience
  }
  const data = JSON.parse(source.textContent);
  const charts = [];
  const grid = { left: 40, right: 48, top: 28, bottom: 36, containLabel: true };

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) {
      return null;
    }
    const chart = echarts.init(element);
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  draw("chart-trend", {
    grid: grid,
    tooltip: { renderMode: "richText", trigger: "axis" },
    xAxis: { type: "category", data: data.trend.months, boundaryGap: false },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: data.trend.label, type: "line", data: data.trend.received, smooth: true,
      areaStyle: { opacity: 0.15 } }],
  });

  // Pareto: bars of complaints per category (the vital few in red), the cumulative share on
  // a 0–100% axis, and the 80% line that separates the vital few from the useful many.
  const pareto = data.pareto;
  draw("chart-pareto", {
    grid: grid,
    tooltip: { renderMode: "richText", trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: pareto.names, axisLabel: { interval: 0, rotate: pareto.names.length > 5 ? 30 : 0 } },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
    ],
    series: [
      {
        name: pareto.count_label,
        type: "bar",
        barMaxWidth: 36,
        data: pareto.counts.map((value, i) => ({
          value: value,
          itemStyle: { color: pareto.vital[i] ? "#e15759" : "#4e79a7" },
        })),
      },
      {
        name: pareto.share_label,
        type: "line",
        yAxisIndex: 1,
        data: pareto.cumulative,
        itemStyle: { color: "#f28e2b" },
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", color: "#e15759" },
          label: { formatter: pareto.line + "%", position: "insideStartTop" },
          data: [{ yAxis: pareto.line }],
        },
      },
    ],
  });

  draw("chart-kind", {
    grid: grid,
    tooltip: { renderMode: "richText", trigger: "item" },
    xAxis: { type: "category", data: data.by_kind.map((row) => row.name), axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.by_kind.map((row) => row.value), barMaxWidth: 36,
      label: { show: true, position: "top" } }],
  });

  draw("chart-channel", {
    tooltip: { renderMode: "richText", trigger: "item", formatter: "{b}: {c} ({d}%)" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.by_channel,
      label: { formatter: "{b} {c}" } }],
  });

  const projects = data.projects;
  if (projects.names.length > 1) {
    draw("chart-projects", {
      grid: grid,
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: projects.names, axisLabel: { interval: 0, rotate: projects.names.length > 8 ? 30 : 0 } },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
      ],
      series: [
        { name: projects.labels.received, type: "bar", data: projects.received, barMaxWidth: 36 },
        { name: projects.labels.timeliness, type: "line", yAxisIndex: 1, data: projects.timeliness, connectNulls: false },
        { name: projects.labels.satisfaction, type: "line", yAxisIndex: 1, data: projects.satisfaction, connectNulls: false },
      ],
    });
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
