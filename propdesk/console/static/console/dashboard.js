// Dashboard charts (ECharts, vendored). The figures and their translated labels come from the
// page as JSON (#dashboard-data), so this script holds no text of its own to translate.
(function () {
  "use strict";
  // Tooltips drawn on the canvas (renderMode richText): ECharts' HTML tooltips carry style
  // attributes, which the Content-Security-Policy refuses.
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return; // the numbers are on the page anyway; charts are a convenience
  }
  const data = JSON.parse(source.textContent);
  const charts = [];

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

  draw("chart-intake", {
    grid: { left: 36, right: 16, top: 16, bottom: 28 },
    tooltip: { renderMode: "richText", trigger: "axis" },
    xAxis: { type: "category", data: data.intake.days, boundaryGap: false },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "line", data: data.intake.counts, smooth: true, areaStyle: { opacity: 0.15 } }],
  });

  const byStatus = draw("chart-status", {
    grid: { left: 36, right: 16, top: 16, bottom: 28 },
    tooltip: { renderMode: "richText", trigger: "item" },
    xAxis: { type: "category", data: data.status.map((row) => row.name), axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.status, barMaxWidth: 36 }],
  });
  if (byStatus) {
    // A bar opens the queue of that status, like the table under the chart.
    byStatus.on("click", (params) => {
      if (params.data && params.data.status) {
        window.location.href = "/queues/all/?status=" + encodeURIComponent(params.data.status);
      }
    });
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
