// /editor: YASGUI on /sparql. A file, not an inline script, so the page runs under
// the Content-Security-Policy (script-src 'self'); the settings come from #editor-config.
(function () {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const prologue = Object.entries(config.prefixes).map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join("\n");
  if (typeof Yasgui === "undefined") {
    document.getElementById("yasgui").textContent = "YASGUI is not installed: run `make assets`.";
    return;
  }
  // completion from this page only: the class and property completers ask lov.linkeddata.es,
  // which the Content-Security-Policy (connect-src 'self') would refuse anyway
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    // the page hands over the query itself (config.initial): YASGUI's own reading of the URL
    // would take every other parameter (lang …) for a request argument
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
  });
  const start = config.initial || (config.examples[0] && config.examples[0].query) || "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  yasgui.getTab().setQuery(prologue + "\n\n" + start);
  // a query handed over by a link ("edit this query") is run at once: its answer on screen
  if (config.initial) yasgui.getTab().query();
  for (const ex of config.examples) {
    yasgui.addTab(false, { name: ex.name, yasqe: { value: prologue + "\n\n" + ex.query } });
  }
  // an answer cut at the row or byte limit says so in a header: say it on the page too.
  // Each tab's query editor reports the response (a fetch Response's headers) when it comes.
  const notice = document.getElementById("truncated");
  const show = (headers) => {
    const cut = headers && headers.get ? headers.get("x-policykg-truncated") : null;
    notice.hidden = !cut;
    notice.textContent = cut ? `${config.truncated} (${cut.replace(/^true;\s*/, "")})` : "";
  };
  const hook = (tab) => {
    const yasqe = tab && tab.getYasqe ? tab.getYasqe() : null;
    if (!yasqe || yasqe.policykgHooked) return;
    yasqe.policykgHooked = true;
    yasqe.on("queryResponse", (_yasqe, response) => show(response && response.headers));
  };
  hook(yasgui.getTab());
  yasgui.on("tabSelect", (_yasgui, id) => setTimeout(() => hook(yasgui.getTab(id)), 0));
  yasgui.on("query", (_yasgui, tab) => hook(tab));
  window.policykgYasgui = yasgui;
})();
