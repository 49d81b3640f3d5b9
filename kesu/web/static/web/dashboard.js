// The dashboard's charts (ECharts), drawn from the JSON the page carries (#dashboard-data).
// A click on a bar, slice or day opens the inbox filtered to the complaints it counts (item.url).
(function () {
  "use strict";

  const PALETTE = ["#2f5dcc", "#12a37f", "#f0a020", "#d64545", "#7a5cd6", "#1f9bbf", "#8a8f98", "#c2410c", "#4d7c0f"];

  function open(item) {
    if (item && item.url) window.location.assign(item.url);
  }

  function itemOption(kind, items) {
    const data = items.map((item) => ({ value: item.value, name: item.label, url: item.url }));
    const tooltip = { trigger: kind === "pie" ? "item" : "axis", axisPointer: { type: "shadow" }, confine: true };
    if (kind === "pie") {
      return {
        color: PALETTE,
        tooltip,
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["38%", "68%"], center: ["50%", "44%"], data, label: { formatter: "{b}: {c}" } }],
      };
    }
    const categories = items.map((item) => item.label);
    const horizontal = kind === "hbar";
    const category = {
      type: "category",
      data: categories,
      axisLabel: { interval: 0, width: horizontal ? 110 : 72, overflow: "truncate" },
    };
    const value = { type: "value", minInterval: 1 };
    if (horizontal) category.inverse = true;
    return {
      color: PALETTE,
      tooltip,
      grid: { left: 8, right: 24, top: 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data, barMaxWidth: 32, label: { show: true, position: horizontal ? "right" : "top" } }],
    };
  }

  function trendOption(days, labels) {
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", confine: true },
      legend: { data: [labels.received, labels.closed], top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: days.map((d) => d.date.slice(5)) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        {
          name: labels.received,
          type: "bar",
          barMaxWidth: 18,
          data: days.map((d) => ({ value: d.received, url: d.url })),
        },
        { name: labels.closed, type: "line", smooth: true, data: days.map((d) => d.closed) },
      ],
    };
  }

  function draw() {
    const source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const id = element.dataset.chart;
      const chart = echarts.init(element, null, { renderer: "canvas" });
      if (id === "trend") {
        chart.setOption(trendOption(data.trend, data.labels));
        chart.on("click", (params) => open(params.data));
      } else {
        const spec = data.charts[id];
        chart.setOption(itemOption(spec.kind, spec.items));
        chart.on("click", (params) => open(spec.items[params.dataIndex]));
      }
      chart.getZr().on("mousemove", (event) => {
        element.style.cursor = event.target ? "pointer" : "default";
      });
      element.dataset.ready = "true";
      charts.push(chart);
    });
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
    window.kesuCharts = charts;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
