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
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
  });
  const start = config.initial || (config.examples[0] && config.examples[0].query) || "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  yasgui.getTab().setQuery(prologue + "\n\n" + start);
  for (const ex of config.examples) {
    yasgui.addTab(false, { name: ex.name, yasqe: { value: prologue + "\n\n" + ex.query } });
  }
  window.policykgYasgui = yasgui;
})();
