// Survey result charts (ECharts, vendored): satisfaction per service area, and the Pareto of
// dissatisfaction (bars of counts, cumulative percentage line, and the 80% line). Figures and
// their translated labels come from the page as JSON (#survey-chart-data), so this script holds
// no text of its own to translate; the same numbers are in the tables under the charts.
(function () {
  "use strict";
  // Tooltips drawn on the canvas (renderMode richText): ECharts' HTML tooltips carry style
  // attributes, which the Content-Security-Policy refuses.
  const source = document.getElementById("survey-chart-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const charts = [];

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) {
      return;
    }
    const chart = echarts.init(element);
    chart.setOption(option);
    charts.push(chart);
  }

  draw("chart-areas", {
    grid: { left: 44, right: 16, top: 24, bottom: 28 },
    tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: (v) => (v === null ? "—" : v + "%") },
    xAxis: { type: "category", data: data.areas.names, axisLabel: { interval: 0 } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{
      name: data.areas.label,
      type: "bar",
      data: data.areas.percents,
      barMaxWidth: 40,
      label: { show: true, position: "top", formatter: (p) => (p.value === null ? "" : p.value + "%") },
    }],
  });

  const pareto = data.pareto;
  draw("chart-pareto", {
    grid: { left: 40, right: 44, top: 28, bottom: 28 },
    tooltip: { renderMode: "richText", trigger: "axis" },
    legend: { top: 0, data: [pareto.count_label, pareto.cumulative_label] },
    xAxis: { type: "category", data: pareto.names, axisLabel: { interval: 0, overflow: "truncate", width: 80 } },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    ],
    series: [
      { name: pareto.count_label, type: "bar", data: pareto.counts, barMaxWidth: 40 },
      {
        name: pareto.cumulative_label,
        type: "line",
        yAxisIndex: 1,
        data: pareto.cumulative,
        markLine: {
          symbol: "none",
          lineStyle: { type: "dashed", color: "#dc3545" },
          label: { formatter: pareto.line_label, position: "insideEndTop" },
          data: [{ yAxis: pareto.line }],
        },
      },
    ],
  });

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
