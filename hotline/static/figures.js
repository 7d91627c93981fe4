/* The supervisors' dashboard: draws each chart from the JSON the page
   carries in #figures-data's data-charts (the same numbers as the table under
   each chart) with the vendored Chart.js. Readable without colour: every line has its own dash pattern and
   point shape as well as its own colour (Okabe-Ito's colour-blind-safe hues,
   the light ones darkened to at least 3:1 on white), legends name them, and
   the axes say what they count. A withheld number is a gap in its line. */
(function () {
  "use strict";

  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#AA4499", "#000000",
    "#7F6000", "#332288", "#882255", "#555555"];
  // As many patterns as the longest legend (the bot's 11 topics and "not
  // known"), and one more.
  var DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [16, 4], [2, 6],
    [8, 3, 2, 3, 2, 3], [6, 2], [1, 2], [10, 2, 2, 2], [3, 5, 12, 5],
    [20, 3, 3, 3, 3, 3]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot",
    "cross", "rectRounded", "dash", "line"];

  function styled(series, index) {
    if (series.kind === "target") {
      return {
        label: series.label, data: series.data,
        borderColor: "#000000", backgroundColor: "#000000",
        borderDash: [3, 3], borderWidth: 2,
        pointStyle: "line", pointRadius: 0, pointHoverRadius: 0
      };
    }
    var colour = COLOURS[index % COLOURS.length];
    return {
      label: series.label, data: series.data,
      borderColor: colour, backgroundColor: colour,
      borderDash: DASHES[index % DASHES.length],
      pointStyle: POINTS[index % POINTS.length],
      pointRadius: 4, pointHoverRadius: 6, borderWidth: 2, spanGaps: false
    };
  }

  function draw(weeks, chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: weeks, datasets: chart.series.map(styled) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { title: { display: true, text: chart.xTitle } },
          y: {
            beginAtZero: true,
            title: { display: true, text: chart.yTitle },
            ticks: { precision: 0 }
          }
        },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
      }
    });
  }

  var source = document.getElementById("figures-data");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.getAttribute("data-charts"));
  window.Chart.defaults.color = "#1b1b1b";
  window.Chart.defaults.font.family = "system-ui, sans-serif";
  data.charts.forEach(function (chart) { draw(data.weeks, chart); });
}());
