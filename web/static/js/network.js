// Cytoscape graphs of measures, bodies and cited documents: /network (filterable by part)
// and a measure's neighbourhood. The element carries its data URL and layout in data-*.
(function () {
  const colours = { measure: "#7a1f1f", body: "#15803d", document: "#1d4ed8" };

  async function draw(box, part) {
    const url = box.dataset.url + (part ? (box.dataset.url.includes("?") ? "&" : "?") + "part=" + encodeURIComponent(part) : "");
    const data = await (await fetch(url)).json();
    box.dataset.nodes = data.nodes.length;
    if (typeof cytoscape === "undefined") return;
    const cy = cytoscape({
      container: box,
      elements: [...data.nodes.map(n => ({ data: n })), ...data.edges.map(e => ({ data: e }))],
      // labels wrap at a fixed width under their node, and the layout counts them as part of
      // the node, so that long names (张掖市工业和信息化局) do not run over each other
      style: [{ selector: "node", style: { label: "data(label)", "font-size": Number(box.dataset.fontSize || 10),
                                             "text-wrap": "wrap", "text-max-width": 84, "text-valign": "bottom",
                                             "text-margin-y": 2, "text-background-color": "#fff",
                                             "text-background-opacity": 0.85, "text-background-padding": 1,
                                             "background-color": e => colours[e.data("kind")] } },
              { selector: "edge", style: { width: 1, "line-color": "#bbb" } }],
      layout: { name: box.dataset.layout || "cose", animate: false, nodeDimensionsIncludeLabels: true,
                avoidOverlap: true, padding: 10 },
    });
    cy.on("tap", "node", e => { if (e.target.data("href")) window.location = e.target.data("href"); });
    if (box.id === "graph") window.policykgGraph = cy;
    else window.policykgNeighbourhood = cy;
  }

  for (const box of document.querySelectorAll(".network[data-url]")) {
    const select = box.dataset.filter && document.getElementById(box.dataset.filter);
    if (select) select.addEventListener("change", e => draw(box, e.target.value));
    draw(box, "");
  }
})();
