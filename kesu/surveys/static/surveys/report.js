// The survey report's charts (ECharts), drawn from the JSON the page carries (#survey-report-data):
// a bar per rating, a pie or bars per choice, bars of the text answers' frequent words, and the averages
// per question against last year's.
(function () {
  "use strict";

  const PALETTE = ["#2f5dcc", "#12a37f", "#f0a020", "#d64545", "#7a5cd6", "#1f9bbf", "#8a8f98", "#c2410c", "#4d7c0f"];
  const SCORE_COLOURS = ["#d64545", "#f08a4b", "#f0c020", "#7cc47f", "#12a37f"];

  function itemOption(spec) {
    const items = spec.items;
    if (spec.kind === "pie") {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", confine: true },
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "62%"], center: ["50%", "42%"], data: items.map((i) => ({ value: i.value, name: i.label })), label: { formatter: "{c}" } }],
      };
    }
    const horizontal = spec.kind === "hbar";
    const category = { type: "category", data: items.map((i) => i.label), axisLabel: { interval: 0, width: horizontal ? 120 : 64, overflow: "truncate" } };
    if (horizontal) category.inverse = true;
    const value = { type: "value", minInterval: 1 };
    const scores = items.length === 5 && !horizontal;
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{
        type: "bar",
        barMaxWidth: 36,
        label: { show: true, position: horizontal ? "right" : "top" },
        data: items.map((i, n) => (scores ? { value: i.value, itemStyle: { color: SCORE_COLOURS[n] } } : i.value)),
      }],
    };
  }

  function compareOption(c) {
    const series = [{ name: c.current_name, type: "bar", barMaxWidth: 28, data: c.current, label: { show: true, position: "right" } }];
    if (c.previous) series.push({ name: c.previous_name, type: "bar", barMaxWidth: 28, data: c.previous, label: { show: true, position: "right" } });
    return {
      color: ["#2f5dcc", "#8a8f98"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0 },
      grid: { left: 8, right: 36, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 5, interval: 1 },
      yAxis: { type: "category", inverse: true, data: c.labels, axisLabel: { width: 180, overflow: "truncate" } },
      series,
    };
  }

  function draw() {
    const source = document.getElementById("survey-report-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const spec = data.charts[element.dataset.chart];
      if (!spec) return;
      const chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(itemOption(spec));
      charts.push(chart);
    });
    const compare = document.querySelector("[data-compare]");
    if (compare && data.compare) {
      const rows = data.compare.labels.length * (data.compare.previous ? 2 : 1);
      compare.style.height = Math.max(180, 60 + 26 * rows) + "px";
      const chart = echarts.init(compare, null, { renderer: "canvas" });
      chart.setOption(compareOption(data.compare));
      charts.push(chart);
    }
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    document.body.dataset.chartsDrawn = String(charts.length);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
